"""`python -m qa` runs the command line (an entry-point shim; nothing in qa imports ui)."""

from ui.cli import main

raise SystemExit(main())
