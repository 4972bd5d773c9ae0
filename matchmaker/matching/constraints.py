"""The hard constraints of ``docs/judgments-format.md``, in one place (reference, non-vectorised).

The engine applies the same rule as a vectorised mask (``MatchRanker._feasible``); the app's
SQL queries and the demo generator follow it too. The rule:

* the offer's ``reach`` is the partner's own limit and always holds: the two desa codes must
  share the offer's reach tier;
* her ``travel`` must hold as well, except for a ``home_based`` offer, which she does not
  travel to daily (it waives only *her* travel limit, never the partner's reach);
* a ``home_based_only`` household only gets home-based offers or offers in her own desa.
"""

from __future__ import annotations

from .schema import HouseholdRecord, OfferRecord

# Tier of a place relative to another: 0 same desa, 1 same kecamatan, 2 same kabupaten, 3 beyond.
TIERS: dict[str, int] = {"desa": 0, "kecamatan": 1, "kabupaten": 2}
BEYOND = 3


def tier(code_a: str, code_b: str) -> int:
    """0 same desa, 1 same kecamatan, 2 same kabupaten, 3 otherwise (dotted Kemendagri codes)."""
    a, b = (code_a or "").split("."), (code_b or "").split(".")
    if len(a) >= 4 and a[:4] == b[:4]:
        return 0
    if len(a) >= 3 and a[:3] == b[:3]:
        return 1
    if len(a) >= 2 and a[:2] == b[:2]:
        return 2
    return BEYOND


def within_reach(offer_code: str, reach: str, home_based: bool,
                 household_code: str, travel: str, home_based_only: bool) -> bool:
    """Whether she may be proposed an offer placed at ``offer_code`` under the reach rule."""
    t = tier(offer_code, household_code)
    if t > TIERS.get(reach, 0):
        return False  # the partner's reach always holds
    if not home_based and t > TIERS.get(travel, 0):
        return False  # her travel limit, waived only for work she does from home
    return not (home_based_only and not home_based and t != 0)


def violates(offer: OfferRecord, household: HouseholdRecord) -> bool:
    """Whether proposing ``offer`` to ``household`` breaks a hard constraint."""
    if offer.status != "open" or offer.places_taken >= offer.places:
        return True
    return not within_reach(offer.village_code, offer.reach, offer.home_based,
                            household.village_code, household.travel, household.home_based_only)
