"""The state machine: each allowed step by its role, every other step refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.extensions import db
from matchmaker.matches import workflow
from matchmaker.models import (
    AuditEvent,
    HouseholdStatus,
    Match,
    MatchStatus,
    RankingDecision,
    RankingDecisionKind,
)
from tests.conftest import make_household
from tests.matches.factories import SEWER

from .conftest import event_count, make_match

TODAY = dt.date(2026, 11, 27)
DATA = {
    MatchStatus.DECLINED: {"reason": "not_interested"},
    MatchStatus.DROPPED: {"reason": "health"},
    MatchStatus.STARTED: {"started_on": TODAY},
    MatchStatus.COMPLETED: {"income_after": 1_500_000},
}
PARTNER_DATA = {MatchStatus.DECLINED: {"reason": "too_far"}}


def _actor(world, role: str):
    return {"facilitator": world.facilitator, "coordinator": world.coordinator, "business": world.partner}[role]


def _data(role: str, to_status: str) -> dict:
    if role == "business" and to_status in PARTNER_DATA:
        return PARTNER_DATA[to_status]
    return DATA.get(to_status, {})


ALLOWED = [
    (from_status, to_status, role)
    for (from_status, to_status), roles in workflow.TRANSITIONS.items()
    if from_status is not None
    for role in roles
    if role in ("facilitator", "coordinator", "business")
]


@pytest.mark.parametrize(("from_status", "to_status", "role"), ALLOWED)
def test_each_allowed_transition_by_its_role(world, from_status, to_status, role):
    """A facilitator, coordinator or partner could not take a step that belongs to them."""
    match = make_match(world, from_status, consent=True)
    before = event_count()
    event = workflow.transition(match, to_status, _actor(world, role), note="catatan", today=TODAY,
                                **_data(role, to_status))
    db.session.expire_all()
    match = db.session.get(Match, match.id)
    assert match.status == to_status
    assert event_count() == before + 1
    last = match.events[-1]
    assert (last.from_status, last.to_status, last.actor_id, last.note) == (
        from_status, to_status, _actor(world, role).id, "catatan")
    assert last.id == event.id


def test_all_seven_states_are_reachable_and_the_table_is_exactly_the_issue(world):
    """A state of the issue's lifecycle would be unreachable, or a step outside it would be allowed."""
    reached = {to for (_from, to) in workflow.TRANSITIONS}
    assert reached == set(MatchStatus.ALL)
    assert (MatchStatus.COMPLETED, MatchStatus.DROPPED) not in workflow.TRANSITIONS
    assert (MatchStatus.PROPOSED, MatchStatus.STARTED) not in workflow.TRANSITIONS
    assert workflow.TRANSITIONS[(MatchStatus.INTRODUCED, MatchStatus.ACCEPTED)] == ("business", "village_office")


FORBIDDEN_STATE = [
    (from_status, to_status)
    for from_status in MatchStatus.ALL
    for to_status in MatchStatus.ALL
    if (from_status, to_status) not in workflow.TRANSITIONS
]


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN_STATE)
def test_steps_outside_the_table_are_refused_for_everyone(world, from_status, to_status):
    """A match could jump states (e.g. proposed straight to started, or reopen a completed one)."""
    match = make_match(world, from_status)
    before = event_count()
    for actor in (world.facilitator, world.coordinator, world.partner):
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.transition(match, to_status, actor, today=TODAY, **_data(actor.role, to_status))
        assert error.value.code == "no_such_transition"
        assert error.value.message == "Langkah ini tidak bisa dilakukan dari status pencocokan saat ini."
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == from_status
    assert event_count() == before


WRONG_ROLE = [
    (from_status, to_status, role)
    for (from_status, to_status), roles in workflow.TRANSITIONS.items()
    if from_status is not None
    for role in ("facilitator", "coordinator", "business")
    if role not in roles
]


@pytest.mark.parametrize(("from_status", "to_status", "role"), WRONG_ROLE)
def test_each_step_is_refused_to_the_other_roles(world, from_status, to_status, role):
    """A partner could start a match, or a facilitator accept on the partner's behalf."""
    match = make_match(world, from_status)
    before = event_count()
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.transition(match, to_status, _actor(world, role), today=TODAY, **_data(role, to_status))
    assert error.value.code == "wrong_role"
    assert error.value.message == "Peran Anda tidak dapat melakukan langkah ini."
    assert event_count() == before
    assert db.session.get(Match, match.id).status == from_status


OUTSIDERS = {"facilitator": "other_facilitator", "coordinator": "other_coordinator", "business": "other_partner"}


@pytest.mark.parametrize(("from_status", "to_status", "role"), ALLOWED)
def test_each_step_is_refused_to_someone_of_the_right_role_who_does_not_own_it(world, from_status, to_status, role):
    """Another facilitator, a coordinator elsewhere or another business could move a match that is not theirs."""
    match = make_match(world, from_status, consent=True)
    before = event_count()
    outsider = getattr(world, OUTSIDERS[role])
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.transition(match, to_status, outsider, today=TODAY, **_data(role, to_status))
    assert error.value.code == "not_yours"
    assert event_count() == before


def test_introducing_needs_her_consent_first(world):
    """A profile could be sent to a partner before the woman agreed."""
    match = make_match(world, MatchStatus.PROPOSED, consent=False)
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.transition(match, MatchStatus.INTRODUCED, world.facilitator, today=TODAY)
    assert error.value.code == "consent_required"
    assert event_count() == 1
    workflow.record_consent(world.facilitator, match)
    assert db.session.query(AuditEvent).filter_by(action="match.consent_recorded").count() == 1
    workflow.transition(match, MatchStatus.INTRODUCED, world.facilitator, today=TODAY)
    assert match.status == MatchStatus.INTRODUCED


def test_consent_is_recorded_only_by_her_side_on_a_proposal(world):
    """A partner or another facilitator could record her consent, or consent could be recorded twice."""
    match = make_match(world, MatchStatus.PROPOSED, consent=False)
    for actor, code in ((world.partner, "wrong_role"), (world.other_facilitator, "not_yours")):
        with pytest.raises(workflow.WorkflowError) as error:
            workflow.record_consent(actor, match)
        assert error.value.code == code
    workflow.record_consent(world.coordinator, match)
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.record_consent(world.facilitator, match)
    assert error.value.code == "consent_already"


@pytest.mark.parametrize(("to_status", "role", "data", "code", "field"), [
    (MatchStatus.DECLINED, "business", {}, "reason_required", "reason"),
    (MatchStatus.DECLINED, "business", {"reason": "family_objection"}, "reason_required", "reason"),
    (MatchStatus.DROPPED, "facilitator", {"reason": "bosan"}, "reason_required", "reason"),
    (MatchStatus.STARTED, "facilitator", {}, "start_date_required", "started_on"),
    (MatchStatus.STARTED, "facilitator", {"started_on": TODAY + dt.timedelta(days=60)}, "start_date_future",
     "started_on"),
    (MatchStatus.COMPLETED, "facilitator", {}, "income_required", "income_after"),
    (MatchStatus.COMPLETED, "facilitator", {"income_after": -5}, "income_range", "income_after"),
    (MatchStatus.COMPLETED, "facilitator", {"income_after": 900_000, "ended_on": dt.date(2026, 10, 1)},
     "end_date_before_start", "ended_on"),
])
def test_missing_or_bad_step_data_is_refused_with_the_field(world, to_status, role, data, code, field):
    """A decline without a reason, a start without a date or an outcome without income would be saved."""
    from_status = {MatchStatus.DECLINED: MatchStatus.INTRODUCED, MatchStatus.DROPPED: MatchStatus.STARTED,
                   MatchStatus.STARTED: MatchStatus.ACCEPTED, MatchStatus.COMPLETED: MatchStatus.STARTED}[to_status]
    match = make_match(world, from_status)
    before = event_count()
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.transition(match, to_status, _actor(world, role), today=TODAY, **data)
    assert (error.value.code, error.value.field) == (code, field)
    assert event_count() == before


def test_starting_and_ending_moves_the_household_status(world):
    """A household under way would still look idle, or stay "in progress" after her last match ended."""
    first = make_match(world, MatchStatus.ACCEPTED)
    second_offer_household = world.household
    workflow.transition(first, MatchStatus.STARTED, world.facilitator, today=TODAY, started_on=TODAY)
    assert second_offer_household.status == HouseholdStatus.IN_PROGRESS
    workflow.transition(first, MatchStatus.COMPLETED, world.facilitator, today=TODAY, income_after=2_000_000)
    db.session.expire_all()
    match = db.session.get(Match, first.id)
    assert match.household.status == HouseholdStatus.ACTIVE
    assert (match.income_after, match.ended_on) == (2_000_000, TODAY)


def test_household_stays_in_progress_while_another_match_runs(world):
    """Dropping one match would mark her idle although another one is still under way."""
    from tests.matches.factories import make_offer

    other_offer = make_offer(world.organization, title="Obras borongan")
    one = make_match(world, MatchStatus.ACCEPTED)
    two = make_match(world, MatchStatus.ACCEPTED, offer=other_offer)
    workflow.transition(one, MatchStatus.STARTED, world.facilitator, today=TODAY, started_on=TODAY)
    workflow.transition(two, MatchStatus.STARTED, world.facilitator, today=TODAY, started_on=TODAY)
    workflow.transition(one, MatchStatus.DROPPED, world.facilitator, today=TODAY, reason="childcare")
    assert world.household.status == HouseholdStatus.IN_PROGRESS
    workflow.transition(two, MatchStatus.DROPPED, world.facilitator, today=TODAY, reason="moved_away")
    assert world.household.status == HouseholdStatus.ACTIVE


def test_a_full_offer_cannot_be_started(world):
    """A started match could take a place the offer no longer has."""
    world.offer.places = 1
    db.session.commit()
    make_match(world, MatchStatus.STARTED, household=make_household(world.facilitator, **SEWER))
    match = make_match(world, MatchStatus.ACCEPTED)
    before = event_count()
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.transition(match, MatchStatus.STARTED, world.facilitator, today=TODAY, started_on=TODAY)
    assert error.value.code == "full"
    assert "Kuota sudah penuh" in error.value.message
    assert event_count() == before
    assert db.session.get(Match, match.id).status == MatchStatus.ACCEPTED


def test_decisions_are_recorded_for_the_learner(world):
    """The ranker would stop learning from what facilitators and partners decide."""
    match = workflow.propose(world.facilitator, world.household, world.offer, score=0.71, position=3)
    workflow.record_consent(world.facilitator, match)
    workflow.transition(match, MatchStatus.INTRODUCED, world.facilitator, today=TODAY)
    workflow.transition(match, MatchStatus.DECLINED, world.partner, today=TODAY, reason="skills_mismatch")
    rows = db.session.query(RankingDecision).order_by(RankingDecision.id).all()
    assert [(r.decision, r.actor_role, r.reason, r.shown_position) for r in rows] == [
        (RankingDecisionKind.CONFIRMED, "facilitator", None, 3),
        (RankingDecisionKind.REJECTED, "business", "skills_mismatch", 3),
    ]
    other = make_match(world, MatchStatus.PROPOSED, household=make_household(world.facilitator, **SEWER))
    workflow.transition(other, MatchStatus.DECLINED, world.facilitator, today=TODAY, reason="childcare")
    assert db.session.query(RankingDecision).filter_by(decision=RankingDecisionKind.DECLINED).count() == 1


def test_proposing_twice_or_to_a_closed_household_is_refused(world):
    """The same offer could be proposed twice to her, or to a family that already graduated."""
    workflow.propose(world.facilitator, world.household, world.offer)
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.propose(world.facilitator, world.household, world.offer)
    assert error.value.code == "already_matched"
    graduated = make_household(world.facilitator, status=HouseholdStatus.GRADUATED, **SEWER)
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.propose(world.facilitator, graduated, world.offer)
    assert error.value.code == "household_closed"
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.propose(world.partner, graduated, world.offer)
    assert error.value.code == "wrong_role"
    with pytest.raises(workflow.WorkflowError) as error:
        workflow.propose(world.other_facilitator, make_household(world.facilitator, **SEWER), world.offer)
    assert error.value.code == "not_yours"
