"""Turn what a woman says she can do into canonical skills, keeping whatever matches none.

``"bisa ngejahit, bikin kue basah, jualan di WA"`` becomes *Menjahit pakaian*, *Membuat kue
basah* and *Jualan online*: every run of words is looked up among the vocabulary's terms
(synonyms, Indonesian names, slugs; :mod:`matchmaker.reference.skills`), longest first, and
words that match no term exactly get one more chance with rapidfuzz, which forgives a typo or
two (``ngejait``, ``menjaiht``). A phrase that matches nothing is returned as free text so
that the facilitator can keep it: nothing she wrote is silently dropped.

Regional words are read through :func:`matchmaker.reference.regional.standardise` (``ngaput``,
``hayam``, ``dodolan``): the vocabulary lists Indonesian and informal forms, the regional data
files the words of each language. Pure over the vocabulary file (no database); the ``skill``
table has the same slugs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .regional import standardise
from .skills import Vocabulary, vocabulary
from .stopwords import stopwords
from .text import fold_accents

MAX_NGRAM = 7
MAX_LIMIT = 50
# Filler around skills: never matched fuzzily, never kept as free text on their own.
STOPWORDS = stopwords("skills")

_CONJUNCTIONS = frozenset({"dan", "atau", "serta", "sama", "plus", "juga", "terus", "trus", "lalu"})
_CONJUNCTION_TUPLES = frozenset((word,) for word in _CONJUNCTIONS)
_SEGMENT = re.compile(r"[^,;.\n\r!?|]+")
_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_COLLOQUIAL_PREFIXES = ("nge", "ng", "meng", "mem", "men", "me", "di")


@dataclass(frozen=True)
class SkillSuggestion:
    """A canonical skill found in free text, with the words it came from (``phrase``) and a 0–100 score."""

    slug: str
    name_id: str
    name_en: str
    category: str
    score: float
    phrase: str

    def label(self, locale: str) -> str:
        """The skill's name in ``locale`` (Indonesian unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_id


@dataclass(frozen=True)
class SkillResolution:
    """The skills found in a text and the phrases that matched none (kept as free text)."""

    skills: list[SkillSuggestion]
    unmatched: list[str]


def fold_word(word: str) -> str:
    """Lower-case ASCII, accents dropped; ``2`` reduplication (``kue2``) and stretched letters (``jaiiit``) undone."""
    word = fold_accents(word)
    word = re.sub(r"([a-z])\1{2,}", r"\1", word)
    if len(word) > 2 and word.endswith("2") and word[:-1].isalpha():
        word = word[:-1]
    return word


def fold_phrase(text: str) -> tuple[str, ...]:
    """The words of ``text`` as compared with terms (hyphens and slashes split words)."""
    return tuple(fold_word(word) for match in _WORD.finditer(text) for word in match.group(0).split("-") if word)


@dataclass(frozen=True)
class _Terms:
    """The vocabulary prepared for look-ups."""

    by_words: dict[tuple[str, ...], str]
    strings: list[str]
    slugs: list[str]
    search_strings: list[str]
    search_slugs: list[str]
    # Fuzzy look-ups already made (word tuple -> result): the same words come back on every
    # profile page of a caseload, and each look-up compares them with every term.
    fuzzy_seen: dict[tuple[str, ...], tuple[str, float] | None] = field(default_factory=dict, compare=False)


@lru_cache(maxsize=4)
def _terms(vocab: Vocabulary) -> _Terms:
    """Every term of ``vocab`` as a word tuple and as a string, with its skill."""
    by_words: dict[tuple[str, ...], str] = {}
    for term, slug in vocab.term_index().items():
        by_words.setdefault(fold_phrase(term), slug)
    by_words.pop((), None)
    strings = [" ".join(words) for words in by_words]
    slugs = list(by_words.values())
    # Search also knows the English names, for users who switched the interface to English.
    search = dict(zip(strings, slugs, strict=True))
    for skill in vocab.skills:
        search.setdefault(" ".join(fold_phrase(skill.name_en)), skill.slug)
    return _Terms(by_words, strings, slugs, list(search), list(search.values()))


def _suggestion(vocab: Vocabulary, slug: str, score: float, phrase: str) -> SkillSuggestion:
    skill = next(entry for entry in vocab.skills if entry.slug == slug)
    return SkillSuggestion(
        slug=skill.slug, name_id=skill.name_id, name_en=skill.name_en, category=skill.category,
        score=round(score, 1), phrase=phrase,
    )


def _max_typos(length: int) -> int:
    """How many slips a term of ``length`` letters may carry and still be recognised."""
    if length < 5:
        return 0  # "baca" is one letter from "bata": short words are too close to each other
    return 1 if length < 8 else 2


# How many fuzzy look-ups each vocabulary remembers.
FUZZY_MEMORY = 50_000


def _fuzzy_term(words: tuple[str, ...], terms: _Terms) -> tuple[str, float] | None:
    """The term ``words`` is a slip of, as ``(slug, score)``, if it is close enough to exactly one."""
    if words in terms.fuzzy_seen:
        return terms.fuzzy_seen[words]
    found = _closest_term(words, terms)
    if len(terms.fuzzy_seen) < FUZZY_MEMORY:
        terms.fuzzy_seen[words] = found
    return found


def _closest_term(words: tuple[str, ...], terms: _Terms) -> tuple[str, float] | None:
    text = " ".join(words)
    allowed = _max_typos(len(text.replace(" ", "")))
    if allowed == 0:
        return None
    best = process.extract(text, terms.strings, scorer=OSA.distance, score_cutoff=allowed, limit=2)
    if not best:
        return None
    _term, distance, slot = best[0]
    # Two terms of different skills equally close: a guess, not a match.
    if len(best) > 1 and best[1][1] == distance and terms.slugs[best[1][2]] != terms.slugs[slot]:
        return None
    return terms.slugs[slot], 100.0 * (1 - distance / max(len(text), 1))


def _standard(words: tuple[str, ...], context: str) -> tuple[str, ...]:
    """``words`` in standard Indonesian (regional data files; languages detected on ``context``)."""
    return fold_phrase(standardise(" ".join(words), context))


def _lookup(words: tuple[str, ...], terms: _Terms, context: str = "") -> tuple[str, float] | None:
    """Exact term, then the words in standard Indonesian (``ngaput`` → ``jahit``), then a colloquial
    prefix dropped (``ngobras`` → ``obras``), then a typo."""
    slug = terms.by_words.get(words)
    if slug:
        return slug, 100.0
    edges_are_filler = _is_filler(words[0], context) or _is_filler(words[-1], context)
    standard = () if edges_are_filler else _standard(words, context)
    if standard and standard != words:
        slug = terms.by_words.get(standard)
        if slug:
            return slug, 95.0
    if len(words) == 1:
        word = words[0]
        for prefix in _COLLOQUIAL_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 4:
                slug = terms.by_words.get((word[len(prefix):],))
                if slug:
                    return slug, 90.0
    if edges_are_filler:
        return None
    return _fuzzy_term(words, terms)


def _is_filler(word: str, context: str) -> bool:
    """Whether ``word`` is filler, in Indonesian or once standardised (``abdi tiasa`` is ``saya bisa``)."""
    if word in STOPWORDS:
        return True
    standard = _standard((word,), context)
    return bool(standard) and standard != (word,) and all(item in STOPWORDS for item in standard)


def resolve_skills(text: str) -> SkillResolution:
    """The canonical skills named in ``text``, and the phrases that matched none.

    Phrases are separated by punctuation; inside a phrase the longest run of words naming a
    skill wins (``bikin kue basah`` is *kue basah*, not *bikin kue*), so several skills can
    come out of one phrase. Filler (``bisa``, ``saya``, ``dan``) is neither matched nor kept.
    """
    vocab = vocabulary()
    terms = _terms(vocab)
    found: dict[str, SkillSuggestion] = {}
    unmatched: list[str] = []
    for segment in _segments(text or ""):
        words = [(fold_word(word), start, end) for word, start, end in segment]
        folded = tuple(word for word, _start, _end in words)
        candidates: list[tuple[int, int, str, float]] = []
        for start in range(len(folded)):
            for length in range(min(MAX_NGRAM, len(folded) - start), 0, -1):
                hit = _lookup(folded[start : start + length], terms, text)
                if hit:
                    candidates.append((start, start + length, hit[0], hit[1]))
        # Longest first, then surest, then rightmost: in Indonesian the object after the verb is the specific part.
        candidates.sort(key=lambda item: (-(item[1] - item[0]), -item[3], -item[0]))
        taken = [False] * len(folded)
        for start, end, slug, score in candidates:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            phrase = text[words[start][1] : words[end - 1][2]]
            if slug not in found or found[slug].score < score:
                found[slug] = _suggestion(vocab, slug, score, phrase)
        unmatched += _leftovers(text, words, taken)
    ranked = sorted(found.values(), key=lambda suggestion: -suggestion.score)
    return SkillResolution(skills=ranked, unmatched=list(dict.fromkeys(unmatched)))


def _segments(text: str) -> list[list[tuple[str, int, int]]]:
    """The words of each punctuation-separated phrase, with their offsets in ``text``."""
    segments: list[list[tuple[str, int, int]]] = []
    for part in _SEGMENT.finditer(text):
        words = []
        for match in _WORD.finditer(text, part.start(), part.end()):
            position = match.start()
            for piece in match.group(0).split("-"):
                if piece:
                    words.append((piece, position, position + len(piece)))
                position += len(piece) + 1
        if words:
            segments.append(words)
    return segments


def _leftovers(text: str, words: list[tuple[str, int, int]], taken: list[bool]) -> list[str]:
    """Runs of words that no skill took, split at conjunctions, trimmed of filler, as written."""
    phrases: list[str] = []
    run: list[tuple[str, int, int]] = []
    for (word, start, end), used in [*zip(words, taken, strict=True), (("", 0, 0), True)]:
        if not used and word not in _CONJUNCTIONS and _standard((fold_word(word),), text) not in _CONJUNCTION_TUPLES:
            run.append((word, start, end))
            continue
        content = [index for index, (item, _s, _e) in enumerate(run) if not _is_filler(fold_word(item), text)]
        if content:
            phrases.append(text[run[content[0]][1] : run[content[-1]][2]])
        run = []
    return phrases


def search_skills(query: str, limit: int = 10) -> list[SkillSuggestion]:
    """Skills for a type-ahead, best first: exact term, terms starting with the query, then look-alikes.

    Each skill appears once, with the term that matched best as its ``phrase``.
    """
    vocab = vocabulary()
    terms = _terms(vocab)
    limit = max(1, min(int(limit), MAX_LIMIT))
    wanted = " ".join(fold_phrase(query or ""))
    if not wanted:
        return []
    best: dict[str, tuple[float, str]] = {}

    def offer(slug: str, score: float, term: str) -> None:
        if score > best.get(slug, (0.0, ""))[0]:
            best[slug] = (score, term)

    for term, slug in zip(terms.search_strings, terms.search_slugs, strict=True):
        if term == wanted:
            offer(slug, 100.0, term)
        elif term.startswith(wanted):
            offer(slug, 80.0 + 18.0 * len(wanted) / len(term), term)
        elif f" {wanted}" in f" {term}":
            offer(slug, 70.0 + 18.0 * len(wanted) / len(term), term)
    if len(wanted) >= 3:
        for term, score, slot in process.extract(
            wanted, terms.search_strings, scorer=fuzz.ratio, score_cutoff=75, limit=limit * 3
        ):
            offer(terms.search_slugs[slot], 0.9 * score, term)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    return [_suggestion(vocab, slug, score, term) for slug, (score, term) in ranked]


# Reasons shown to people name a skill only when the words are this sure (0–100): a one-letter
# look-alike ("kompor" for "kompos") is fine as a suggestion to confirm, not as a stated fact.
REASON_MIN_SCORE = 90.0


@lru_cache(maxsize=50_000)
def _sure_slugs(text: str) -> tuple[str, ...]:
    return tuple(s.slug for s in resolve_skills(text).skills if s.score >= REASON_MIN_SCORE)


class VocabularyForRanking:
    """The shipped skills vocabulary as the ranking engine's ``SkillVocabulary``.

    Pure over the vocabulary file (no database), so the app and ``flask ranker evaluate``
    hand the same vocabulary to the engine, which itself imports nothing of the app.
    """

    def resolve(self, text: str) -> list[str]:
        """Slugs of the canonical skills ``text`` surely names, surest first."""
        return list(_sure_slugs(text or ""))

    def label(self, slug: str, lang: str) -> str:
        """The skill's Indonesian (default) or English name; the slug if it is unknown."""
        entry = _entries().get(slug)
        if entry is None:
            return slug.replace("-", " ")
        return entry.name_en if lang == "en" else entry.name_id


@lru_cache(maxsize=1)
def _entries() -> dict:
    return {entry.slug: entry for entry in vocabulary().skills}
