"""Feature builders: text vectorisers, concept vectors and column stores.

Everything is computed once per record at index time and kept as numpy arrays
so that scoring one query against 200k rows is a handful of vector operations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.preprocessing import normalize

from ..reference import vocabulary
from .lexicon import ASSET_REQUIREMENT_HINTS, ASSETS, CONCEPTS, EMPTY_PROFILE_WORDS, SOFT_SKILLS
from .schema import HouseholdRecord, OfferRecord
from .text import IndonesianNormalizer, default_normalizer, said

TIERS = {"desa": 0, "kecamatan": 1, "kabupaten": 2}
KINDS = (
    "job", "apprenticeship", "supplier", "mentoring", "capital", "training",
    "bumdes", "padat_karya", "cooperative", "other_program",
)
KIND_CODE = {k: i for i, k in enumerate(KINDS)}
PREFS = ("wage", "own_business", "any")
# The row of PREF_FIT for a woman whose profile names no skill and no livelihood she wants: she has
# stated no preference to follow, so open work and programmes that take anyone suit her.
BLANK_PREF = len(PREFS)
PREF_CODE = {p: i for i, p in enumerate(PREFS)}
ASSET_NAMES = tuple(ASSETS)
ASSET_BIT = {name: 1 << i for i, name in enumerate(ASSET_NAMES)}
# Asset codes of the vocabulary that the engine counts as one of its own assets.
ASSET_CODE_BIT = {**ASSET_BIT, "display_case": ASSET_BIT["shop"], "cart": ASSET_BIT["shop"]}
CONSTRAINT_BIT = {"childcare": 1, "no_transport": 2, "disability": 4, "no_smartphone": 8}
TRAINING_KINDS = frozenset({"training", "bumdes", "cooperative"})

# How well an offer kind suits a work preference, in [-1, 1]. Rows follow
# PREFS, columns follow KINDS. Wage seekers want pay now; would-be business
# owners want supply deals, capital, coaching and village programmes; "any" is
# mildly open. Retuned on four districts (Bogor, Padang
# Pariaman, Banjar, Bone): each change was kept only if, chosen on three districts,
# it did not lower the fourth (held out in turn: +0.004, +0.008, -0.001, +0.001).
PREF_FIT = np.array(
    [
        # job  appr  supp  ment  capi  trai  bumd  padat coop  other
        [1.0, 0.6, -0.7, -1.1, -0.9, 0.0, 0.6, 1.0, -0.9, -0.3],  # wage
        [-0.6, 0.0, 1.0, 0.5, 0.5, 0.3, 0.2, -0.6, 0.5, 0.8],  # own_business
        [0.5, 0.4, 0.2, 0.0, -0.2, 0.3, 0.6, 0.5, -0.2, 0.2],  # any
        # Blank profile (BLANK_PREF): honest broad proposals first (issue 13 §2), open work,
        # programmes that take anyone and courses, not a trade's apprenticeship or a supply deal
        # that needs a producer's skill.
        [0.5, -0.3, 0.3, -0.3, -0.3, 0.3, 0.6, 0.6, -0.3, 0.3],  # blank
    ],
    dtype=np.float32,
)
PREF_WEIGHTED = PREF_FIT  # indexed as PREF_WEIGHTED[pref_code, kind_code]


def offer_text(offer: OfferRecord) -> str:
    """Everything an offer says about itself, for the text vectorisers."""
    return " . ".join([offer.title, offer.description, " . ".join(offer.skills)])


def offer_core_text(offer: OfferRecord) -> str:
    """The short, skill-bearing part of an offer (title and skills)."""
    return " . ".join([offer.title, " . ".join(offer.skills)])


def household_text(household: HouseholdRecord) -> str:
    """Everything a household profile says, for the text vectorisers (clauses that say nothing left out)."""
    return " . ".join(
        [said(household.skills), said(household.interests), said(household.experience),
         " . ".join(asset_words(household.assets))]
    )


def asset_words(assets: Sequence[str]) -> list[str]:
    """Asset entries as words: vocabulary codes become their Indonesian labels, free text stays."""
    asset_codes = set(vocabulary.codes("asset"))
    return [vocabulary.label("asset", item) if item in asset_codes else item for item in assets]


def household_core_text(household: HouseholdRecord) -> str:
    """What she can do and wants to do, without the experience narrative (clauses that say nothing left out)."""
    return " . ".join([said(household.skills), said(household.interests)])


def build_text_vectorizer(word_weight: float = 1.0, char_weight: float = 1.0,
                          char_max_df: float = 0.5) -> FeatureUnion:
    """Word TF-IDF and char_wb (3,5) TF-IDF side by side on normalised text.

    Word features reward exact (stemmed) vocabulary; character n-grams catch
    spellings the colloquial map does not know ("jaitan", "kripik"). Each
    block is L2-normalised, so a dot product of two rows is a weighted sum
    of the two cosines.
    """
    word = TfidfVectorizer(
        analyzer="word", token_pattern=r"[a-z_]{2,}", sublinear_tf=True,  # noqa: S106
        lowercase=False, dtype=np.float32,
    )
    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False,
        max_df=char_max_df, dtype=np.float32,
    )
    return FeatureUnion(
        [("word", word), ("char", char)],
        transformer_weights={"word": word_weight, "char": char_weight},
    )


class ConceptVectorizer(BaseEstimator, TransformerMixin):
    """Map normalised texts to L2-normalised livelihood-concept vectors.

    Concepts bridge vocabulary that shares no characters ("balong" and
    "lele" are both fish farming), which neither TF-IDF block can do.
    """

    def __init__(self, concepts: dict[str, tuple[str, ...]] | None = None) -> None:
        self.concepts = concepts

    def fit(self, X: Sequence[str], y: Any = None) -> ConceptVectorizer:
        """Fix the concept axis order (sorted for determinism)."""
        lexicon = CONCEPTS if self.concepts is None else self.concepts
        names = sorted({c for tags in lexicon.values() for c in tags})
        self.concept_names_ = names
        self.index_ = {name: i for i, name in enumerate(names)}
        self.lexicon_ = {w: tuple(self.index_[c] for c in tags) for w, tags in lexicon.items()}
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        """Count concept hits per text (a token counts once per text)."""
        rows: list[int] = []
        cols: list[int] = []
        for i, text in enumerate(X):
            seen: set[int] = set()
            for token in set(text.split()):
                seen.update(self.lexicon_.get(token, ()))
            rows.extend([i] * len(seen))
            cols.extend(sorted(seen))
        data = np.ones(len(rows), dtype=np.float32)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(X), len(self.concept_names_)))


def weighted_concepts(vectorizer: ConceptVectorizer, fields: list[tuple[list[str], float]]) -> sp.csr_matrix:
    """Sum per-field concept vectors with field weights, then L2-normalise."""
    total = None
    for texts, weight in fields:
        part = vectorizer.transform(texts) * weight
        total = part if total is None else total + part
    assert total is not None
    return normalize(total.tocsr(), copy=False).astype(np.float32)


class CodeBook:
    """Integer ids for desa / kecamatan / kabupaten prefixes of Kemendagri codes.

    Ids grow as new codes appear, so an index built earlier stays valid after
    a partial update. Missing codes get a negative id that differs per side,
    so two unknown places never count as "the same desa".
    """

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def _id(self, key: str) -> int:
        found = self.ids.get(key)
        if found is None:
            found = len(self.ids)
            self.ids[key] = found
        return found

    def encode(self, code: str, missing: int) -> tuple[int, int, int]:
        """Return (desa, kecamatan, kabupaten) ids for a dotted desa code."""
        parts = [p for p in (code or "").strip().split(".") if p]
        if len(parts) < 2:
            return missing, missing, missing
        kab = self._id(".".join(parts[:2]))
        kec = self._id(".".join(parts[:3])) if len(parts) >= 3 else missing
        desa = self._id(".".join(parts[:4])) if len(parts) >= 4 else missing
        return desa, kec, kab


_ASSET_CACHE: dict[str, int] = {}
_PHRASE_CACHE: dict[str, SkillPhrase] = {}


def asset_bits(texts: Sequence[str]) -> int:
    """Bitmask of canonical assets: asset codes, or assets mentioned in free-text entries."""
    bits = 0
    for text in texts:
        found = _ASSET_CACHE.get(text)
        if found is None:
            found = _asset_bits_one(text)
            if len(_ASSET_CACHE) < 500_000:
                _ASSET_CACHE[text] = found
        bits |= found
    return bits


def _asset_bits_one(text: str) -> int:
    if text in ASSET_CODE_BIT:
        return ASSET_CODE_BIT[text]
    joined = " " + text.lower() + " "
    bits = 0
    for name, keys in ASSETS.items():
        if any(_has_phrase(joined, key) for key in keys):
            bits |= ASSET_BIT[name]
    return bits


def required_asset_bits(offer: OfferRecord) -> int:
    """Assets an offer asks candidates to own (from skills and description)."""
    bits = 0
    phrases = [s.lower() for s in offer.skills]
    text = offer.description.lower()
    for sentence in [*phrases, *text.replace("!", ".").split(".")]:
        padded = f" {sentence} "
        if not any(h in padded for h in ASSET_REQUIREMENT_HINTS):
            continue
        if "tidak perlu" in padded or "ga perlu" in padded or "dipinjemin" in padded or "pinjam" in padded:
            continue
        for name, keys in ASSETS.items():
            if name in ("land", "shop", "livestock_pen", "fish_pond") and sentence not in phrases:
                # Descriptions mention land or shops in passing; only the
                # skills list reliably states them as requirements.
                continue
            if any(_has_phrase(padded, key) for key in keys):
                bits |= ASSET_BIT[name]
    return bits


def _has_phrase(text: str, phrase: str) -> bool:
    idx = text.find(phrase)
    while idx >= 0:
        before = text[idx - 1] if idx > 0 else " "
        after = text[idx + len(phrase)] if idx + len(phrase) < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            return True
        idx = text.find(phrase, idx + 1)
    return False


@dataclass
class SkillPhrase:
    """One offer skill phrase, classified for overlap and missing-skill lists."""

    text: str
    normalised: str
    kind: str  # "skill", "asset" or "soft"
    asset_bits: int = 0


def classify_skills(skills: Sequence[str], normalizer: IndonesianNormalizer | None = None) -> list[SkillPhrase]:
    """Split offer skill phrases into learnable skills, asset needs and traits."""
    norm = normalizer or default_normalizer()
    out: list[SkillPhrase] = []
    for phrase in skills:
        cached = _PHRASE_CACHE.get(phrase)
        if cached is not None:
            out.append(cached)
            continue
        normalised = " ".join(norm.tokens(phrase))
        bits = asset_bits([phrase])
        low = phrase.lower()
        tokens = low.replace("/", " ").split()
        if bits and any(h.strip() in tokens for h in ASSET_REQUIREMENT_HINTS):
            kind = "asset"
        elif all(t in SOFT_SKILLS or t in ("&", "dan", "sm", "sama", "ga", "tidak") for t in tokens) or not normalised:
            kind = "soft"
        else:
            kind = "skill"
        item = SkillPhrase(phrase, normalised, kind, bits)
        if len(_PHRASE_CACHE) < 500_000:
            # Offers reuse the same phrases ("rapi", "jujur"); classify once.
            _PHRASE_CACHE[phrase] = item
        out.append(item)
    return out


def profile_information(tokens: Sequence[str]) -> int:
    """Count tokens that say something about her, not about missing data."""
    return sum(1 for t in tokens if t not in EMPTY_PROFILE_WORDS and len(t) > 2)
