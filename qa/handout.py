"""Class handouts: a reading list (title, note for the class, passages, questions) held wholly
in one link, so that it needs no server state and survives restarts and re-indexing.

The link's ``h`` parameter is the list as compact JSON, compressed (zlib) and base64url-encoded,
with each passage as its short key (index.catalog.passage_key: 10 characters however long its
id), so 20 passages with a title, a note and three questions fit well under 2,000 characters.
Everything a teacher typed comes back as plain text: the pages escape it.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field

from index.catalog import Catalog, passage_key
from index.records import Passage

MAX_LINK = 2000  # characters of the whole link: what browsers and chat apps keep
MAX_PASSAGES = 40
MAX_TITLE = 200
MAX_NOTE = 1500
MAX_QUESTIONS = 12
MAX_QUESTION = 300
_MAX_TOKEN = 6000  # a longer ``h`` is refused before it is decompressed
_MAX_JSON = 20_000  # nor is more than this inflated from it
VERSION = 1


class HandoutError(ValueError):
    """The list or its link cannot be used; the message says why, in one line."""


@dataclass(frozen=True)
class Handout:
    title: str
    note: str = ""
    passages: tuple[str, ...] = ()  # passage ids, in the teacher's order
    questions: tuple[str, ...] = ()


@dataclass
class Resolved:
    handout: Handout
    found: list[Passage] = field(default_factory=list)  # in the list's order
    missing: list[str] = field(default_factory=list)  # keys no longer in the archive


def check(h: Handout) -> Handout:
    """``h`` with its text trimmed, or a HandoutError naming the field that is too long."""
    title, note = " ".join(h.title.split()), h.note.strip()
    questions = tuple(q.strip() for q in h.questions if q.strip())
    if not title:
        raise HandoutError("the handout needs a title")
    if len(title) > MAX_TITLE:
        raise HandoutError(f"the title is {len(title)} characters long (at most {MAX_TITLE})")
    if len(note) > MAX_NOTE:
        raise HandoutError(f"the note is {len(note)} characters long (at most {MAX_NOTE})")
    if not h.passages:
        raise HandoutError("the handout has no passages")
    if len(h.passages) > MAX_PASSAGES:
        raise HandoutError(f"{len(h.passages)} passages (at most {MAX_PASSAGES})")
    if len(questions) > MAX_QUESTIONS:
        raise HandoutError(f"{len(questions)} questions (at most {MAX_QUESTIONS})")
    long = next((q for q in questions if len(q) > MAX_QUESTION), None)
    if long is not None:
        raise HandoutError(f"a question is {len(long)} characters long (at most {MAX_QUESTION})")
    passages = tuple(dict.fromkeys(p.strip() for p in h.passages if p.strip()))
    return Handout(title, note, passages, questions)


def encode(h: Handout) -> str:
    """The ``h`` parameter of the handout's link."""
    h = check(h)
    data = {"v": VERSION, "t": h.title, "n": h.note, "q": list(h.questions)}
    data["k"] = [passage_key(p) for p in h.passages]
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def link(base_url: str, h: Handout) -> str:
    """The handout's link, or a HandoutError when it would be longer than :data:`MAX_LINK`."""
    url = f"{base_url.rstrip('/')}/handout?h={encode(h)}"
    if len(url) > MAX_LINK:
        raise HandoutError(
            f"the link would be {len(url)} characters long (at most {MAX_LINK}): "
            "take fewer passages or a shorter note"
        )
    return url


def decode(token: str) -> tuple[Handout, list[str]]:
    """The handout a link's ``h`` holds (its passages still to be looked up: the keys are
    returned beside it), or a HandoutError saying what is wrong with the link."""
    token = (token or "").strip()
    if not token:
        raise HandoutError("the link holds no reading list")
    if len(token) > _MAX_TOKEN:
        raise HandoutError(f"the link is too long to be a reading list ({len(token)} characters)")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, _MAX_JSON)
        if inflater.unconsumed_tail:
            raise HandoutError("the reading list in the link is too large")
        data = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, zlib.error, UnicodeDecodeError) as exc:
        if isinstance(exc, HandoutError):
            raise
        raise HandoutError("the link is damaged: it does not hold a reading list") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise HandoutError("the link does not hold a reading list this version can read")
    title, note = data.get("t"), data.get("n", "")
    questions, keys = data.get("q", []), data.get("k")
    if not (
        isinstance(title, str)
        and isinstance(note, str)
        and isinstance(questions, list)
        and all(isinstance(q, str) for q in questions)
        and isinstance(keys, list)
        and all(isinstance(k, str) and 0 < len(k) <= 16 for k in keys)
    ):
        raise HandoutError("the link is damaged: its reading list is malformed")
    h = check(Handout(title, note, tuple(keys), tuple(questions)))
    return Handout(h.title, h.note, (), h.questions), list(h.passages)


def resolve(catalog: Catalog, token: str) -> Resolved:
    """The handout of a link with its passages looked up; keys the archive no longer has are
    listed as missing, the rest kept in order."""
    h, keys = decode(token)
    ids = catalog.passage_ids(keys)
    return _looked_up(catalog, h, [(k, ids.get(k, "")) for k in keys])


def gather(catalog: Catalog, h: Handout) -> Resolved:
    """A handout given by passage ids (the CLI) with its passages looked up; ids the archive
    does not have are listed as missing."""
    h = check(h)
    return _looked_up(catalog, h, [(pid, pid) for pid in h.passages])


def _looked_up(catalog: Catalog, h: Handout, refs: list[tuple[str, str]]) -> Resolved:
    """``h`` with the passages of ``refs`` (how the list names each, its passage id or "") in
    order; those not found are listed by how the list names them."""
    found = catalog.passages([pid for _, pid in refs if pid])
    out = Resolved(h)
    for ref, pid in refs:
        p = found.get(pid)
        if p is None:
            out.missing.append(ref)
        else:
            out.found.append(p)
    return out
