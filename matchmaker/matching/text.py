"""Indonesian text normalisation: regional words, livelihood folding, stopwords and cached stemming."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin

from ..reference.regional import is_empty_profile, standardise
from .lexicon import COLLOQUIAL, STEM_EXCEPTIONS, STOPWORDS

_TOKEN_RE = re.compile(r"[a-z]+(?:2)?")
# "ibu2", "bersih2", "kue2": informal reduplication written with a digit.
_REDUP_RE = re.compile(r"([a-z]{2,})2\b")
_STEMMER: Any = None


def _sastrawi() -> Any:
    """Create the Sastrawi stemmer once; building its dictionary takes ~0.3 s."""
    global _STEMMER
    if _STEMMER is None:
        from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

        _STEMMER = StemmerFactory().create_stemmer()
    return _STEMMER


class TokenStemmer:
    """Stem single tokens with Sastrawi, a per-token cache and an exception map.

    Sastrawi is slow (~50 us per word) but profile vocabularies are small, so
    each unique token is stemmed once; a corpus of 200k profiles then costs
    about as much as its vocabulary.
    """

    def __init__(self, exceptions: dict[str, str] | None = None) -> None:
        self.exceptions = dict(STEM_EXCEPTIONS if exceptions is None else exceptions)
        self.cache: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        """Return the stem of ``token``."""
        stem = self.cache.get(token)
        if stem is None:
            stem = self._stem(token)
            self.cache[token] = stem
        return stem

    def _stem(self, token: str) -> str:
        if token in self.exceptions:
            return self.exceptions[token]
        if len(token) <= 3:
            return token
        stemmer = _sastrawi()
        words = stemmer.delegatedStemmer.dictionary
        if words.contains(token):
            return token
        colloquial = _strip_colloquial_affixes(token, words)
        if colloquial is not None:
            return colloquial
        stem = stemmer.stem(token) or token
        # Sastrawi sometimes strips real words down to fragments ("pemilah"
        # -> "mi"); a stem that short is more harmful than no stem at all.
        if len(stem) < 3:
            return token
        return self.exceptions.get(stem, stem)


def _strip_colloquial_affixes(token: str, words: Any) -> str | None:
    """Undo Betawi/Sundanese verb forms Sastrawi does not know (nge-, ny-, -in)."""
    candidates: list[str] = []
    base = token
    for suffix in ("in", "an"):
        if base.endswith(suffix) and len(base) > len(suffix) + 3:
            candidates.append(base[: -len(suffix)])
    stems = [token, *candidates]
    for word in stems:
        for prefix, repl in (
            ("nge", ""), ("ng", ""), ("ng", "k"), ("ny", "s"), ("ny", "c"),
            ("di", ""), ("ka", ""), ("m", "p"), ("n", "t"),
        ):
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                root = repl + word[len(prefix):]
                if words.contains(root):
                    return root
        if word is not token and words.contains(word):
            return word
    return None


class IndonesianNormalizer(BaseEstimator, TransformerMixin):
    """Turn raw informal Indonesian into space-joined normalised tokens.

    Steps: rewrite regional and slang words in standard Indonesian
    (:func:`matchmaker.reference.regional.standardise`, which reads the
    per-language data files), lower case, undo digit reduplication, fold
    livelihood words (``colloquial``), drop stopwords, stem with a cached Sastrawi.
    Stateless: ``fit`` only validates, so it can sit anywhere in a Pipeline.
    """

    def __init__(
        self,
        colloquial: dict[str, str] | None = None,
        stopwords: Iterable[str] | None = None,
        stem: bool = True,
    ) -> None:
        self.colloquial = colloquial
        self.stopwords = stopwords
        self.stem = stem

    def fit(self, X: Sequence[str], y: Any = None) -> IndonesianNormalizer:
        """Nothing to learn; present for the estimator protocol."""
        self._ensure_state()
        return self

    def transform(self, X: Iterable[str]) -> list[str]:
        """Return one normalised string per input text."""
        return [" ".join(self.tokens(text)) for text in X]

    def tokens(self, text: str) -> list[str]:
        """Normalise one text into a list of tokens."""
        self._ensure_state()
        out: list[str] = []
        text = _REDUP_RE.sub(r"\1", standardise(text or "").lower())
        for raw in _TOKEN_RE.findall(text):
            cached = self._token_cache.get(raw)
            if cached is None:
                cached = self._normalise_token(raw)
                self._token_cache[raw] = cached
            out.extend(cached)
        return out

    def _normalise_token(self, raw: str) -> tuple[str, ...]:
        raw = raw.rstrip("2")
        mapped = self._colloquial.get(raw, raw)
        result: list[str] = []
        for word in mapped.split():
            if word in self._stopwords:
                continue
            stem = self._stemmer(word) if self.stem else word
            stem = self._colloquial.get(stem, stem)
            for part in stem.split():
                if part and part not in self._stopwords:
                    result.append(part)
        return tuple(result)

    def _ensure_state(self) -> None:
        # Caches are plain attributes built lazily, so clone()/get_params()
        # see only the constructor parameters.
        if getattr(self, "_token_cache", None) is None:
            self._colloquial = dict(COLLOQUIAL if self.colloquial is None else self.colloquial)
            self._stopwords = frozenset(STOPWORDS if self.stopwords is None else self.stopwords)
            self._stemmer = TokenStemmer()
            self._token_cache: dict[str, tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_stemmer", None)
        state["_token_cache"] = None
        return state


_DEFAULT: IndonesianNormalizer | None = None


def default_normalizer() -> IndonesianNormalizer:
    """A process-wide normaliser so every component shares one token cache."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = IndonesianNormalizer()
    return _DEFAULT


# ---------------------------------------------------------- clauses of a profile
_CLAUSE = re.compile(r"[^,;.\n\r!?|/()]+")
_LITERAL: IndonesianNormalizer | None = None
_WORK_WORDS = frozenset({"kerja", "bekerja", "pekerjaan"})
# Words of a clause that says any work will do and nothing more ("apa saja yang penting halal",
# "apapun asal halal", "iya, apa saja"): "halal" there means lawful work, not a halal certificate.
_ANY_WORK_FILLER = frozenset({
    "apa", "saja", "apapun", "yang", "penting", "halal", "asal", "boleh", "mau", "ingin", "bisa",
    "iya", "ya", "iye", "saya", "aku", "juga", "pun", "terserah", "semua", "jadi", "nanti",
}) | _WORK_WORDS


# A clause about her own children ("anak masih bayi", "IRT, anak 3", "anak balita") is a circumstance
# that the childcare constraint carries, not a wish to look after children for pay: words that say
# the latter (someone else's child, a carer, pay) keep the clause.
_CHILD_WORDS = frozenset({"anak", "anaknya", "bayi", "bayinya", "balita"})
_CARER_WORDS = frozenset({"asuh", "pengasuh", "orang", "tetangga", "titip", "titipan", "upah", "gaji", "bayar",
                          "jasa", "kerja", "bekerja", "pekerjaan", "tpa", "paud", "sitter", "daycare"})
_CHILD_FILLER = frozenset({"masih", "kecil", "yang", "saya", "aku", "punya", "ada", "sekolah", "irt", "ibu",
                           "rumah", "tangga", "dan", "di", "sd", "smp", "sma", "tk", "orangnya"})


def clauses(text: str) -> list[str]:
    """The comma- or sentence-separated clauses of a free text."""
    return [c.strip() for c in _CLAUSE.findall(text or "") if c.strip()]


def literal_words(text: str) -> set[str]:
    """The words of ``text`` mapped to standard forms, keeping wish and negation words."""
    global _LITERAL
    if _LITERAL is None:
        _LITERAL = IndonesianNormalizer(stopwords=(), stem=False)
    return set(_LITERAL.tokens(text))


def _any_work(words: set[str]) -> bool:
    says_any = {"apa", "saja"} <= words or "apapun" in words or "terserah" in words
    return says_any and (bool(words & _WORK_WORDS) or words <= _ANY_WORK_FILLER)


def _own_children(clause: str, words: set[str]) -> bool:
    if not words & _CHILD_WORDS or words & _CARER_WORDS:
        return False
    return "masih" in words or any(ch.isdigit() for ch in clause) or words <= _CHILD_WORDS | _CHILD_FILLER


def open_to_any_work(text: str) -> bool:
    """Whether she says any work will do ("mau kerja apa aja", "karajo apo sajo", "apa saja yg penting halal")."""
    return any(_any_work(literal_words(clause)) for clause in clauses(text))


@lru_cache(maxsize=65536)
def said(text: str) -> str:
    """``text`` without the clauses that say nothing about a livelihood.

    A clause such as "belum ada", "kada tahu" (she does not know: not tofu) or "apa saja yang
    penting halal" (any lawful work: not a halal certificate) names no skill and no trade; left in,
    its words match offers by accident; so does a clause about her own children ("anak masih
    bayi" is why she needs work at home, not a wish to be a babysitter). Whether she is open to
    any work, or tied to home by childcare, is read separately.
    """
    if not text:
        return ""
    return " , ".join(clause for clause in clauses(text) if _says_something(clause))


@lru_cache(maxsize=65536)
def _says_something(clause: str) -> bool:
    # Clauses repeat across profiles ("IRT", "belum ada", "kerja di rumah"): each is read once.
    if is_empty_profile(clause):
        return False
    words = literal_words(clause)
    return not _any_work(words) and not _own_children(clause, words)
