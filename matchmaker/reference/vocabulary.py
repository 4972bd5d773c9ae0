"""The closed vocabularies (PKH components, work preference, reach, yes/no, constraints, assets, offer kinds).

Each vocabulary lives once, in ``data/vocabularies.json``: its codes, their Indonesian and
English labels, the word an export writes, and the forms people write for them. This module
is the one resolver over that file, in the style of :mod:`.skill_resolver`:

* :func:`normalise` folds what was written (case, accents, ``dua2nya``, punctuation) — the
  single place where a regional-language step can be plugged in;
* :func:`resolve` finds the codes named in a cell, longest phrase first, with negation
  (``tidak/gak/ga/nggak/belum punya motor`` means she *lacks* a motorbike), a rapidfuzz
  fallback for typos, and returns what it did not recognise, so nothing written is lost;
* :func:`labels`, :func:`choices`, :func:`export_word` serve forms, labels and the export.

Pure Python over a JSON file: no Flask, no database, so the matching engine may import it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .regional import standardise
from .text import fold_accents

DATA_FILE = Path(__file__).with_name("data") / "vocabularies.json"
MAX_NGRAM = 6
# Words that say what follows is absent: "tidak punya motor", "gak ada hp", "belum punya kompor".
NEGATIONS = frozenset("tidak tdk tak gak ga gk nggak ngga enggak engga ndak nda belum blm tanpa bukan no non".split())
# Every way of writing "not" is looked up as "tidak": "gak ada kendaraan" is "tidak ada kendaraan".
_NOT = {word: "tidak" for word in "tdk tak gak ga gk nggak ngga enggak engga ndak nda belum blm".split()}
_COLLOQUIAL_PREFIXES = ("nge", "ng")
# Words that may stand between a negation and the thing lacked.
POSSESSION = frozenset("punya ada memiliki mempunyai pny pnya bawa pakai pake bisa".split())
# Filler that is never kept as unrecognised text on its own.
FILLER = frozenset(
    """
    dan atau serta sama juga yang yg dengan dgn di ke dari untuk utk ada punya memiliki mempunyai
    sudah udah sdh masih agak sedikit dikit cuma hanya aja saja lagi nya sendiri gpp gapapa
    orang org buah unit jiwa anak sebuah satu
    urus ngurus mengurus rawat merawat ngerawat jaga menjaga asuh ngasuh mengasuh
    """.split()
)

_UNCOUNTED = FILLER | NEGATIONS | POSSESSION
_SPLIT = re.compile(r"[,;/|\n\r+&]+|\s+(?:dan|serta|sama)\s+")
_REDUPLICATION = re.compile(r"\b([a-z]+)2([a-z]*)\b")
_NON_WORD = re.compile(r"[^0-9a-z±]+")
_NUMBER = re.compile(r"^\d+$")


class PkhComponent(StrEnum):
    """PKH components a household is registered for (counted)."""

    IBU_HAMIL = "ibu_hamil"
    ANAK_USIA_DINI = "anak_usia_dini"
    ANAK_SD = "anak_sd"
    ANAK_SMP = "anak_smp"
    ANAK_SMA = "anak_sma"
    LANSIA = "lansia"
    DISABILITAS_BERAT = "disabilitas_berat"


class Constraint(StrEnum):
    """What stands between her and work."""

    CHILDCARE = "childcare"
    NO_TRANSPORT = "no_transport"
    DISABILITY = "disability"
    NO_SMARTPHONE = "no_smartphone"
    CAREGIVING = "caregiving"
    FAMILY_PERMISSION = "family_permission"
    LIMITED_TIME = "limited_time"


class Asset(StrEnum):
    """What she owns that work can use."""

    SEWING_MACHINE = "sewing_machine"
    OVERLOCK = "overlock"
    OVEN = "oven"
    MIXER = "mixer"
    STOVE = "stove"
    FRIDGE = "fridge"
    DISPLAY_CASE = "display_case"
    CART = "cart"
    SHOP = "shop"
    MOTORBIKE = "motorbike"
    BICYCLE = "bicycle"
    SMARTPHONE = "smartphone"
    BASIC_PHONE = "basic_phone"
    LAND = "land"
    FISH_POND = "fish_pond"
    LIVESTOCK_PEN = "livestock_pen"
    LIVESTOCK = "livestock"
    IRON = "iron"
    WASHING_MACHINE = "washing_machine"
    LAPTOP = "laptop"


class YesNo(StrEnum):
    """A yes/no answer."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class Entry:
    """One code of a vocabulary with its labels, export word, forms and (constraints) the assets it means lacking."""

    code: str
    label_id: str
    label_en: str
    export: str
    forms: tuple[str, ...]
    lacks: tuple[str, ...] = ()

    def label(self, locale: str | None) -> str:
        """The label in ``locale`` (Indonesian unless English is asked for)."""
        return self.label_en if locale == "en" else self.label_id


@dataclass
class Resolution:
    """What a cell says in a vocabulary.

    ``codes`` in the order written (with ``counts`` for counted vocabularies), ``negated``
    the codes said to be absent, ``unrecognised`` the phrases that matched nothing (as
    written), and ``confidence`` from 0 to 100 (100: every word matched exactly).
    """

    codes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    negated: list[str] = field(default_factory=list)
    unrecognised: list[str] = field(default_factory=list)
    confidence: float = 100.0

    @property
    def empty(self) -> bool:
        """Whether nothing at all was written."""
        return not (self.codes or self.negated or self.unrecognised)


def _words(text: str) -> tuple[str, ...]:
    """The normalised words of ``text`` as looked up (negations written one way)."""
    return tuple(_NOT.get(word, word) for word in normalise(text).split())


def normalise(text: str) -> str:
    """Fold written text for look-ups: lower-case ASCII, ``dua2nya`` → ``duaduanya``, punctuation to spaces.

    This is the one normalisation step of every vocabulary look-up: regional and colloquial
    words are first rewritten in standard Indonesian (:func:`matchmaker.reference.regional.standardise`:
    Sundanese ``henteu`` is ``tidak``, ``balong`` is ``kolam``).
    """
    text = fold_accents(standardise(str(text or "")))
    text = _REDUPLICATION.sub(lambda m: m.group(1) + m.group(1) + m.group(2), text)
    text = re.sub(r"([a-z])\1{2,}", r"\1", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=1)
def _data() -> dict[str, tuple[Entry, ...]]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    vocabularies: dict[str, tuple[Entry, ...]] = {}
    for name, entries in raw.items():
        if name.startswith("_"):
            continue
        vocabularies[name] = tuple(
            Entry(
                code=item["code"], label_id=item["id"], label_en=item["en"], export=item.get("export", item["id"]),
                forms=tuple(item.get("forms", ())), lacks=tuple(item.get("lacks", ())),
            )
            for item in entries
        )
    return vocabularies


def names() -> list[str]:
    """The vocabularies the data file defines."""
    return list(_data())


def entries(vocabulary: str) -> tuple[Entry, ...]:
    """The entries of ``vocabulary`` in their display order."""
    return _data()[vocabulary]


def codes(vocabulary: str) -> tuple[str, ...]:
    """The codes of ``vocabulary``."""
    return tuple(entry.code for entry in entries(vocabulary))


def entry(vocabulary: str, code: str) -> Entry | None:
    """The entry of ``code`` in ``vocabulary``, or None."""
    return next((item for item in entries(vocabulary) if item.code == code), None)


def label(vocabulary: str, code: str | None, locale: str | None = None) -> str:
    """The label of ``code`` in ``locale``; an unknown code is shown as it is."""
    if code is None:
        return "–"
    found = entry(vocabulary, code)
    return found.label(locale) if found else str(code)


def choices(vocabulary: str, locale: str | None = None) -> list[tuple[str, str]]:
    """``(code, label)`` pairs for a select, radio or checkbox field."""
    return [(item.code, item.label(locale)) for item in entries(vocabulary)]


def export_word(vocabulary: str, code: str) -> str:
    """The word an export writes for ``code`` (the import reads it back)."""
    found = entry(vocabulary, code)
    return found.export if found else str(code)


@dataclass(frozen=True)
class _Index:
    by_words: dict[tuple[str, ...], str]
    strings: list[str]
    string_codes: list[str]


@lru_cache(maxsize=32)
def _index(vocabulary: str) -> _Index:
    """Every form, label, code and export word of ``vocabulary`` as a word tuple, with its code."""
    by_words: dict[tuple[str, ...], str] = {}
    for item in entries(vocabulary):
        for form in (*item.forms, item.export, item.label_id, item.label_en, item.code.replace("_", " ")):
            words = _words(form)
            if words:
                by_words.setdefault(words, item.code)
    strings = [" ".join(words) for words in by_words]
    return _Index(by_words, strings, list(by_words.values()))


def _max_typos(length: int) -> int:
    if length < 5:
        return 0  # "sd"/"ma"/"mi" and "ga"/"ya" are too close to each other to forgive a slip
    return 1 if length < 9 else 2


def _fuzzy(words: tuple[str, ...], index: _Index) -> tuple[str, float] | None:
    text = " ".join(words)
    allowed = _max_typos(len(text.replace(" ", "")))
    if not allowed:
        return None
    best = process.extract(text, index.strings, scorer=OSA.distance, score_cutoff=allowed, limit=3)
    # A slip keeps the first letter: "dandang" (a pot) is not "kandang" (a pen).
    best = [hit for hit in best if hit[0][:1] == text[:1]]
    if not best:
        return None
    _form, distance, slot = best[0]
    if len(best) > 1 and best[1][1] == distance and index.string_codes[best[1][2]] != index.string_codes[slot]:
        return None  # equally close to two codes: a guess, not a match
    return index.string_codes[slot], 100.0 * (1 - distance / max(len(text), 1))


def _lookup(words: tuple[str, ...], index: _Index) -> tuple[str, float] | None:
    code = index.by_words.get(words)
    if code is not None:
        return code, 100.0
    first = words[0]
    for prefix in _COLLOQUIAL_PREFIXES:
        # Colloquial verbs: "ngurus" is "urus", "ngasuh" is "asuh".
        if first.startswith(prefix) and len(first) - len(prefix) >= 3:
            code = index.by_words.get((first[len(prefix):], *words[1:]))
            if code is not None:
                return code, 90.0
    if words[0] in FILLER or words[-1] in FILLER or any(_NUMBER.match(word) for word in words):
        return None
    return _fuzzy(words, index)


@lru_cache(maxsize=20_000)
def resolve(vocabulary: str, text: str) -> Resolution:
    """The codes of ``vocabulary`` named in ``text``, what is said to be absent, and what is not recognised.

    The text is split into parts at commas, semicolons, slashes and ``dan``; inside a part the
    longest run of words naming a code wins; a number after (or before) a name is its count
    (``SD 1 SMP 2``); a negation before a name (``gak punya hp``) puts it in ``negated``. For
    constraints, a lacked asset means the constraint that names it (``tidak punya motor`` →
    no transport). Results are cached: sheets repeat the same few words thousands of times.
    """
    result = Resolution()
    if not str(text or "").strip():
        return result
    index = _index(vocabulary)
    scores: list[float] = []
    matched_letters = 0
    total_letters = 0
    whole = _words(text)
    whole_hit = index.by_words.get(whole) if whole else None
    parts = [whole] if whole_hit else [_words(part) for part in _SPLIT.split(str(text))]
    original_parts = [str(text)] if whole_hit else _SPLIT.split(str(text))
    for words, original in zip(parts, original_parts, strict=True):
        if not words:
            continue
        total_letters += sum(len(word) for word in words if word not in _UNCOUNTED and not _NUMBER.match(word))
        found = _scan(words, index)
        taken = [False] * len(words)
        # The last name matched whose count is still the default 1 (a number after it sets it).
        counted: str | None = None
        pending_count: int | None = None
        negate_next = False
        position = 0
        for start, end, code, score in [*found, (len(words), len(words), "", 0.0)]:
            for slot in range(position, start):
                word = words[slot]
                if word in NEGATIONS:
                    negate_next = True
                    taken[slot] = True
                elif _NUMBER.match(word):
                    taken[slot] = True
                    if counted is not None:
                        result.counts[counted] += int(word) - 1
                        counted = None
                    else:
                        pending_count = int(word)
                elif word in POSSESSION and negate_next:
                    taken[slot] = True
            if not code:
                break
            taken[start:end] = [True] * (end - start)
            scores.append(score)
            matched_letters += sum(len(word) for word in words[start:end])
            if negate_next:
                _add(result.negated, code)
                counted = None
            else:
                _add(result.codes, code)
                result.counts[code] = result.counts.get(code, 0) + (pending_count or 1)
                counted = None if pending_count else code
            negate_next = False
            pending_count = None
            position = end
        leftover = [word for word, used in zip(words, taken, strict=True) if not used and word not in FILLER]
        if not leftover or all(word in NEGATIONS | POSSESSION for word in leftover):
            continue
        if vocabulary == "constraint" and _constraint_from_lack(result, original):
            matched_letters += sum(len(word) for word in leftover)
            scores.append(100.0)
            continue
        result.unrecognised.append(" ".join(leftover) if any(taken) else " ".join(original.split()))
    result.confidence = _confidence(scores, matched_letters, total_letters, result)
    return result


def _add(items: list[str], code: str) -> None:
    if code not in items:
        items.append(code)


def _scan(words: tuple[str, ...], index: _Index) -> list[tuple[int, int, str, float]]:
    """Non-overlapping matches in ``words`` (longest, surest, rightmost first), in reading order."""
    candidates: list[tuple[int, int, str, float]] = []
    for start in range(len(words)):
        for length in range(min(MAX_NGRAM, len(words) - start), 0, -1):
            hit = _lookup(words[start : start + length], index)
            if hit:
                candidates.append((start, start + length, hit[0], hit[1]))
    # Longest first, then surest, then rightmost: the object after a verb is the specific part
    # ("urus mertua sakit" is a sick in-law to care for), as in the skill resolver.
    candidates.sort(key=lambda item: (-(item[1] - item[0]), -item[3], -item[0]))
    taken = [False] * len(words)
    chosen = []
    for start, end, code, score in candidates:
        if any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        chosen.append((start, end, code, score))
    return sorted(chosen)


def _constraint_from_lack(result: Resolution, phrase: str) -> bool:
    """A lacked asset in a constraint cell (``gak punya hp``) means the constraint that names it."""
    assets = resolve("asset", phrase)
    meant = [item.code for item in entries("constraint") if set(item.lacks) & set(assets.negated)]
    if not meant or assets.unrecognised:
        return False
    for code in meant:
        _add(result.codes, code)
        result.counts[code] = 1
    return True


def _confidence(scores: list[float], matched: int, total: int, result: Resolution) -> float:
    if not scores:
        return 0.0
    share = matched / total if total else 1.0
    return round(min(scores) * min(1.0, share), 1)
