"""Ranking engine matching KPM households to partner offers (pure Python, no Flask)."""

from .ranker import DEFAULT_WEIGHTS, Match, MatchRanker, SuggestedTraining
from .schema import HouseholdRecord, JudgmentSet, OfferRecord, households_from_json, offers_from_json
from .text import IndonesianNormalizer

__all__ = [
    "DEFAULT_WEIGHTS",
    "HouseholdRecord",
    "IndonesianNormalizer",
    "JudgmentSet",
    "Match",
    "MatchRanker",
    "OfferRecord",
    "SuggestedTraining",
    "households_from_json",
    "offers_from_json",
]
