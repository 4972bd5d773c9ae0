"""Honest skill reasons: which canonical skills an offer asks for, which she has, which she lacks.

The engine never reads the skills vocabulary itself (it stays free of Flask and the
database): the app, or a pure loader, hands it a :class:`SkillVocabulary`, an object that
resolves free text to canonical skill slugs and labels them. Without one the engine gives
no skill reasons at all, rather than free words.

What counts:

* an offer's skills are the canonical skills named in its skill phrases that are skills,
  never an asset it asks for ("punya kompor") or a trait ("supel", "bangun subuh"), plus
  the canonical skills the partner's offer is tagged with;
* her skills are the canonical skills she is tagged with plus those named in what she can
  do and has done, clause by clause, leaving out clauses that state a wish or a lack
  ("pengen punya obras", "blm bisa pake mesin") and clauses about what she owns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from .features import SkillPhrase, asset_bits
from .lexicon import ASSET_REQUIREMENT_HINTS
from .schema import HouseholdRecord, OfferRecord
from .text import clauses, literal_words, open_to_any_work

__all__ = ["SkillReasons", "SkillVocabulary", "clauses", "open_to_any_work", "read_profile", "states_a_skill"]

# Standard Indonesian words (after the colloquial and regional maps) that make a clause a
# wish or a lack rather than something she can do: "pengen", "hoyong", "pgn" map to "ingin",
# "blm" to "belum", "ga"/"teu" to "tidak", "dikit" to "sedikit" (a little is not yet a skill).
WISH_OR_LACK = frozenset({"ingin", "mau", "belum", "tidak", "belajar", "cita", "sedikit"})
# A wish to own something or to grow what she has ("pengen punya kolam", "nio tambah ternak",
# "mau mengembangkan usaha") says she lacks the means; words as the literal normaliser leaves them.
WISH = frozenset({"ingin", "mau"})
MORE = frozenset({"lebih", "banyak"})  # "mau jual lebih banyak": to sell more is to grow
GROW = frozenset({"tambah", "nambah", "menambah", "kembang", "mengembangkan", "memperbesar", "besar"})


@runtime_checkable
class SkillVocabulary(Protocol):
    """What the engine needs of the canonical skills vocabulary."""

    def resolve(self, text: str) -> list[str]:
        """Slugs of the canonical skills ``text`` names, surest first."""

    def label(self, slug: str, lang: str) -> str:
        """The skill's name in ``lang`` (``id`` or ``en``)."""


def states_a_skill(clause: str) -> bool:
    """Whether a clause says what she can do: not a wish or a lack, not what she owns."""
    words = literal_words(clause)
    return not words & WISH_OR_LACK and not _owns(words, clause)


def read_profile(household: HouseholdRecord) -> tuple[str, bool, str]:
    """One pass over her clauses: ``(stated, wants_the_means, to_learn)``.

    ``stated`` joins the clauses of her skills and experience that say what she can do;
    ``wants_the_means`` is whether her words say she lacks the means of a business: a wish
    to own something ("pengen punya kolam", "hoyong gaduh domba"), to grow what she has
    ("nio tambah ternak") or talk of capital ("modal");
    ``to_learn`` joins the clauses in which she asks to learn something ("nio baraja manjaik").
    """
    stated: list[str] = []
    to_learn: list[str] = []
    means = False
    for field, text in (("skills", household.skills), ("experience", household.experience),
                        ("interests", household.interests)):
        for clause in clauses(text):
            words = literal_words(clause)
            if "modal" in words or bool(words & WISH and (words & (GROW | {"punya"}) or MORE <= words)):
                means = True
            if "belajar" in words:
                to_learn.append(clause)
            if field != "interests" and not words & WISH_OR_LACK and not _owns(words, clause):
                stated.append(clause)
    return " . ".join(stated), means, " . ".join(to_learn)


def _owns(words: set[str], clause: str) -> bool:
    # "punya mesin jahit" is something she owns, not something she can do.
    return any(hint.strip() in words for hint in ASSET_REQUIREMENT_HINTS) and bool(asset_bits([clause]))


class SkillReasons:
    """Canonical skills of offers (cached per offer) and of households, for reasons."""

    def __init__(self, vocabulary: SkillVocabulary) -> None:
        self.vocabulary = vocabulary
        self._offers: dict[str, tuple[str, ...]] = {}

    def offer_skills(self, offer: OfferRecord, phrases: Sequence[SkillPhrase]) -> tuple[str, ...]:
        """Canonical skills the offer asks for or teaches (never assets or traits), in its order."""
        found = self._offers.get(offer.id)
        if found is None:
            not_skills = {slug for p in phrases if p.kind != "skill" for slug in self.vocabulary.resolve(p.text)}
            named = [slug for p in phrases if p.kind == "skill" for slug in self.vocabulary.resolve(p.text)]
            tagged = [slug for slug in offer.canonical_skills if slug not in not_skills]
            found = tuple(dict.fromkeys([*named, *tagged]))
            if len(self._offers) > 200_000:
                self._offers.clear()
            self._offers[offer.id] = found
        return found

    def forget(self, offer_ids: Iterable[str]) -> None:
        """Drop cached offers (they were edited or retired)."""
        for oid in offer_ids:
            self._offers.pop(oid, None)

    def household_skills(self, household: HouseholdRecord) -> frozenset[str]:
        """Canonical skills she has: her tags plus what her skills and experience say she does."""
        written = clauses(household.skills) + clauses(household.experience)
        named = {slug for clause in written if states_a_skill(clause) for slug in self.vocabulary.resolve(clause)}
        return frozenset(household.canonical_skills) | named

    def split(self, offer_skills: Sequence[str], hers: frozenset[str]) -> tuple[list[str], list[str]]:
        """The offer's skills she has and those she lacks (slugs, in the offer's order)."""
        return [s for s in offer_skills if s in hers], [s for s in offer_skills if s not in hers]

    def labels(self, slugs: Sequence[str], lang: str) -> list[str]:
        """Display names of skills."""
        return [self.vocabulary.label(slug, lang) for slug in slugs]
