"""The words of every region, as data: regional and colloquial words rewritten into standard Indonesian.

Facilitators write profiles in the words of their place: ``"bisa ngurus hayam jeung melak
sampeu"`` (Sundanese), ``"ora iso masak, pengen dodolan"`` (Javanese), ``"ndeq taok"`` (Sasak).
Each language has one data file, ``data/regional/<code>.json`` (format ``matchmaker-regional/1``),
mapping the livelihood and function words people write to standard Indonesian; this module
loads them once and offers :func:`standardise`, :func:`detect_languages` and
:func:`is_empty_profile`. Pure Python (no Flask, no database), so the ranking engine in
:mod:`matchmaker.matching` and the skill resolver share it.

The rewriting rule (:func:`standardise`):

1. Words are compared folded: lower case, accents and apostrophes dropped (``ngala'`` is
   ``ngala``, ``séngko`` is ``sengko``), stretched letters undone.
2. Longest phrase first, left to right, on whole words only: ``"teu acan aya"`` is matched as
   one phrase before ``"teu"`` alone, and ``"ka"`` never matches inside ``"kain"``.
3. Never a standard word with another meaning. A single regional word that is also a standard
   Indonesian word (:func:`standard_words`: the Sastrawi root-word list, MIT licence, plus the
   Indonesian names of the skill vocabulary) is *ambiguous*: Sundanese ``lauk`` (fish) is
   Indonesian ``lauk`` (side dish), ``budak`` (child) is ``budak`` (slave), Javanese ``dodol``
   (to sell) is the sweet ``dodol``. An ambiguous word is rewritten only when the text shows
   its language elsewhere: at least one word or phrase of that language that is not standard
   Indonesian (``"ngurus hayam jeung lauk"`` → ``lauk`` becomes ``ikan`` because ``hayam`` and
   ``jeung`` are Sundanese; ``"jualan lauk pauk"`` stays as written). Entries marked
   ``"variant": true`` are register or spelling variants with the *same* meaning (``bikin``,
   ``telor``, ``kebon``) and are rewritten everywhere. Multi-word phrases (``"balong lauk"``,
   ``"teu acan aya"``) are regional as a whole and rewritten everywhere. A word or phrase that
   two languages render differently (Javanese ``gawe`` "make", Sundanese ``gawe`` "work") is
   ambiguous too and follows the language with the most evidence in the text.
4. Everything else in the text (punctuation, numbers, words that are not regional) is kept.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import fold_accents

DATA_DIR = Path(__file__).parent / "data" / "regional"
SKILLS_JSON = Path(__file__).parent / "data" / "skills.json"
FORMAT = "matchmaker-regional/1"
#: The livelihood domains every language file covers, plus its function words.
DOMAINS: tuple[str, ...] = (
    "food", "crops", "livestock", "fishing", "crafts", "textiles", "household", "trade",
    "childcare", "tourism", "function",
)
MAX_PHRASE = 4
#: Files of informal Indonesian written all over the country, not of one region.
NATIONAL = frozenset({"bew", "id-informal"})
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_WORD = re.compile(r"[^\W\d_]+(?:['’`][^\W\d_]*)*")
# After standardising, a profile made only of these words says nothing about what she can do.
_EMPTY_WORDS = frozenset(
    """
    belum tidak ada apa apapun saja aja punya keahlian ahli keterampilan terampil khusus
    pengalaman pernah kerja bekerja bisa mau ingin biasa cuma hanya ibu rumah tangga irt
    saya aku di yang dan atau tahu nanti masih sedang lagi sudah kosong nihil none bingung
    """.split()
)


@dataclass(frozen=True)
class Entry:
    """One regional word or phrase and its standard Indonesian rendering."""

    regional: tuple[str, ...]
    indonesian: str
    domain: str
    source: str
    language: str
    variant: bool = False


@dataclass(frozen=True)
class Language:
    """A language file: its code, name, where its words came from, and its entries."""

    code: str
    name: str
    sources: tuple[dict, ...]
    entries: tuple[Entry, ...]


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """A word as compared with entries: lower case ASCII, no accents, apostrophes or stretched letters."""
    if word.isascii() and word.isalpha() and word.islower():
        return _STRETCHED.sub(r"\1", word)
    word = fold_accents(word)
    word = re.sub(r"['’`]", "", word)
    return _STRETCHED.sub(r"\1", word)


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(match.group(0)) for match in _WORD.finditer(phrase))


def _load_file(path: Path) -> Language:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != FORMAT:
        raise ValueError(f"{path.name}: format must be {FORMAT!r}")
    code = data["code"]
    entries = []
    for item in data["entries"]:
        key = _key(item["regional"])
        if not key or len(key) > MAX_PHRASE:
            raise ValueError(f"{path.name}: bad regional phrase {item['regional']!r}")
        if item["domain"] not in DOMAINS:
            raise ValueError(f"{path.name}: unknown domain {item['domain']!r}")
        entries.append(Entry(
            regional=key, indonesian=item["indonesian"].strip(), domain=item["domain"],
            source=item["source"], language=code, variant=bool(item.get("variant", False)),
        ))
    return Language(code=code, name=data["name"], sources=tuple(data["sources"]), entries=tuple(entries))


@lru_cache(maxsize=1)
def languages() -> dict[str, Language]:
    """Every language file under ``data/regional``, by code (loaded once)."""
    loaded = [_load_file(path) for path in sorted(DATA_DIR.glob("*.json"))]
    return {language.code: language for language in loaded}


@lru_cache(maxsize=1)
def standard_words() -> frozenset[str]:
    """Standard Indonesian words: Sastrawi's root-word list (MIT) and the skill vocabulary's Indonesian names."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    words = {fold(word) for word in StemmerFactory().get_words_from_file()}
    # Read the vocabulary file directly: importing .skills would pull the database models into the engine.
    skills = json.loads(SKILLS_JSON.read_text(encoding="utf-8"))
    for item in [*skills["skills"], *skills["categories"]]:
        words.update(_key(item["name_id"]))
    return frozenset(words)


@dataclass(frozen=True)
class _Index:
    """Entries by folded phrase, split into safe ones and ones that need their language detected."""

    safe: dict[tuple[str, ...], str]
    gated: dict[tuple[str, ...], dict[str, str]]
    evidence: dict[tuple[str, ...], frozenset[str]]
    starts: frozenset[str]  # first words of every entry: other words are skipped at once


@lru_cache(maxsize=1)
def _index() -> _Index:
    standard = standard_words()
    by_key: dict[tuple[str, ...], dict[str, Entry]] = {}
    for language in languages().values():
        for entry in language.entries:
            if entry.regional == _key(entry.indonesian):
                continue
            by_key.setdefault(entry.regional, {}).setdefault(entry.language, entry)
    safe: dict[tuple[str, ...], str] = {}
    gated: dict[tuple[str, ...], dict[str, str]] = {}
    evidence: dict[tuple[str, ...], frozenset[str]] = {}
    for key, per_language in by_key.items():
        renderings = {entry.indonesian for entry in per_language.values()}
        looks_standard = len(key) == 1 and key[0] in standard
        is_variant = all(entry.variant for entry in per_language.values())
        if len(renderings) == 1 and (is_variant or not looks_standard):
            safe[key] = renderings.pop()
        else:
            gated[key] = {code: entry.indonesian for code, entry in per_language.items()}
        if not looks_standard:
            # Jakarta slang and chat spellings are written everywhere: they show no regional language.
            national = set(per_language) & NATIONAL
            evidence[key] = frozenset(national or per_language)
    return _Index(safe, gated, evidence, frozenset(key[0] for key in by_key))


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(fold(match.group(0)), match.start(), match.end()) for match in _WORD.finditer(text)]


def _language_counts(words: list[str]) -> Counter[str]:
    index = _index()
    counts: Counter[str] = Counter()
    seen: set[tuple[str, ...]] = set()
    for start in range(len(words)):
        if words[start] not in index.starts:
            continue
        for length in range(min(MAX_PHRASE, len(words) - start), 0, -1):
            key = tuple(words[start : start + length])
            if key in index.evidence and key not in seen:
                seen.add(key)
                counts.update(index.evidence[key])
    return counts


def detect_languages(text: str) -> list[str]:
    """Codes of the regional languages ``text`` shows, most evidence first.

    Evidence is a distinct word or phrase of the language that is not standard Indonesian;
    words shared by several languages count for each, except Jakarta slang and chat spellings
    (files in :data:`NATIONAL`), which are written everywhere and show only themselves.
    """
    counts = _language_counts([word for word, _s, _e in _words(text or "")])
    return [code for code, _n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


@lru_cache(maxsize=32768)
def standardise(text: str, context: str | None = None) -> str:
    """``text`` with its regional and colloquial words and phrases rewritten in standard Indonesian.

    See the module docstring for the rule (longest phrase first, whole words, ambiguous words
    only where their language is evident). Words the files do not know are kept as written.
    ``context`` is the whole text ``text`` was cut from, when the caller looks at a piece of it
    (the skill resolver tries each run of words): the languages are detected on it.
    Results are cached: skill lists and offer texts repeat a lot across a district.
    """
    if not text:
        return text or ""
    index = _index()
    words = _words(text)
    folded = [word for word, _s, _e in words]
    if index.starts.isdisjoint(folded):
        return text
    counts: Counter[str] | None = None
    if context is not None:
        counts = _language_counts([word for word, _s, _e in _words(context)])
    out: list[str] = []
    cursor = 0
    position = 0
    while position < len(words):
        if folded[position] not in index.starts:
            position += 1
            continue
        replacement: str | None = None
        size = 1
        for length in range(min(MAX_PHRASE, len(words) - position), 0, -1):
            key = tuple(folded[position : position + length])
            if key in index.safe:
                replacement, size = index.safe[key], length
                break
            if key in index.gated:
                if counts is None:
                    counts = _language_counts(folded)
                shown = [code for code in index.gated[key] if counts[code] > 0]
                if shown:
                    best = max(shown, key=lambda code: (counts[code], code))
                    replacement, size = index.gated[key][best], length
                    break
        if replacement is None:
            position += 1
            continue
        start, end = words[position][1], words[position + size - 1][2]
        out.append(text[cursor:start])
        out.append(replacement)
        cursor = end
        position += size
    out.append(text[cursor:])
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


def is_empty_profile(text: str) -> bool:
    """Whether ``text`` says nothing about what she can do ("-", "belum ada", "ndeq taok", "teu acan aya").

    True when, once standardised, no word of three letters or more remains besides filler such
    as "belum", "ada", "tidak tahu", "ibu rumah tangga" or "apa saja".
    """
    content = [word for word, _s, _e in _words(standardise(text or ""))]
    return not any(len(word) >= 3 and word not in _EMPTY_WORDS for word in content)
