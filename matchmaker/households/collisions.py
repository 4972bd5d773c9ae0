"""NIKs held by another facilitator's household: one neutral answer, a case for the coordinator, a daily limit.

Why: a facilitator may register a woman whose desa lies in her area, whatever her NIK's
prefix (people move). Saying "this NIK belongs to another facilitator's KPM" turned the
new-household form and, at scale, the import preview into an oracle: upload 50,000 NIKs and
read which are PKH households of someone else's caseload.

What a facilitator is told about a NIK that is not in her own caseload:

* free (no household has it): it can be registered;
* held by any other household: "cannot be registered now; the coordinator will look into
  it" — the same words whoever and wherever the holder is — and a :class:`NikCollision` case
  opens for the coordinator with what she submitted (audited, ``household.nik_collision``);
* once she has opened :data:`limit` cases in the last 24 hours, *every* NIK not in her own
  caseload, held or free, gets "daily limit of NIK checks reached" and nothing is recorded
  for it (one ``household.nik_check_limit`` audit event per refused form or import).

How much this leaks, per facilitator and 24 hours: answers are given in order (a sheet is
read top to bottom), and each answer before the limit is either "free" or one of at most
``limit`` "held" answers. After the limit nothing depends on the database any more: the
limit message is the same for held and free NIKs, so the rest of a 50,000-row sheet reveals
nothing, and the row where the limit starts is the row of a "held" answer she already got.
So at most ``limit`` held NIKs a day are identified, each one named to the coordinator as a
case she opened. "Free" answers reveal only that a NIK can be registered — the purpose of
the form and the import — and registering it puts the woman in her caseload, in view of her
coordinator. A NIK she already has an open case for is answered "cannot be registered now"
again (she learned that already) without counting a second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..audit import record_audit
from ..extensions import db
from ..models import (
    Household,
    HouseholdEvent,
    NikCollision,
    NikCollisionStatus,
    Role,
    User,
    utcnow,
)
from ..notifications import Kind, notify
from ..refusals import Refusal
from ..scoping import code_within, region_within

WINDOW = dt.timedelta(hours=24)
DEFAULT_LIMIT = 20
# What the coordinator needs to compare her submission with the household that holds the NIK.
SUBMITTED_KEYS = ("nik", "full_name", "birth_date", "desa_code", "kk_number", "phone", "address")

FREE = "free"
REFUSED = "refused"  # held elsewhere: the neutral answer, a case for the coordinator
LIMIT = "limit"  # the daily limit is reached: no NIK outside her caseload is checked


def limit() -> int:
    """How many cases one facilitator may open in 24 hours (``NIK_COLLISION_DAILY_LIMIT``)."""
    return int(current_app.config.get("NIK_COLLISION_DAILY_LIMIT", DEFAULT_LIMIT))


def _submitted(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key in SUBMITTED_KEYS:
        value = values.get(key)
        if value not in (None, ""):
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


class NikGate:
    """Answers, in order, whether NIKs outside a facilitator's caseload may be registered.

    One gate serves one form submission or one import analysis; cases and audit events are
    added to the session and the caller commits them (see the module docstring for why).
    """

    def __init__(self, facilitator: User, source: str, now: dt.datetime | None = None) -> None:
        self.facilitator = facilitator
        self.source = source
        self.now = now or utcnow()
        self.limit = limit()
        # Her other requests wait here (a row lock on PostgreSQL; SQLite serialises writers
        # itself), so that two uploads at once cannot each spend the whole limit.
        db.session.execute(select(User.id).where(User.id == facilitator.id).with_for_update())
        self.used = int(db.session.scalar(
            select(func.count()).select_from(NikCollision)
            .where(NikCollision.requester_id == facilitator.id, NikCollision.created_at >= self.now - WINDOW)
        ) or 0)
        self.open_cases = dict(db.session.execute(
            select(NikCollision.household_id, NikCollision.id)
            .where(NikCollision.requester_id == facilitator.id, NikCollision.status == NikCollisionStatus.OPEN)
        ).all())
        self.refused_at_limit = 0
        self.opened: list[NikCollision] = []

    @property
    def exhausted(self) -> bool:
        """Whether no more NIKs outside her caseload are checked in this window."""
        return self.used >= self.limit

    def check(self, holder: Household | None, values: dict[str, Any], *,
              answered_free: bool = False) -> tuple[str, int | None]:
        """``(FREE | REFUSED | LIMIT, case id)`` for a NIK not in her caseload, held by ``holder`` or free.

        ``answered_free``: she was already told this NIK is free (the preview of the upload she
        now confirms), so the limit does not hide it again; should it have been taken since,
        the case opens all the same.
        """
        if holder is not None and holder.id in self.open_cases:
            return REFUSED, self.open_cases[holder.id]
        if self.exhausted and not answered_free:
            self.refused_at_limit += 1
            return LIMIT, None
        if holder is None:
            return FREE, None
        case = NikCollision(
            requester_id=self.facilitator.id, household_id=holder.id, holder_id=holder.facilitator_id,
            source=self.source, desa_code=values["desa_code"], submitted=_submitted(values),
            status=NikCollisionStatus.OPEN, created_at=self.now,
        )
        db.session.add(case)
        db.session.flush()
        record_audit(self.facilitator, "household.nik_collision", "nik_collision", case.id,
                     household=holder.id, source=self.source)
        self.used += 1
        self.open_cases[holder.id] = case.id
        self.opened.append(case)
        return REFUSED, case.id

    def finish(self) -> None:
        """Write the one audit event of a refusal at the limit (if any NIK was refused for it)."""
        if self.refused_at_limit:
            record_audit(self.facilitator, "household.nik_check_limit", None, None, source=self.source,
                         refused=self.refused_at_limit, limit=self.limit)


# The coordinator's cases ---------------------------------------------------------------------


def scope_condition(user: User):
    """SQL condition of the cases ``user`` sees: either side's desa in a coordinator's area; all for the admin."""
    if user.role == Role.ADMIN:
        return NikCollision.id.is_not(None)
    household_desa = select(Household.desa_code).where(Household.id == NikCollision.household_id).scalar_subquery()
    return or_(region_within(NikCollision.desa_code, user.area_codes), region_within(household_desa, user.area_codes))


def can_view(user: User, case: NikCollision) -> bool:
    """Whether ``user`` (a coordinator of either side's desa, or the admin) may open ``case``."""
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.COORDINATOR:
        return False
    return code_within(case.desa_code, user.area_codes) or code_within(case.household.desa_code, user.area_codes)


def can_see_identity(user: User) -> bool:
    """Full NIKs and phones of a case are for the coordinator; the admin reads them masked."""
    return user.role == Role.COORDINATOR


def cases_for(user: User, status: str = NikCollisionStatus.OPEN, limit_rows: int = 200) -> list[NikCollision]:
    """The cases in ``status`` that ``user`` sees, oldest open first (newest first once decided)."""
    order = NikCollision.created_at.asc() if status == NikCollisionStatus.OPEN else NikCollision.resolved_at.desc()
    return list(db.session.scalars(
        select(NikCollision)
        .where(NikCollision.status == status, scope_condition(user))
        .options(selectinload(NikCollision.requester), selectinload(NikCollision.household),
                 selectinload(NikCollision.desa))
        .order_by(order, NikCollision.id)
        .limit(limit_rows)
    ))


def open_count(user: User) -> int:
    """How many open cases ``user`` sees."""
    return int(db.session.scalar(
        select(func.count()).select_from(NikCollision)
        .where(NikCollision.status == NikCollisionStatus.OPEN, scope_condition(user))
    ) or 0)


def get_visible_case(user: User, case_id: int) -> NikCollision | None:
    """The case if ``user`` may open it, else None (the view answers 404)."""
    case = db.session.get(NikCollision, case_id)
    if case is None or not can_view(user, case):
        return None
    return case


class CollisionError(Refusal):
    """A decision that cannot be taken; ``code`` is ``"decided"`` or ``"note_required"`` or ``"not_facilitator"``."""


@dataclass(frozen=True)
class Decision:
    """What the coordinator decided: ``transferred`` or ``rejected``, with a note."""

    status: str
    note: str = ""


def decide(actor: User, case: NikCollision, decision: Decision) -> None:
    """Close ``case``: transfer the household to the requesting facilitator, or keep it (a correction); commits.

    A transfer makes her the household's facilitator and moves the household to the desa she
    submitted (in her area: the woman moved). Both facilitators are notified; the decision is
    audited and kept in the household's history.
    """
    if case.status != NikCollisionStatus.OPEN:
        raise CollisionError("decided")
    if decision.status not in NikCollisionStatus.DECISIONS:
        raise CollisionError("decided")
    note = decision.note.strip()
    if decision.status == NikCollisionStatus.REJECTED and not note:
        raise CollisionError("note_required")
    household = case.household
    requester = case.requester
    holder = household.facilitator
    if decision.status == NikCollisionStatus.TRANSFERRED:
        if requester.role != Role.FACILITATOR or not code_within(case.desa_code, requester.area_codes):
            raise CollisionError("not_facilitator")
        household.facilitator_id = requester.id
        fields = ["facilitator"]
        if household.desa_code != case.desa_code:
            household.desa_code = case.desa_code
            fields.append("desa_code")
        db.session.add(HouseholdEvent(household_id=household.id, actor_id=actor.id, action="transferred",
                                      fields=fields))
    case.status = decision.status
    case.resolution_note = note or None
    case.resolved_by_id = actor.id
    case.resolved_at = utcnow()
    record_audit(actor, "household.nik_collision_decided", "nik_collision", case.id, household=household.id,
                 decision=decision.status)
    if decision.status == NikCollisionStatus.TRANSFERRED:
        notify(requester, Kind.NIK_TRANSFERRED_IN, household=household, case=case.id)
        if holder is not None and holder.id != requester.id:
            notify(holder, Kind.NIK_TRANSFERRED_OUT, household=household, case=case.id)
    else:
        # No household on her notification: she must not learn whose it is.
        notify(requester, Kind.NIK_KEPT, case=case.id)
        if holder is not None:
            notify(holder, Kind.NIK_CHECKED, household=household, case=case.id)
    db.session.commit()
