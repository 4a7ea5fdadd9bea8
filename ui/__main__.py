"""`python -m ui` runs the command line (the same as the `archive-qa` entry point)."""

from ui.cli import main

raise SystemExit(main())
