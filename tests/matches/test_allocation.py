"""Batch allocation: capacity, optimality, hard constraints, dry runs, idempotence and the page."""

from __future__ import annotations

import json
import re

import numpy as np

from matchmaker.extensions import db
from matchmaker.matches.allocation import BATCH_NOTE, apply_batch, plan_batch, solve
from matchmaker.models import AuditEvent, Match, MatchEvent, MatchStatus, Reach, Role
from tests.conftest import CIBUNGBULANG, DRAMAGA, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

OTHER_DESA = "32.01.16.2004"


def test_solver_beats_greedy():
    """Giving the best pair first (greedy) would leave the second woman with a poor match."""
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    allowed = np.ones_like(scores, dtype=bool)
    pairs = solve(scores, allowed, [1, 1])
    assert sorted(pairs) == [(0, 1), (1, 0)]
    assert sum(scores[r, c] for r, c in pairs) == 1.65  # greedy: 0.9 + 0.1 = 1.0


def test_solver_respects_capacity_and_forbidden_pairs():
    """An offer with two places would get three households, or a forbidden pair would be used."""
    scores = np.array([[0.9, 0.2], [0.8, 0.3], [0.7, 0.95], [0.6, 0.5]])
    allowed = np.ones_like(scores, dtype=bool)
    allowed[2, 1] = False
    pairs = solve(scores, allowed, [2, 1])
    columns = [c for _, c in pairs]
    assert columns.count(0) <= 2 and columns.count(1) <= 1
    assert (2, 1) not in pairs
    assert sorted(pairs) == [(0, 0), (1, 0), (3, 1)]


def test_solver_leaves_a_household_unassigned_rather_than_forcing_a_forbidden_pair():
    """A woman would be proposed an offer she cannot reach just because places were left."""
    pairs = solve(np.array([[0.9], [0.8]]), np.array([[True], [False]]), [5])
    assert pairs == [(0, 0)]


def _kecamatan_with_a_two_place_offer():
    business = make_organization()
    two_places = make_offer(business, places=2)
    households = [make_household(None, **SEWER) for _ in range(3)]
    return two_places, households


def test_batch_respects_places_and_hard_constraints(app):
    """An offer with two places would get three proposals, or a home-bound woman an offer in another desa."""
    two_places, households = _kecamatan_with_a_two_place_offer()
    far = make_offer(make_organization(desa_code=OTHER_DESA), title="Penjahit di Cibatok", places=5)
    home_bound = make_household(None, **{**SEWER, "home_based_only": True})
    make_household(None, desa_code="32.01.30.2001", **SEWER)  # another kecamatan: not in this batch
    plan = plan_batch(CIBUNGBULANG)
    assert plan.unmatched_households == 4
    per_offer = [a.offer.id for a in plan.assignments]
    assert per_offer.count(two_places.id) <= 2
    assert all(not (a.household.id == home_bound.id and a.offer.id == far.id) for a in plan.assignments)
    assert {a.household.id for a in plan.assignments} <= {h.id for h in [*households, home_bound]}
    assert all(a.reasons and 0 < a.score <= 1 and a.position >= 1 for a in plan.assignments)


def test_apply_writes_proposals_in_one_go_and_rerun_does_not_duplicate(app):
    """Re-running the batch would propose again to households that already have a proposal."""
    two_places, households = _kecamatan_with_a_two_place_offer()
    coordinator = make_user(Role.COORDINATOR)
    plan = apply_batch(coordinator, CIBUNGBULANG)
    assert len(plan.assignments) == 2
    matches = db.session.query(Match).all()
    assert len(matches) == 2
    for match in matches:
        assert match.status == MatchStatus.PROPOSED and match.created_by_id == coordinator.id
        assert match.score and match.shown_position == 1 and match.reasons
        event = db.session.query(MatchEvent).filter_by(match_id=match.id).one()
        assert (event.from_status, event.to_status, event.note, event.actor_id) == (
            None, MatchStatus.PROPOSED, BATCH_NOTE, coordinator.id)
    assert db.session.query(AuditEvent).filter_by(action="matches.propose_batch").count() == 1

    again = apply_batch(coordinator, CIBUNGBULANG)
    assert again.assignments == [] and again.unmatched_households == 1
    assert db.session.query(Match).count() == 2


def test_cli_dry_run_writes_nothing_and_prints_totals(app):
    """A dry run would create proposals, or print nothing a coordinator can check."""
    _kecamatan_with_a_two_place_offer()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["matches", "propose-batch", "--kecamatan", CIBUNGBULANG, "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["proposals"] == 2 and data["dry_run"] is True and data["unmatched_households"] == 3
    assert len(data["assignments"]) == 2 and data["total_score"] > 0
    assert db.session.query(Match).count() == 0
    written = runner.invoke(args=["matches", "propose-batch", "--kecamatan", CIBUNGBULANG])
    assert written.exit_code == 0 and "2 proposals" in written.output
    assert db.session.query(Match).count() == 2
    bad = runner.invoke(args=["matches", "propose-batch", "--kecamatan", "99.99"])
    assert bad.exit_code != 0 and "not a kecamatan" in bad.output


def test_coordinator_previews_then_confirms_on_the_page(app, client, login_as):
    """The coordinator could not see what would be proposed before it is written."""
    _kecamatan_with_a_two_place_offer()
    login_as(Role.COORDINATOR)
    page = client.get("/matches/batch")
    assert page.status_code == 200 and "Cibungbulang" in page.get_data(as_text=True)
    preview = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}", follow_redirects=True)  # via the plan's job
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Siti" in html and "penjahit" in html.lower()
    assert db.session.query(Match).count() == 0
    fingerprint = html.split('name="fingerprint" type="hidden" value="')[1].split('"')[0]
    ticked = re.findall(r'name="pair" value="([0-9:]+)"', html)
    done = client.post("/matches/batch", data={"kecamatan": CIBUNGBULANG, "fingerprint": fingerprint, "pair": ticked})
    assert done.status_code == 302
    assert db.session.query(Match).count() == 2


def test_confirming_a_stale_preview_shows_the_new_one(app, client, login_as):
    """Confirming an out-of-date preview would write proposals the coordinator never saw."""
    _kecamatan_with_a_two_place_offer()
    login_as(Role.COORDINATOR)
    html = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}", follow_redirects=True).get_data(as_text=True)
    ticked = re.findall(r'name="pair" value="([0-9:]+)"', html)
    response = client.post("/matches/batch", data={"kecamatan": CIBUNGBULANG, "fingerprint": "0" * 16, "pair": ticked},
                           follow_redirects=True)
    assert response.status_code == 200 and "berubah sejak pratinjau" in response.get_data(as_text=True)
    assert len(re.findall(r'name="pair"', response.get_data(as_text=True))) == 2  # the new preview
    assert db.session.query(Match).count() == 0


def test_batch_page_is_for_coordinators_of_that_area(app, client, login_as):
    """A facilitator could bulk-propose, or a coordinator allocate outside her district."""
    _kecamatan_with_a_two_place_offer()
    login_as(Role.FACILITATOR)
    assert client.get("/matches/batch").status_code == 403
    client.post("/auth/logout")
    login_as(Role.COORDINATOR, areas=[DRAMAGA])
    page = client.get(f"/matches/batch?kecamatan={CIBUNGBULANG}")
    assert page.status_code == 200
    assert 'name="fingerprint"' not in page.get_data(as_text=True)
    client.post("/matches/batch", data={"kecamatan": CIBUNGBULANG, "fingerprint": "x"})
    assert db.session.query(Match).count() == 0


def test_travel_range_is_respected_in_batch(app):
    """A woman who only works in her own desa would be sent to the next one."""
    make_offer(make_organization(desa_code=OTHER_DESA), places=5)
    make_household(None, **{**SEWER, "travel_range": Reach.VILLAGE})
    assert plan_batch(CIBUNGBULANG).assignments == []
