"""The hidden position and score of the propose form: values no page could show are dropped, not stored."""

from __future__ import annotations

import pytest

from matchmaker.extensions import db
from matchmaker.models import Match, RankingDecision
from tests.conftest import log_in


def _propose(client, world, **fields):
    data = {"target": world.offer.id, **fields}
    return client.post(f"/matches/households/{world.household.id}/propose", data=data)


@pytest.mark.parametrize("fields", [
    {"position": "99999999999999999999", "score": "0.5"},
    {"position": "-3", "score": "0.5"},
    {"position": "0", "score": "0.5"},
    {"position": "2", "score": "nan"},
    {"position": "2", "score": "inf"},
    {"position": "2", "score": "-inf"},
    {"position": "2", "score": "-1e308"},
    {"position": "2", "score": "-0.5"},
    {"position": "2", "score": "1e308"},
])
def test_a_forged_position_or_score_is_dropped_and_the_proposal_goes_ahead(world, client, fields):
    """A tampered hidden field would crash the proposal (500) or poison the ranker's learning data."""
    log_in(client, world.facilitator)
    response = _propose(client, world, **fields)
    assert response.status_code == 302
    match = db.session.query(Match).one()
    decision = db.session.query(RankingDecision).one()
    if fields["position"] == "2":
        assert (match.shown_position, match.score) == (2, None)
        assert decision.shown_score is None
    else:
        assert (match.shown_position, match.score) == (None, 0.5)
        assert decision.shown_position is None


def test_an_honest_position_and_score_are_kept(world, client):
    """The ranker would lose the position and score the facilitator was shown."""
    log_in(client, world.facilitator)
    _propose(client, world, position="1", score="0.9876")
    match = db.session.query(Match).one()
    assert (match.shown_position, round(match.score, 4)) == (1, 0.9876)


@pytest.mark.parametrize("target", ["99999999999999999999", "-1", "0", "abc"])
def test_a_forged_target_is_refused_without_an_error_page(world, client, target):
    """A tampered offer id would end in a server error instead of a refusal."""
    log_in(client, world.facilitator)
    response = client.post(f"/matches/households/{world.household.id}/propose", data={"target": target})
    assert response.status_code == 400
    assert db.session.query(Match).count() == 0
