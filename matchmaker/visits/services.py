"""Home visits: recording one (from the page or replayed from the phone's outbox) and listing them.

A visit belongs to a household of her own caseload (scoped like the household itself) and to
her; its date cannot lie in the future (her local day, :mod:`matchmaker.clock`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import today
from ..extensions import db
from ..households.services import can_edit
from ..models import HomeVisit, Household, User
from ..refusals import InvalidFields

MAX_TEXT = 4000


class VisitInvalid(InvalidFields):
    """A visit that cannot be recorded: ``errors`` maps fields to codes of :data:`.forms.MESSAGES`."""


class NotAllowed(Exception):
    """The household is not one of hers (or she is not a facilitator)."""


@dataclass
class VisitData:
    """What she wrote down about a visit, parsed by the form."""

    visited_on: dt.date | None
    notes: str = ""
    changes: str = ""


def validate(data: VisitData, on: dt.date | None = None) -> None:
    """Refuse a visit without a date, dated in the future, without notes or with over-long text."""
    on = on or today()
    errors: dict[str, str] = {}
    if data.visited_on is None:
        errors["visited_on"] = "visit.date_required"
    elif data.visited_on > on:
        errors["visited_on"] = "visit.date_future"
    if not (data.notes or "").strip():
        errors["notes"] = "visit.notes_required"
    elif len(data.notes) > MAX_TEXT:
        errors["notes"] = "visit.too_long"
    if len(data.changes or "") > MAX_TEXT:
        errors["changes"] = "visit.too_long"
    if errors:
        raise VisitInvalid(errors)


def record_visit(actor: User, household: Household, data: VisitData, *, commit: bool = True) -> HomeVisit:
    """Record a visit by ``actor`` to ``household`` (hers) and, unless told otherwise, commit.

    Raises :class:`NotAllowed` for another facilitator's household and :class:`VisitInvalid`
    for bad input; nothing is written then.
    """
    if not can_edit(actor, household):
        raise NotAllowed
    validate(data)
    visit = HomeVisit(
        household_id=household.id,
        facilitator_id=actor.id,
        visited_on=data.visited_on,
        notes=data.notes.strip(),
        changes=(data.changes or "").strip() or None,
    )
    db.session.add(visit)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return visit


def visits_of(household: Household) -> list[HomeVisit]:
    """A household's visits, the latest first."""
    return list(
        db.session.scalars(
            select(HomeVisit)
            .where(HomeVisit.household_id == household.id)
            .options(selectinload(HomeVisit.facilitator))
            .order_by(HomeVisit.visited_on.desc(), HomeVisit.id.desc())
        )
    )
