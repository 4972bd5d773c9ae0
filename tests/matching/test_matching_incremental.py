"""Engine additions the app relies on: pair features, household updates, retiring rows."""

from __future__ import annotations

import numpy as np
from helpers import household, offer

from matchmaker.matching import MatchRanker
from matchmaker.matching.ranker import FEATURE_NAMES


def _offers():
    return [
        offer("SEW", title="Mitra penjahit rumahan", skills=["menjahit baju", "obras"], home_based=True),
        offer("CAKE", title="Titipan kue basah", description="Terima titipan kue basah.", skills=["kue basah"],
              kind="supplier", pending_proposals=4, places=2),
        offer("FAR", village_code="32.01.30.2001", reach="desa"),
    ]


def test_pair_features_reproduce_the_ranking_scores():
    """Learning and batch allocation would optimise a score other than the one facilitators see."""
    ranker = MatchRanker().fit(_offers())
    for h in (household("H"), household("E", skills="", interests="", experience="-", assets=[]),
              household("C", constraints=["no_transport"], hours_per_week=10, work_preference="wage")):
        ids, scores, feasible = ranker.score_offers(h)
        ranked = {m.offer_id: m.score for m in ranker.rank_offers(h, 10)}
        assert set(ranked) == {i for i, ok in zip(ids, feasible, strict=True) if ok}
        for oid, score in zip(ids, scores, strict=True):
            if oid in ranked:
                assert abs(score - ranked[oid]) < 1e-5
                assert ranker.explain_pair(h, oid).score == ranked[oid]
    _, X, _, _ = ranker.pair_features(household("H"), ["SEW"])
    assert X.shape == (1, len(FEATURE_NAMES))


def test_household_partial_update_and_retire():
    """A household's edited profile would not change her candidacy, or a graduated one would stay listed."""
    ranker = MatchRanker().fit(_offers(), [household("A"), household("B", skills="ngurus domba", interests="",
                                                                      experience="", assets=[])])
    sew = _offers()[0]
    assert [m.household_id for m in ranker.rank_households(sew, 2)] == ["A", "B"]
    ranker.partial_update_households([household("B", skills="jago jahit baju dan obras, mesin jahit sendiri")])
    ranker.retire_households(["A"])
    assert [m.household_id for m in ranker.rank_households(sew, 5)] == ["B"]
    assert [m.household_id for m in ranker.rank_households(sew, 5, only=["A"])] == []
    assert [m.household_id for m in ranker.rank_households(sew, 5, exclude=["B"])] == []


def test_refit_keeps_only_live_rows():
    """After a vocabulary refit, a replaced or withdrawn offer would come back (twice)."""
    ranker = MatchRanker().fit(_offers(), [household("A")])
    ranker.partial_update([offer("SEW", title="Mitra penjahit rumahan gamis", skills=["menjahit baju"])])
    ranker.retire_offers(["CAKE"])
    refit = ranker.partial_update([offer("GOAT", title="Titip domba garut", description="Ngarit, ngangon domba.",
                                         skills=["ngurus domba"])])
    assert refit is True
    ids = sorted(r.id for r in ranker.live_offer_records())
    assert ids == ["FAR", "GOAT", "SEW"]
    assert len(ranker.offers_.ids) == 3
    assert np.all(ranker.offers_.cols["active"])
    assert [m.household_id for m in ranker.rank_households(_offers()[0], 3)] == ["A"]


def test_exclude_leaves_offers_out():
    """An offer she already declined would be proposed again."""
    ranker = MatchRanker().fit(_offers())
    assert "SEW" not in [m.offer_id for m in ranker.rank_offers(household("H"), 10, exclude=["SEW"])]
