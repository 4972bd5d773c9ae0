"""Forged fields on the propose form: posted positions and scores are ignored, forged targets refused."""

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
def test_a_forged_position_or_score_is_ignored_and_the_proposal_goes_ahead(world, client, fields):
    """A tampered hidden field would crash the proposal (500) or poison the ranker's learning data."""
    import math

    log_in(client, world.facilitator)
    response = _propose(client, world, **fields)
    assert response.status_code == 302
    match = db.session.query(Match).one()
    decision = db.session.query(RankingDecision).one()
    # What is stored is what the server computed for the list it showed, never the posted value.
    assert match.shown_position is None or 1 <= match.shown_position <= 100
    assert match.score is None or (math.isfinite(match.score) and 0.0 <= match.score <= 1.0)
    assert (decision.shown_position, decision.shown_score) == (match.shown_position, match.score)
    assert str(match.shown_position) != fields["position"]


@pytest.mark.parametrize("target", ["99999999999999999999", "-1", "0", "abc"])
def test_a_forged_target_is_refused_without_an_error_page(world, client, target):
    """A tampered offer id would end in a server error instead of a refusal."""
    log_in(client, world.facilitator)
    response = client.post(f"/matches/households/{world.household.id}/propose", data={"target": target})
    assert response.status_code == 400
    assert db.session.query(Match).count() == 0
