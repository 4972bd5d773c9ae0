"""Graduation services shared by the pages and the CLI.

The facilitator fills in the readiness checklist and submits a graduation record; a
coordinator of the household's district approves or rejects it. Approval graduates the
household and schedules the follow-up check-ins at 3, 6 and 12 months, which the
facilitator records. Every write validates first, then changes the rows in one commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..audit import record_audit
from ..extensions import db
from ..households import services as household_services
from ..models import (
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    GraduationType,
    Household,
    HouseholdEvent,
    HouseholdStatus,
    ReadinessAssessment,
    Role,
    SchoolAttendance,
    User,
    utcnow,
)
from ..notifications import Kind, notify
from ..refusals import InvalidFields
from ..scoping import code_within, region_within
from .readiness import Readiness, add_months, evaluate

CHECKIN_MONTHS = (3, 6, 12)
# The facilitator's lists show the check-ins due within this many days, and every overdue one.
DUE_SOON_DAYS = 30
MAX_INCOME = 1_000_000_000
MAX_HOUSEHOLD_SIZE = 30
MAX_TEXT = 2000


class GraduationInvalid(InvalidFields):
    """A graduation record or check-in that cannot be written; ``errors`` maps fields to codes."""


class NotAllowed(PermissionError):
    """The user may not do this to this household or record."""


def today() -> dt.date:
    """Today in the installation's time zone."""
    return clock.today()


# Who may do what ----------------------------------------------------------------------------


def can_manage(user: User, household: Household) -> bool:
    """Only the household's own facilitator fills in the checklist, submits and records check-ins."""
    return household_services.can_edit(user, household)


def can_review(user: User, household: Household) -> bool:
    """A coordinator approves the graduations of her own district only."""
    return user.role == Role.COORDINATOR and code_within(household.desa_code, user.area_codes)


# Readiness ---------------------------------------------------------------------------------


def get_assessment(household: Household) -> ReadinessAssessment | None:
    """What the facilitator confirmed for this household, if anything."""
    return db.session.scalar(select(ReadinessAssessment).where(ReadinessAssessment.household_id == household.id))


def readiness(household: Household, on: dt.date | None = None) -> Readiness:
    """The checklist filled in for ``household`` as of ``on`` (today by default)."""
    return evaluate(household, get_assessment(household), on or today())


@dataclass
class AssessmentData:
    """The facilitator-confirmed items of the checklist."""

    household_size: int | None = None
    children_in_school: str | None = None
    monthly_income: int | None = None
    income_since: dt.date | None = None
    livelihood_since: dt.date | None = None


def validate_assessment(data: AssessmentData, on: dt.date) -> dict[str, str]:
    """Error codes by field for ``data``; empty when it can be saved."""
    errors: dict[str, str] = {}
    if data.household_size is not None and not 1 <= data.household_size <= MAX_HOUSEHOLD_SIZE:
        errors["household_size"] = "graduation.size_range"
    if data.children_in_school is not None and data.children_in_school not in SchoolAttendance.ALL:
        errors["children_in_school"] = "graduation.bad_choice"
    if data.monthly_income is not None and not 0 <= data.monthly_income <= MAX_INCOME:
        errors["monthly_income"] = "graduation.income_range"
    if data.monthly_income is not None and data.income_since is None:
        errors["income_since"] = "graduation.income_since_required"
    if data.income_since is not None and data.monthly_income is None:
        errors["monthly_income"] = "graduation.income_required"
    for name in ("income_since", "livelihood_since"):
        value = getattr(data, name)
        if value is not None and value > on:
            errors[name] = "graduation.date_future"
    return errors


def save_assessment(actor: User, household: Household, data: AssessmentData, on: dt.date | None = None) -> None:
    """Store the facilitator's confirmations for ``household`` and commit."""
    if not can_manage(actor, household):
        raise NotAllowed
    errors = validate_assessment(data, on or today())
    if errors:
        raise GraduationInvalid(errors)
    assessment = get_assessment(household) or ReadinessAssessment(household_id=household.id)
    assessment.household_size = data.household_size
    assessment.children_in_school = data.children_in_school
    assessment.monthly_income = data.monthly_income
    assessment.income_since = data.income_since
    assessment.livelihood_since = data.livelihood_since
    assessment.assessed_by_id = actor.id
    db.session.add(assessment)
    db.session.commit()


# Graduation records ----------------------------------------------------------------------------


def records_of(household: Household) -> list[GraduationRecord]:
    """Every graduation record of ``household``, newest first."""
    return list(
        db.session.scalars(
            select(GraduationRecord)
            .where(GraduationRecord.household_id == household.id)
            .order_by(GraduationRecord.created_at.desc(), GraduationRecord.id.desc())
        )
    )


def pending_record(household: Household) -> GraduationRecord | None:
    """The record waiting for a coordinator, if there is one."""
    return db.session.scalar(
        select(GraduationRecord).where(
            GraduationRecord.household_id == household.id, GraduationRecord.status == GraduationStatus.PENDING
        )
    )


def can_submit(user: User, household: Household) -> bool:
    """Whether the graduate button makes sense: her facilitator, not graduated or exited, nothing pending."""
    return (
        can_manage(user, household)
        and household.status not in (HouseholdStatus.GRADUATED, HouseholdStatus.EXITED)
        and pending_record(household) is None
    )


@dataclass
class SubmissionData:
    """What the facilitator writes when she graduates a household."""

    graduation_type: str | None
    graduated_on: dt.date | None
    evidence: str
    # A self-reliant graduation before the checklist's required items hold needs her explicit word.
    confirm_not_ready: bool = False


def validate_submission(household: Household, data: SubmissionData, on: dt.date) -> dict[str, str]:
    """Error codes by field for a graduation of ``household``; empty when it can be submitted."""
    errors: dict[str, str] = {}
    if household.status == HouseholdStatus.GRADUATED:
        errors[""] = "graduation.already_graduated"
    elif household.status == HouseholdStatus.EXITED:
        errors[""] = "graduation.exited"
    elif pending_record(household) is not None:
        errors[""] = "graduation.pending_exists"
    if data.graduated_on is None:
        errors["graduated_on"] = "graduation.date_required"
    elif data.graduated_on > on:
        errors["graduated_on"] = "graduation.date_future"
    if not data.evidence.strip():
        errors["evidence"] = "graduation.evidence_required"
    elif len(data.evidence) > MAX_TEXT:
        errors["evidence"] = "graduation.too_long"
    if data.graduation_type not in GraduationType.ALL:
        errors["graduation_type"] = "graduation.type_required"
        return errors
    check = readiness(household, on)
    if data.graduation_type == GraduationType.NATURAL and not check.natural_possible:
        errors["graduation_type"] = "graduation.components_remain"
    if data.graduation_type == GraduationType.SELF_RELIANT and not check.ready and not data.confirm_not_ready:
        errors["confirm_not_ready"] = "graduation.not_ready"
    return errors


def submit(actor: User, household: Household, data: SubmissionData, on: dt.date | None = None) -> GraduationRecord:
    """Record the facilitator's graduation of ``household`` for a coordinator's approval, and commit."""
    if not can_manage(actor, household):
        raise NotAllowed
    errors = validate_submission(household, data, on or today())
    if errors:
        raise GraduationInvalid(errors)
    record = GraduationRecord(
        household_id=household.id,
        graduation_type=data.graduation_type,
        graduated_on=data.graduated_on,
        evidence=data.evidence.strip(),
        status=GraduationStatus.PENDING,
        submitted_by_id=actor.id,
    )
    db.session.add(record)
    db.session.flush()
    record_audit(actor, "graduation.submitted", "graduation_record", record.id, household=household.id)
    db.session.commit()
    return record


def review_queue_query(coordinator: User) -> Select[tuple[GraduationRecord]]:
    """``select`` of the pending records of the coordinator's district, oldest first."""
    return (
        select(GraduationRecord)
        .join(Household, GraduationRecord.household_id == Household.id)
        .where(
            GraduationRecord.status == GraduationStatus.PENDING,
            region_within(Household.desa_code, coordinator.area_codes),
        )
        .options(joinedload(GraduationRecord.household).joinedload(Household.desa),
                 joinedload(GraduationRecord.submitted_by))
        .order_by(GraduationRecord.created_at, GraduationRecord.id)
    )


def review_queue(coordinator: User) -> list[GraduationRecord]:
    """The records waiting for this coordinator."""
    if coordinator.role != Role.COORDINATOR:
        return []
    return list(db.session.scalars(review_queue_query(coordinator)).unique())


def recent_reviews(coordinator: User, limit: int = 20) -> list[GraduationRecord]:
    """The latest approved or rejected records of the coordinator's district."""
    if coordinator.role != Role.COORDINATOR:
        return []
    return list(
        db.session.scalars(
            select(GraduationRecord)
            .join(Household, GraduationRecord.household_id == Household.id)
            .where(
                GraduationRecord.status != GraduationStatus.PENDING,
                region_within(Household.desa_code, coordinator.area_codes),
            )
            .order_by(GraduationRecord.approved_at.desc(), GraduationRecord.id.desc())
            .limit(limit)
        )
    )


def visible_record(user: User, record_id: int) -> GraduationRecord | None:
    """The record if ``user`` is its household's facilitator or a coordinator of its district."""
    record = db.session.get(GraduationRecord, record_id)
    if record is None:
        return None
    if can_review(user, record.household) or can_manage(user, record.household):
        return record
    return None


def records_query(user: User) -> Select[tuple[GraduationRecord]]:
    """``select`` of every record ``user`` may open (as :func:`visible_record` decides for one).

    Her own households' records for a facilitator, her district's for a coordinator, none otherwise:
    the households' own scoping, so that a record is listed exactly where its household is.
    """
    return (
        select(GraduationRecord)
        .join(Household, GraduationRecord.household_id == Household.id)
        .where(household_services.scope_condition(user))
    )


def schedule_checkins(record: GraduationRecord) -> list[GraduationCheckin]:
    """The check-ins of an approved record, added to the session (3, 6 and 12 months after graduating)."""
    checkins = [
        GraduationCheckin(
            household_id=record.household_id,
            record_id=record.id,
            months_after=months,
            due_on=add_months(record.graduated_on, months),
        )
        for months in CHECKIN_MONTHS
    ]
    db.session.add_all(checkins)
    return checkins


def approve(actor: User, record: GraduationRecord, reason: str = "", on: dt.date | None = None) -> None:
    """Approve a pending record: the household is graduated and its check-ins are scheduled; commits.

    When required checklist items do not hold, approving needs the coordinator's written ``reason``,
    which is kept on the record; a ready household is approved without one.
    """
    household = record.household
    if not can_review(actor, household):
        raise NotAllowed
    errors: dict[str, str] = {}
    if record.status != GraduationStatus.PENDING:
        errors[""] = "graduation.already_reviewed"
    missing = readiness(household, on).missing_required
    reason = reason.strip()
    if missing and not reason:
        errors["reason"] = "graduation.override_reason_required"
    elif len(reason) > MAX_TEXT:
        errors["reason"] = "graduation.too_long"
    if errors:
        raise GraduationInvalid(errors)
    record.status = GraduationStatus.APPROVED
    record.approved_by_id = actor.id
    record.approved_at = utcnow()
    record.override_reason = reason if missing else None
    household.status = HouseholdStatus.GRADUATED
    household.graduation_type = record.graduation_type
    household.graduated_on = record.graduated_on
    db.session.add(HouseholdEvent(
        household_id=household.id, actor_id=actor.id, action="graduated",
        fields=["status", "graduation_type", "graduated_on"],
    ))
    schedule_checkins(record)
    record_audit(actor, "graduation.approved", "graduation_record", record.id, household=household.id,
                 override=bool(missing), missing_required=[criterion.code for criterion in missing])
    db.session.commit()


def reject(actor: User, record: GraduationRecord, reason: str) -> None:
    """Reject a pending record with the coordinator's reason, which the facilitator reads; commits."""
    if not can_review(actor, record.household):
        raise NotAllowed
    errors: dict[str, str] = {}
    if record.status != GraduationStatus.PENDING:
        errors[""] = "graduation.already_reviewed"
    if not reason.strip():
        errors["reason"] = "graduation.reason_required"
    elif len(reason) > MAX_TEXT:
        errors["reason"] = "graduation.too_long"
    if errors:
        raise GraduationInvalid(errors)
    record.status = GraduationStatus.REJECTED
    record.rejection_reason = reason.strip()
    record.approved_by_id = actor.id
    record.approved_at = utcnow()
    record_audit(actor, "graduation.rejected", "graduation_record", record.id, household=record.household_id)
    db.session.commit()


# Check-ins ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckinRow:
    """A check-in with where it stands as of a day: ``overdue``, ``due`` (today), ``upcoming`` or ``done``."""

    checkin: GraduationCheckin
    state: str

    @property
    def household(self) -> Household:
        """The graduated household."""
        return self.checkin.household


def checkin_state(checkin: GraduationCheckin, on: dt.date) -> str:
    """Where a check-in stands on ``on``."""
    if checkin.done_on is not None:
        return "done"
    if checkin.due_on < on:
        return "overdue"
    if checkin.due_on == on:
        return "due"
    return "upcoming"


def facilitator_checkins(
    facilitator: User, on: dt.date | None = None, *, within_days: int | None = DUE_SOON_DAYS, include_done: bool = False
) -> list[CheckinRow]:
    """The facilitator's check-ins: open ones due within ``within_days`` (None: all), earliest first."""
    on = on or today()
    query = (
        select(GraduationCheckin)
        .join(Household, GraduationCheckin.household_id == Household.id)
        .where(Household.facilitator_id == facilitator.id)
        .options(joinedload(GraduationCheckin.household).joinedload(Household.desa))
        .order_by(GraduationCheckin.due_on, GraduationCheckin.id)
    )
    if not include_done:
        query = query.where(GraduationCheckin.done_on.is_(None))
    if within_days is not None:
        query = query.where(GraduationCheckin.due_on <= on + dt.timedelta(days=within_days))
    return [CheckinRow(checkin, checkin_state(checkin, on)) for checkin in db.session.scalars(query)]


def checkins_of(household: Household) -> list[GraduationCheckin]:
    """A household's check-ins, earliest first."""
    return list(
        db.session.scalars(
            select(GraduationCheckin)
            .where(GraduationCheckin.household_id == household.id)
            .order_by(GraduationCheckin.due_on, GraduationCheckin.id)
        )
    )


def visible_checkin(user: User, checkin_id: int) -> GraduationCheckin | None:
    """The check-in if ``user`` is its household's facilitator, else None."""
    checkin = db.session.get(GraduationCheckin, checkin_id)
    if checkin is None or not can_manage(user, checkin.household):
        return None
    return checkin


CHECKIN_STATES = ("overdue", "due", "upcoming", "done")


def checkins_query(user: User) -> Select[tuple[GraduationCheckin]]:
    """``select`` of the check-ins ``user`` may open (as :func:`visible_checkin` decides for one).

    Only a facilitator records check-ins, those of her own households inside her area.
    """
    query = select(GraduationCheckin).join(Household, GraduationCheckin.household_id == Household.id)
    if user.role != Role.FACILITATOR:
        return query.where(false())
    return query.where(household_services.scope_condition(user))


def checkin_state_condition(state: str, on: dt.date) -> ColumnElement[bool]:
    """SQL twin of :func:`checkin_state`: the check-ins standing in ``state`` on ``on`` (``open``: not done)."""
    due_on, open_ = GraduationCheckin.due_on, GraduationCheckin.done_on.is_(None)
    conditions: dict[str, ColumnElement[bool]] = {
        "open": open_,
        "done": GraduationCheckin.done_on.is_not(None),
        "overdue": and_(open_, due_on < on),
        "due": and_(open_, due_on == on),
        "upcoming": and_(open_, due_on > on),
    }
    return conditions[state]


@dataclass
class CheckinData:
    """What the facilitator found on a follow-up visit."""

    done_on: dt.date | None
    monthly_income: int | None = None
    note: str = ""


def record_checkin(actor: User, checkin: GraduationCheckin, data: CheckinData, on: dt.date | None = None) -> None:
    """Record (or correct) a follow-up visit and commit."""
    if not can_manage(actor, checkin.household):
        raise NotAllowed
    on = on or today()
    errors: dict[str, str] = {}
    if data.done_on is None:
        errors["done_on"] = "graduation.visit_date_required"
    elif data.done_on > on:
        errors["done_on"] = "graduation.date_future"
    elif data.done_on < checkin.record.graduated_on:
        errors["done_on"] = "graduation.visit_before_graduation"
    if data.monthly_income is not None and not 0 <= data.monthly_income <= MAX_INCOME:
        errors["monthly_income"] = "graduation.income_range"
    if len(data.note or "") > MAX_TEXT:
        errors["note"] = "graduation.too_long"
    if errors:
        raise GraduationInvalid(errors)
    checkin.done_on = data.done_on
    checkin.monthly_income = data.monthly_income
    checkin.note = (data.note or "").strip() or None
    checkin.recorded_by_id = actor.id
    db.session.commit()


def checkins_to_notify(on: dt.date | None = None, facilitator: User | None = None) -> list[GraduationCheckin]:
    """Open check-ins due by ``on`` whose facilitator has not been told yet (only hers if given)."""
    on = on or today()
    query = (
        select(GraduationCheckin)
        .join(Household, GraduationCheckin.household_id == Household.id)
        .where(
            GraduationCheckin.done_on.is_(None),
            GraduationCheckin.notified_on.is_(None),
            GraduationCheckin.due_on <= on,
            Household.facilitator_id.is_not(None),
        )
        .options(joinedload(GraduationCheckin.household).joinedload(Household.facilitator))
        .order_by(GraduationCheckin.due_on, GraduationCheckin.id)
    )
    if facilitator is not None:
        query = query.where(Household.facilitator_id == facilitator.id)
    return list(db.session.scalars(query))


def notify_due(on: dt.date | None = None, facilitator: User | None = None) -> int:
    """Tell each facilitator of her check-ins that have come due, once each; commit and return how many.

    The daily ``flask graduation notify-due`` covers everyone; the facilitator's home page calls
    it for her alone so that the bell is right even where the daily job is not scheduled.
    """
    on = on or today()
    due = checkins_to_notify(on, facilitator)
    for checkin in due:
        household = checkin.household
        notify(household.facilitator, Kind.CHECKIN_DUE, household=household, months=checkin.months_after,
               due_on=checkin.due_on.isoformat())
        checkin.notified_on = on
    if due:
        db.session.commit()
    return len(due)
