"""The match workflow: which state may follow which, who may move it there, and what each step writes.

States (``MatchStatus``)::

    proposed ──consent──▶ introduced ──▶ accepted ──▶ started ──▶ completed
        │                     │    └──▶ declined (partner)   └──▶ dropped
        └──▶ declined          └──▶ dropped            accepted ──▶ dropped
             (household side)       (she withdrew)

* The facilitator who owns the household (or a coordinator whose area holds it) proposes,
  records the household's consent to share her profile with that partner, introduces,
  starts (with a start date, after the partner accepted), records the outcome (completed
  with her monthly income after, in Rupiah) or drops it with a reason. She may also decline
  a proposal on the household's behalf.
* A member of the offer's organization accepts or declines an introduction.
* Partner-initiated requests are a flag, not a state: a partner asks for an introduction
  from its offer's candidates, which creates a ``proposed`` match with ``partner_request``
  set. The facilitator approves it — recording consent and introducing in one step (→
  ``introduced``; the partner then accepts as for any introduction) — or declines it (→
  ``declined``). Keeping the request inside ``proposed`` leaves the lifecycle of the issue
  intact: only its seven states exist.

Every step is validated before anything is written, then writes the match, one
:class:`MatchEvent`, the ranking decision the learner needs, the household's status and the
notifications, in one transaction. Starting a match takes one of the offer's places under a
write lock on the offer row, so that places are never over-filled by simultaneous starts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update

from .. import clock
from ..audit import record_audit
from ..extensions import db
from ..labels import LABELS
from ..matching.constraints import within_reach
from ..models import (
    Household,
    HouseholdStatus,
    Match,
    MatchEvent,
    MatchStatus,
    Offer,
    Organization,
    OrgStatus,
    RankingDecisionKind,
    Role,
    User,
    UserStatus,
    utcnow,
)
from ..notifications import Kind, notify, notify_organization
from ..refusals import Refusal
from ..scoping import code_within
from .services import record_decision

FACILITATOR_SIDE = (Role.FACILITATOR, Role.COORDINATOR)
PARTNER_SIDE = Role.PARTNERS
TAKEN_STATUSES = (MatchStatus.STARTED, MatchStatus.COMPLETED)
ENDED_STATUSES = (MatchStatus.DECLINED, MatchStatus.COMPLETED, MatchStatus.DROPPED)
# A partner sees the woman's name and phone only while a match it accepted goes on or succeeded.
CONTACT_STATUSES = (MatchStatus.ACCEPTED, MatchStatus.STARTED, MatchStatus.COMPLETED)
# Households that can still be proposed something.
OPEN_HOUSEHOLD_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.IN_PROGRESS)

# The allowed transitions and the roles each belongs to. ``None`` is "no match yet".
TRANSITIONS: dict[tuple[str | None, str], tuple[str, ...]] = {
    (None, MatchStatus.PROPOSED): FACILITATOR_SIDE + PARTNER_SIDE,  # partners only as a request
    (MatchStatus.PROPOSED, MatchStatus.INTRODUCED): FACILITATOR_SIDE,
    (MatchStatus.PROPOSED, MatchStatus.DECLINED): FACILITATOR_SIDE,
    (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED): PARTNER_SIDE,
    (MatchStatus.INTRODUCED, MatchStatus.DECLINED): PARTNER_SIDE,
    (MatchStatus.INTRODUCED, MatchStatus.DROPPED): FACILITATOR_SIDE,
    (MatchStatus.ACCEPTED, MatchStatus.STARTED): FACILITATOR_SIDE,
    (MatchStatus.ACCEPTED, MatchStatus.DROPPED): FACILITATOR_SIDE,
    (MatchStatus.STARTED, MatchStatus.COMPLETED): FACILITATOR_SIDE,
    (MatchStatus.STARTED, MatchStatus.DROPPED): FACILITATOR_SIDE,
}

# Each named step of the pages and the API, and the state it moves to; ``None`` is "record consent"
# (no change of state). "refuse" is the household side's decline, "decline" the partner's;
# "approve" introduces a partner's request, recording her consent in the same step.
STEP_TARGETS: dict[str, str | None] = {
    "consent": None,
    "introduce": MatchStatus.INTRODUCED,
    "approve": MatchStatus.INTRODUCED,
    "refuse": MatchStatus.DECLINED,
    "accept": MatchStatus.ACCEPTED,
    "decline": MatchStatus.DECLINED,
    "start": MatchStatus.STARTED,
    "complete": MatchStatus.COMPLETED,
    "drop": MatchStatus.DROPPED,
}

# Steps that hand her to the partner or put her to work there: refused while it is not active.
TOWARDS_PARTNER = (MatchStatus.PROPOSED, MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED)

# Decline reasons each side picks from (codes of the ``decline_reason`` label group).
PARTNER_DECLINE_REASONS = ("place_filled", "skills_mismatch", "too_far", "schedule_conflict", "other")
HOUSEHOLD_DECLINE_REASONS = ("not_interested", "schedule_conflict", "family_objection", "childcare", "too_far",
                             "other")
# The reason written when a suspension withdraws a match: the system's, never picked on a form.
WITHDRAWN_REASON = "partner_suspended"
DROP_REASONS = tuple(code for code in LABELS["drop_reason"] if code != WITHDRAWN_REASON)
MAX_INCOME = 100_000_000  # Rupiah a month: anything above is a typing error

MESSAGES: dict[str, Any] = {
    "no_such_transition": _l("This step is not possible from the match's current state."),
    "wrong_role": _l("Your role cannot take this step."),
    "not_yours": _l("This match is not in your caseload or your organization."),
    "consent_required": _l("Record her consent to share her profile with this partner before introducing her."),
    "consent_already": _l("Her consent is already recorded."),
    "reason_required": _l("Choose a reason from the list."),
    "start_date_required": _l("Enter the start date."),
    "start_date_future": _l("The start date cannot be more than 30 days ahead."),
    "income_required": _l("Enter her monthly income after the match, in Rupiah (0 if none)."),
    "income_range": _l("Enter an amount between 0 and 100,000,000 Rupiah."),
    "end_date_before_start": _l("The end date cannot be before the start date."),
    "full": _l("Kuota sudah penuh: every place of this offer is taken."),
    "changed": _l("Someone changed this match in the meantime. Check its state and try again."),
    "already_matched": _l("This household already has a match with this offer."),
    "offer_not_open": _l("This offer is not open for proposals (closed, full or past its end date)."),
    "out_of_reach": _l("This offer is out of her reach: the partner takes candidates only from its own area, "
                       "or she cannot travel that far."),
    "household_closed": _l("This household has graduated or left PKH: no new matches."),
    "no_facilitator": _l("This household has no facilitator to approve an introduction."),
    "not_in_list": _l("This offer is not in her ranked list now (with these filters)."),
    "organization_inactive": _l(
        "This partner's organization is suspended or not approved: no step can be taken on its matches."
    ),
}


class WorkflowError(Refusal, ValueError):
    """A step that was refused; ``code`` is a key of :data:`MESSAGES`, ``field`` the form field it concerns."""

    @property
    def message(self) -> str:
        """The reason in the user's language."""
        return str(MESSAGES[self.code])


# --- Who may act --------------------------------------------------------------------------------


def owns_household(actor: User, household: Household) -> bool:
    """The facilitator who owns her (inside her area), or a coordinator whose area holds her."""
    if actor.status != UserStatus.ACTIVE:
        return False
    if actor.role == Role.FACILITATOR:
        return household.facilitator_id == actor.id and code_within(household.desa_code, actor.area_codes)
    if actor.role == Role.COORDINATOR:
        return code_within(household.desa_code, actor.area_codes)
    return False


def is_partner_of(actor: User, offer: Offer) -> bool:
    """A member (of a partner role) of the organization that published ``offer``.

    Membership is what lets a partner open its matches' pages; whether it may act on them or
    read contact details also depends on its organization being active (:func:`organization_active`).
    """
    return (actor.role in PARTNER_SIDE and actor.status == UserStatus.ACTIVE
            and actor.organization_id is not None and actor.organization_id == offer.organization_id)


def organization_active(offer: Offer) -> bool:
    """Whether the organization behind ``offer`` is active (not pending, rejected or suspended)."""
    organization = offer.organization
    return organization is not None and organization.status == OrgStatus.ACTIVE


def was_introduced(match: Match) -> bool:
    """Whether the partner has ever been sent this match (or asked for it)."""
    return match.partner_request or any(event.to_status == MatchStatus.INTRODUCED for event in match.events)


def can_view_match(actor: User, match: Match) -> bool:
    """The household's side always; the partner once introduced, or for its own request."""
    if owns_household(actor, match.household):
        return True
    return is_partner_of(actor, match.offer) and was_introduced(match)


def partner_sees_contact(actor: User, match: Match) -> bool:
    """A partner sees her name and phone only for a match it accepted that goes on or succeeded.

    Never while its organization is suspended or rejected: a suspension for fraud against a KPM
    must stop its members reading her contact (and her facilitator's).
    """
    return (is_partner_of(actor, match.offer) and organization_active(match.offer)
            and match.status in CONTACT_STATUSES)


def _check(actor: User, match: Match | None, household: Household, offer: Offer, to_status: str) -> None:
    from_status = match.status if match is not None else None
    roles = TRANSITIONS.get((from_status, to_status))
    if roles is None:
        raise WorkflowError("no_such_transition")
    if actor.role not in roles:
        raise WorkflowError("wrong_role")
    allowed = owns_household(actor, household) if actor.role in FACILITATOR_SIDE else is_partner_of(actor, offer)
    if not allowed:
        raise WorkflowError("not_yours")
    # A suspended or rejected organization's members take no step at all; the household's side
    # may still close its matches (decline, drop, complete) but not send her to it or start.
    if not organization_active(offer) and (actor.role in PARTNER_SIDE or to_status in TOWARDS_PARTNER):
        raise WorkflowError("organization_inactive")


def allowed_steps(actor: User, match: Match) -> list[str]:
    """The target states ``actor`` may move ``match`` to now (what the page offers as buttons)."""
    steps = []
    for (from_status, to_status), roles in TRANSITIONS.items():
        if from_status != match.status or actor.role not in roles:
            continue
        try:
            _check(actor, match, match.household, match.offer, to_status)
        except WorkflowError:
            continue
        steps.append(to_status)
    return steps


def available_actions(actor: User, match: Match) -> list[str]:
    """The named steps (keys of :data:`STEP_TARGETS`) ``actor`` may take on ``match`` now, as the page offers them.

    On a proposal the household's side is offered one way forward: approve a partner's request,
    else record her consent, else introduce her.
    """
    steps = allowed_steps(actor, match)
    household_side = owns_household(actor, match.household)
    actions: list[str] = []
    if household_side and match.status == MatchStatus.PROPOSED:
        if match.partner_request:
            actions.append("approve")
        elif match.consent_at is None:
            actions.append("consent")
        else:
            actions.append("introduce")
    for action, to_status in STEP_TARGETS.items():
        if to_status not in steps or action in ("introduce", "approve", "consent"):
            continue
        if (action == "refuse" and not household_side) or (action == "decline" and household_side):
            continue
        actions.append(action)
    return actions


def take_step(actor: User, match: Match, action: str, note: str | None = None, **data: Any) -> MatchEvent | None:
    """Take the named step ``action`` (a key of :data:`STEP_TARGETS`) as the page's form or the API asks; commits.

    Recording consent changes no state and returns ``None``; every other step is a :func:`transition`.
    Raises :class:`WorkflowError` before anything is written.
    """
    to_status = STEP_TARGETS[action]
    if to_status is None:
        record_consent(actor, match)
        return None
    return transition(match, to_status, actor, note=note, **data)


# --- Creating a match ---------------------------------------------------------------------------


def _check_new(household: Household, offer: Offer) -> None:
    from ..partners.services import proposable_offers_query

    if household.status not in OPEN_HOUSEHOLD_STATUSES:
        raise WorkflowError("household_closed")
    if db.session.scalar(select(exists().where(Match.household_id == household.id, Match.offer_id == offer.id))):
        raise WorkflowError("already_matched")
    if db.session.scalar(proposable_offers_query().where(Offer.id == offer.id)) is None:
        raise WorkflowError("offer_not_open")
    # The same hard rule as the ranker's: the partner's reach always holds, her travel unless home-based.
    if not within_reach(offer.desa_code, offer.reach, bool(offer.home_based), household.desa_code,
                        household.travel_range, bool(household.home_based_only)):
        raise WorkflowError("out_of_reach")


def _new_match(actor: User, household: Household, offer: Offer, *, score: float | None, position: int | None,
               reasons: list[str] | None, partner_request: bool, note: str | None) -> Match:
    match = Match(
        household_id=household.id,
        offer_id=offer.id,
        status=MatchStatus.PROPOSED,
        score=score,
        shown_position=position,
        reasons=list(reasons or []),
        partner_request=partner_request,
        created_by_id=actor.id,
    )
    match.household = household
    match.offer = offer
    match.events.append(MatchEvent(actor_id=actor.id, from_status=None, to_status=MatchStatus.PROPOSED,
                                   note=note or None))
    db.session.add(match)
    return match


def propose(actor: User, household: Household, offer: Offer, *, score: float | None = None,
            position: int | None = None, reasons: list[str] | None = None, note: str | None = None) -> Match:
    """The facilitator (or coordinator) proposes ``offer`` to ``household``: a ``proposed`` match; commits.

    Records a "confirmed" ranking decision at the position and score she was shown.
    """
    if actor.role not in FACILITATOR_SIDE:
        raise WorkflowError("wrong_role")
    _check(actor, None, household, offer, MatchStatus.PROPOSED)
    _check_new(household, offer)
    try:
        match = _new_match(actor, household, offer, score=score, position=position, reasons=reasons,
                           partner_request=False, note=note)
        db.session.flush()
        record_decision(actor, household, offer, RankingDecisionKind.CONFIRMED, match=match)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return match


def request_introduction(actor: User, household: Household, offer: Offer, *, score: float | None = None,
                         position: int | None = None, reasons: list[str] | None = None,
                         note: str | None = None) -> Match:
    """A partner asks to be introduced to a candidate of its offer; her facilitator hears of it; commits."""
    if actor.role not in PARTNER_SIDE:
        raise WorkflowError("wrong_role")
    _check(actor, None, household, offer, MatchStatus.PROPOSED)
    facilitator = household.facilitator
    if facilitator is None or facilitator.status != UserStatus.ACTIVE:
        raise WorkflowError("no_facilitator")
    _check_new(household, offer)
    try:
        match = _new_match(actor, household, offer, score=score, position=position, reasons=reasons,
                           partner_request=True, note=note)
        db.session.flush()
        notify(facilitator, Kind.REQUEST, match=match)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return match


def record_consent(actor: User, match: Match) -> None:
    """She agreed to share her profile with this partner: required before the introduction; commits.

    Not a change of state (no :class:`MatchEvent`); an audit event keeps who recorded it.
    """
    if actor.role not in FACILITATOR_SIDE:
        raise WorkflowError("wrong_role")
    if not owns_household(actor, match.household):
        raise WorkflowError("not_yours")
    if match.status != MatchStatus.PROPOSED:
        raise WorkflowError("no_such_transition")
    if not organization_active(match.offer):
        raise WorkflowError("organization_inactive")
    if match.consent_at is not None:
        raise WorkflowError("consent_already")
    match.consent_at = utcnow()
    record_audit(actor, "match.consent_recorded", "match", match.id, household=match.household_id,
                 offer=match.offer_id)
    db.session.commit()


# --- Moving a match -----------------------------------------------------------------------------


@dataclass
class StepData:
    """What a step needs beyond the target state, already parsed by a form."""

    reason: str | None = None
    consent: bool = False
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    income_after: int | None = None


def _validate(actor: User, match: Match, to_status: str, data: StepData, today: dt.date) -> None:
    if to_status == MatchStatus.INTRODUCED and match.consent_at is None and not data.consent:
        raise WorkflowError("consent_required", "consent")
    if to_status == MatchStatus.DECLINED:
        allowed = PARTNER_DECLINE_REASONS if actor.role in PARTNER_SIDE else HOUSEHOLD_DECLINE_REASONS
        if data.reason not in allowed:
            raise WorkflowError("reason_required", "reason")
    if to_status == MatchStatus.DROPPED and data.reason not in DROP_REASONS:
        raise WorkflowError("reason_required", "reason")
    if to_status == MatchStatus.STARTED:
        if data.started_on is None:
            raise WorkflowError("start_date_required", "started_on")
        if data.started_on > today + dt.timedelta(days=30):
            raise WorkflowError("start_date_future", "started_on")
    if to_status == MatchStatus.COMPLETED:
        if data.income_after is None:
            raise WorkflowError("income_required", "income_after")
        if not 0 <= data.income_after <= MAX_INCOME:
            raise WorkflowError("income_range", "income_after")
        ended = data.ended_on or today
        if match.started_on is not None and ended < match.started_on:
            raise WorkflowError("end_date_before_start", "ended_on")


def _take_place(match: Match) -> None:
    """Lock the offer row, then check a place is free; raises ``full`` or ``changed``.

    The UPDATE is the transaction's first write: on PostgreSQL it row-locks the offer until
    commit, on SQLite it takes the database's write lock (other writers wait for the busy
    timeout). Whoever comes second counts the first one's start.
    """
    expected = match.status
    db.session.execute(
        update(Offer).where(Offer.id == match.offer_id).values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(match)
    if match.status != expected:
        raise WorkflowError("changed")
    places = db.session.scalar(select(Offer.places).where(Offer.id == match.offer_id)) or 0
    taken = db.session.scalar(
        select(func.count()).select_from(Match)
        .where(Match.offer_id == match.offer_id, Match.status.in_(TAKEN_STATUSES))
    ) or 0
    if taken >= places:
        raise WorkflowError("full")


def _update_household_status(match: Match, to_status: str) -> None:
    household = match.household
    if to_status == MatchStatus.STARTED and household.status == HouseholdStatus.ACTIVE:
        household.status = HouseholdStatus.IN_PROGRESS
    elif to_status in ENDED_STATUSES and household.status == HouseholdStatus.IN_PROGRESS:
        others = db.session.scalar(
            select(func.count()).select_from(Match)
            .where(Match.household_id == household.id, Match.id != match.id, Match.status == MatchStatus.STARTED)
        )
        if not others:
            household.status = HouseholdStatus.ACTIVE


def _decision(actor: User, match: Match, to_status: str) -> str | None:
    """The ranking decision this step stands for, if any."""
    if actor.role in PARTNER_SIDE:
        return {MatchStatus.ACCEPTED: RankingDecisionKind.ACCEPTED,
                MatchStatus.DECLINED: RankingDecisionKind.REJECTED}.get(to_status)
    if to_status == MatchStatus.DECLINED and match.status == MatchStatus.PROPOSED:
        return RankingDecisionKind.DECLINED
    # A proposal she did not make herself (a batch, a partner's request) is confirmed when she introduces it.
    if to_status == MatchStatus.INTRODUCED and (match.partner_request or match.created_by_id != actor.id):
        return RankingDecisionKind.CONFIRMED
    return None


def _notify(actor: User, match: Match, from_status: str, to_status: str) -> None:
    facilitator = match.household.facilitator
    if to_status == MatchStatus.INTRODUCED:
        notify_organization(match.offer.organization_id, Kind.INTRODUCTION, match=match)
    elif to_status in (MatchStatus.ACCEPTED, MatchStatus.DECLINED) and actor.role in PARTNER_SIDE:
        if facilitator is not None:
            notify(facilitator, Kind.ACCEPTED if to_status == MatchStatus.ACCEPTED else Kind.DECLINED, match=match)
    elif to_status == MatchStatus.DECLINED and from_status == MatchStatus.PROPOSED and match.partner_request:
        notify_organization(match.offer.organization_id, Kind.REQUEST_DECLINED, match=match)


def transition(match: Match, to_status: str, actor: User, note: str | None = None,
               today: dt.date | None = None, **data: Any) -> MatchEvent:
    """Move ``match`` to ``to_status`` on behalf of ``actor``; everything in one transaction; commits.

    ``data`` (see :class:`StepData`): ``reason`` for declined (a ``decline_reason`` code of
    the actor's side) and dropped (a ``drop_reason`` code); ``consent=True`` to record
    consent while introducing (approving a partner's request); ``started_on`` for started;
    ``income_after`` (Rupiah a month) and optionally ``ended_on`` for completed.
    Raises :class:`WorkflowError` before anything is written.
    """

    step = StepData(**data)
    today = today or clock.today()
    from_status = match.status
    _check(actor, match, match.household, match.offer, to_status)
    _validate(actor, match, to_status, step, today)
    decision = _decision(actor, match, to_status)
    try:
        if to_status == MatchStatus.STARTED:
            _take_place(match)
        now = utcnow()
        if to_status == MatchStatus.INTRODUCED and match.consent_at is None:
            match.consent_at = now
            record_audit(actor, "match.consent_recorded", "match", match.id, household=match.household_id,
                         offer=match.offer_id)
        if to_status in (MatchStatus.DECLINED, MatchStatus.DROPPED):
            match.decline_reason = step.reason
        if to_status == MatchStatus.STARTED:
            match.started_on = step.started_on
        if to_status == MatchStatus.COMPLETED:
            match.income_after = step.income_after
            match.ended_on = step.ended_on or today
        if to_status == MatchStatus.DROPPED and match.started_on is not None:
            match.ended_on = today
        if note:
            match.note = note
        match.status = to_status
        event = MatchEvent(match_id=match.id, actor_id=actor.id, from_status=from_status, to_status=to_status,
                           note=note or None, created_at=now)
        match.events.append(event)
        _update_household_status(match, to_status)
        if decision is not None:
            record_decision(actor, match.household, match.offer, decision, match=match, reason=step.reason)
        _notify(actor, match, from_status, to_status)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return event


# --- A partner suspended or rejected ---------------------------------------------------------------


def withdraw_for_organization(actor: User, organization: Organization) -> int:
    """Withdraw what waits on a suspended or rejected partner; the caller commits (same transaction).

    Introductions it has not answered are dropped and its own requests for an introduction
    are declined, both with the reason ``partner_suspended``; each gets a :class:`MatchEvent`
    by ``actor`` (the coordinator) and the household's facilitator is told. Accepted and
    started matches stay as they are for her facilitator to close; their contact details are
    hidden from the partner (:func:`partner_sees_contact`). Returns how many were withdrawn.
    """
    pending = db.session.scalars(
        select(Match).join(Offer, Match.offer_id == Offer.id)
        .where(Offer.organization_id == organization.id,
               (Match.status == MatchStatus.INTRODUCED)
               | ((Match.status == MatchStatus.PROPOSED) & Match.partner_request.is_(True)))
        .order_by(Match.id)
    ).all()
    now = utcnow()
    for match in pending:
        from_status = match.status
        to_status = MatchStatus.DROPPED if from_status == MatchStatus.INTRODUCED else MatchStatus.DECLINED
        match.status = to_status
        match.decline_reason = WITHDRAWN_REASON
        match.events.append(MatchEvent(match_id=match.id, actor_id=actor.id, from_status=from_status,
                                       to_status=to_status, created_at=now))
        facilitator = match.household.facilitator
        if facilitator is not None:
            notify(facilitator, Kind.WITHDRAWN, match=match)
    return len(pending)
