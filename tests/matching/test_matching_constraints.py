"""Hard constraints of FORMAT.md: a violating offer is never proposed."""

from __future__ import annotations

from helpers import household, offer

from matchmaker.matching import MatchRanker
from matchmaker.matching.evaluation import violates


def _ids(offers, hh, k=10):
    return [m.offer_id for m in MatchRanker().fit(offers).rank_offers(hh, k)]


def test_closed_offer_never_returned():
    """A facilitator would be shown an offer that is already closed."""
    offers = [offer("A"), offer("B", status="closed")]
    assert _ids(offers, household("H")) == ["A"]


def test_full_offer_never_returned():
    """A facilitator would propose a place that no longer exists."""
    offers = [offer("A"), offer("B", places=3, places_taken=3)]
    assert _ids(offers, household("H")) == ["A"]


def test_reach_desa_tier():
    """An offer limited to its own desa would be shown to women from other desa."""
    offers = [offer("SAME", reach="desa"), offer("OTHER", reach="desa", village_code="32.01.16.2001")]
    assert _ids(offers, household("H")) == ["SAME"]


def test_reach_kecamatan_tier_uses_narrower_of_travel_and_reach():
    """A woman who only travels within her desa would get offers in other desa."""
    offers = [offer("NEXT", reach="kabupaten", village_code="32.01.16.2001")]
    assert _ids(offers, household("H", travel="desa")) == []
    assert _ids(offers, household("H", travel="kecamatan")) == ["NEXT"]


def test_reach_kabupaten_tier():
    """Offers in another kecamatan (or kabupaten) would leak past a kecamatan reach."""
    offers = [
        offer("KEC", reach="kecamatan", village_code="32.01.15.2001"),
        offer("KAB", reach="kabupaten", village_code="32.01.15.2001"),
        offer("FAR", reach="kabupaten", village_code="32.02.15.2001"),
    ]
    assert _ids(offers, household("H", travel="kabupaten")) == ["KAB"]


def test_home_based_offer_waives_her_travel_not_the_partners_reach():
    """Home-based piecework would be hidden from a woman who cannot travel, or shown past the partner's reach."""
    offers = [
        offer("KAB", home_based=True, reach="kabupaten", village_code="32.01.30.2009"),
        offer("KEC", home_based=True, reach="kecamatan", village_code="32.01.30.2009"),
        offer("KEC_HERS", home_based=True, reach="kecamatan", village_code="32.01.16.2001"),
        offer("DESA", home_based=True, reach="desa", village_code="32.01.16.2001"),
        offer("OUT", home_based=True, reach="kabupaten", village_code="32.02.30.2009"),
    ]
    assert sorted(_ids(offers, household("H", travel="desa"))) == ["KAB", "KEC_HERS"]


def test_reference_check_follows_the_reach_rule():
    """The evaluation would count a home-based offer past its reach as fine."""
    hh = household("H", travel="desa")
    assert violates(offer("KEC", home_based=True, reach="kecamatan", village_code="32.01.30.2009"), hh)
    assert not violates(offer("KAB", home_based=True, reach="kabupaten", village_code="32.01.30.2009"), hh)
    assert violates(offer("WORK", reach="kabupaten", village_code="32.01.16.2001"), hh)


def test_no_violations_on_the_development_district(dev_set):
    """The ranker would propose offers past a partner's reach or her travel on the development district."""
    from matchmaker.matching.evaluation import evaluate

    assert evaluate(dev_set, k=10)["ranker"]["violations"] == 0


def test_home_based_only_household():
    """A mother who can only work from home would be sent to a workplace outside her desa."""
    offers = [
        offer("WORKSHOP", village_code="32.01.16.2001"),
        offer("INDESA"),
        offer("PIECE", home_based=True, village_code="32.01.16.2001"),
    ]
    got = _ids(offers, household("H", home_based_only=True))
    assert sorted(got) == ["INDESA", "PIECE"]


def test_vectorised_mask_agrees_with_reference_check(dev_set):
    """The fast mask and the FORMAT.md reference check would disagree on real data."""
    ranker = MatchRanker().fit(dev_set.offers)
    for hh in dev_set.households:
        got = {m.offer_id for m in ranker.rank_offers(hh, k=len(dev_set.offers))}
        expected = {o.id for o in dev_set.offers if not violates(o, hh)}
        assert got == expected, hh.id


def test_rank_households_respects_constraints(dev_set):
    """An offer would be proposed to households it cannot legally reach."""
    ranker = MatchRanker().fit(dev_set.offers, dev_set.households)
    by_id = {h.id: h for h in dev_set.households}
    for o in dev_set.offers:
        for m in ranker.rank_households(o, k=50):
            assert not violates(o, by_id[m.household_id])
