"""Figures for the role home pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import db
from ..models import (
    Household,
    HouseholdStatus,
    Match,
    MatchStatus,
    Organization,
    OrgStatus,
    Role,
    User,
    UserStatus,
)
from ..scoping import region_within

GRADUATION_TARGET_SHARE = 0.10


@dataclass
class CaseloadSummary:
    """A facilitator's caseload at a glance."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    graduated_this_year: int = 0

    @property
    def target(self) -> int:
        """Households to graduate this year: 10% of the caseload, rounded up."""
        return -(-self.total * 10 // 100) if self.total else 0

    @property
    def progress_percent(self) -> int:
        """Progress toward the yearly target, capped at 100."""
        if not self.target:
            return 0
        return min(100, round(100 * self.graduated_this_year / self.target))


def caseload_summaries(facilitator_ids: list[int], year: int | None = None) -> dict[int, CaseloadSummary]:
    """Caseload figures for each facilitator in one pass over the households."""
    year = year or clock.today().year
    summaries = {fid: CaseloadSummary() for fid in facilitator_ids}
    if not facilitator_ids:
        return summaries
    rows = db.session.execute(
        select(Household.facilitator_id, Household.status, func.count())
        .where(Household.facilitator_id.in_(facilitator_ids))
        .group_by(Household.facilitator_id, Household.status)
    )
    for fid, status, count in rows:
        summary = summaries[fid]
        summary.total += count
        summary.by_status[status] = count
    graduated = db.session.execute(
        select(Household.facilitator_id, func.count())
        .where(
            Household.facilitator_id.in_(facilitator_ids),
            Household.status == HouseholdStatus.GRADUATED,
            Household.graduated_on >= dt.date(year, 1, 1),
            Household.graduated_on <= dt.date(year, 12, 31),
        )
        .group_by(Household.facilitator_id)
    )
    for fid, count in graduated:
        summaries[fid].graduated_this_year = count
    return summaries


def recent_households(facilitator: User, limit: int = 8) -> list[Household]:
    """The facilitator's most recently updated households."""
    return list(
        db.session.scalars(
            select(Household)
            .where(Household.facilitator_id == facilitator.id)
            # The list names each one's desa: one query for all of them, not one per desa.
            .options(selectinload(Household.desa))
            .order_by(Household.updated_at.desc(), Household.id.desc())
            .limit(limit)
        )
    )


def match_pipeline(facilitator_ids: list[int]) -> dict[str, int]:
    """How many matches of these facilitators' households are in each state."""
    rows = db.session.execute(
        select(Match.status, func.count())
        .join(Household, Match.household_id == Household.id)
        .where(Household.facilitator_id.in_(facilitator_ids))
        .group_by(Match.status)
    )
    counts = dict.fromkeys(MatchStatus.ALL, 0)
    counts.update({status: count for status, count in rows})
    return counts


def facilitators_in_area(coordinator: User) -> list[User]:
    """The facilitators whose assigned areas lie in the coordinator's district."""
    facilitators = db.session.scalars(
        select(User).where(User.role == Role.FACILITATOR).order_by(User.name)
    ).all()
    if coordinator.role == Role.ADMIN:
        return list(facilitators)
    areas = coordinator.area_codes
    return [
        facilitator
        for facilitator in facilitators
        if any(code == area or code.startswith(area + ".") for code in facilitator.area_codes for area in areas)
    ]


def pending_organizations_count(coordinator: User) -> int:
    """Organizations waiting for this coordinator's verification."""
    query = select(func.count()).select_from(Organization).where(Organization.status == OrgStatus.PENDING)
    if coordinator.role != Role.ADMIN:
        query = query.where(region_within(Organization.desa_code, coordinator.area_codes))
    return db.session.scalar(query) or 0


def users_by_role() -> dict[str, int]:
    """Active accounts per role, for the administrator."""
    rows = db.session.execute(
        select(User.role, func.count()).where(User.status == UserStatus.ACTIVE).group_by(User.role)
    )
    counts = dict.fromkeys(Role.ALL, 0)
    counts.update({role: count for role, count in rows})
    return counts
