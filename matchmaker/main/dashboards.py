"""The dashboards' figures: a facilitator's caseload, a coordinator's district, a partner's programs.

Counts are made in SQL grouped by facilitator or kecamatan, so that a district of tens of
thousands of households costs a handful of queries. The tables here are also what the
"Unduh .xlsx" links write (see :func:`export_table`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, exists, func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..audit import record_audit
from ..extensions import db
from ..graduation import services as graduation_services
from ..labels import label
from ..models import (
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    Household,
    HouseholdStatus,
    Match,
    MatchEvent,
    MatchStatus,
    Offer,
    Organization,
    OrgStatus,
    Region,
    Role,
    User,
)
from ..partners import services as partner_services
from ..scoping import region_within
from .services import CaseloadSummary, caseload_summaries, facilitators_in_area, match_pipeline
from .xlsx import table_workbook

CONFIRMED_STATUSES = (MatchStatus.STARTED, MatchStatus.COMPLETED)
# Households still on their way: the ones that need a proposal.
OPEN_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.IN_PROGRESS)
UNMATCHED_SHOWN = 20
# Length of a kecamatan code ("32.01.16"): the desa code starts with it.
KECAMATAN_CODE_LENGTH = 8


def _no_match() -> ColumnElement[bool]:
    return and_(
        Household.status.in_(OPEN_STATUSES),
        ~exists(select(Match.id).where(Match.household_id == Household.id)),
    )


# Facilitator -----------------------------------------------------------------------------


@dataclass
class FacilitatorDashboard:
    """Everything on a facilitator's home page."""

    summary: CaseloadSummary
    pipeline: dict[str, int]
    unmatched_count: int
    unmatched: list[Household]
    checkins: list[graduation_services.CheckinRow]
    pending_graduations: int


def unmatched_households(facilitator: User, limit: int | None = None) -> list[Household]:
    """Her households on their way (active or in progress) that have no match at all, oldest first."""
    query = (
        select(Household)
        .where(Household.facilitator_id == facilitator.id, _no_match())
        .options(joinedload(Household.desa))
        .order_by(Household.created_at, Household.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def _facilitator_figures(facilitator_id: int, on: dt.date) -> tuple[CaseloadSummary, dict[str, int], int, int]:
    """The counts of a facilitator's home page: summary, match pipeline, unmatched, pending graduations."""
    unmatched_count = db.session.scalar(
        select(func.count()).select_from(Household).where(Household.facilitator_id == facilitator_id, _no_match())
    ) or 0
    pending = _pending_graduations(facilitator_id)
    summary = caseload_summaries([facilitator_id], on.year)[facilitator_id]
    return summary, match_pipeline([facilitator_id]), unmatched_count, pending


def facilitator_dashboard(facilitator: User, on: dt.date) -> FacilitatorDashboard:
    """The figures of one facilitator's caseload as of ``on``.

    The counts are cached for her (her id is in the key) until a household, match or
    graduation record changes in this process, and for :data:`~matchmaker.caching.SHORT`
    seconds at most: she sees them after every login and every return home.
    """
    from ..caching import remember

    summary, pipeline, unmatched_count, pending = remember(
        f"facilitator-figures:{facilitator.id}:{on.isoformat()}",
        lambda: _facilitator_figures(facilitator.id, on),
        tables=["household", "match", "graduation_record"],
    )
    return FacilitatorDashboard(
        summary=summary,
        pipeline=pipeline,
        unmatched_count=unmatched_count,
        unmatched=unmatched_households(facilitator, UNMATCHED_SHOWN),
        checkins=graduation_services.facilitator_checkins(facilitator, on),
        pending_graduations=pending,
    )


def pending_graduations_of(facilitator: User) -> int:
    """Her graduation records waiting for a coordinator."""
    return _pending_graduations(facilitator.id)


def _pending_graduations(facilitator_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(GraduationRecord)
        .join(Household, GraduationRecord.household_id == Household.id)
        .where(Household.facilitator_id == facilitator_id, GraduationRecord.status == GraduationStatus.PENDING)
    ) or 0


# Coordinator -------------------------------------------------------------------------------


@dataclass
class ProgressRow:
    """One line of a coordinator's table: a facilitator or a kecamatan."""

    key: str
    name: str
    detail: str
    summary: CaseloadSummary
    unmatched: int = 0
    checkins_due: int = 0

    @property
    def caseload(self) -> int:
        """Households in this line."""
        return self.summary.total


SORT_KEYS: dict[str, Callable[[ProgressRow], object]] = {
    "name": lambda row: row.name.lower(),
    "caseload": lambda row: row.summary.total,
    "graduated": lambda row: row.summary.graduated_this_year,
    # Equal progress: the bigger gap to the target first.
    "progress": lambda row: (row.summary.progress_percent, row.summary.graduated_this_year - row.summary.target),
    "unmatched": lambda row: row.unmatched,
    "checkins": lambda row: row.checkins_due,
}
DEFAULT_SORT = "progress"


def normalise_sort(value: str | None) -> str:
    """A valid sort key (``progress``, ``-progress``, ``name``...), the default for anything else."""
    if value and value.lstrip("-") in SORT_KEYS:
        return value
    return DEFAULT_SORT


def sort_rows(rows: list[ProgressRow], sort: str | None) -> list[ProgressRow]:
    """``rows`` sorted by ``sort`` (a leading ``-`` sorts descending), ties by name."""
    sort = normalise_sort(sort)
    key = SORT_KEYS[sort.lstrip("-")]
    by_name = sorted(rows, key=lambda row: row.name.lower())
    return sorted(by_name, key=key, reverse=sort.startswith("-"))  # type: ignore[arg-type, return-value]


def _area(coordinator: User) -> ColumnElement[bool]:
    return region_within(Household.desa_code, coordinator.area_codes)


def facilitator_rows(coordinator: User, on: dt.date) -> list[ProgressRow]:
    """Each facilitator of the coordinator's district with her caseload figures."""
    return progress_of_facilitators(facilitators_in_area(coordinator), on)


def facilitator_rows_for(user: User, on: dt.date) -> list[ProgressRow]:
    """The facilitator lines ``user`` may see: her own (a facilitator), her district's (a coordinator)."""
    if user.role == Role.FACILITATOR:
        return progress_of_facilitators([user], on)
    if user.role == Role.COORDINATOR:
        return facilitator_rows(user, on)
    return []


def progress_of_facilitators(facilitators: list[User], on: dt.date) -> list[ProgressRow]:
    """A line of figures for each of ``facilitators``, as of ``on``."""
    ids = [facilitator.id for facilitator in facilitators]
    summaries = caseload_summaries(ids, on.year)
    unmatched: dict[int, int] = {}
    due: dict[int, int] = {}
    if ids:
        unmatched = dict(db.session.execute(  # type: ignore[arg-type]
            select(Household.facilitator_id, func.count())
            .where(Household.facilitator_id.in_(ids), _no_match())
            .group_by(Household.facilitator_id)
        ).all())
        due = dict(db.session.execute(  # type: ignore[arg-type]
            select(Household.facilitator_id, func.count())
            .join(GraduationCheckin, GraduationCheckin.household_id == Household.id)
            .where(Household.facilitator_id.in_(ids), GraduationCheckin.done_on.is_(None),
                   GraduationCheckin.due_on <= on)
            .group_by(Household.facilitator_id)
        ).all())
    return [
        ProgressRow(
            key=str(facilitator.id),
            name=facilitator.name,
            detail=", ".join(area.display_name for area in facilitator.areas),
            summary=summaries[facilitator.id],
            unmatched=int(unmatched.get(facilitator.id, 0)),
            checkins_due=int(due.get(facilitator.id, 0)),
        )
        for facilitator in facilitators
    ]


def kecamatan_rows(coordinator: User, on: dt.date) -> list[ProgressRow]:
    """Each kecamatan of the coordinator's district that has households, with its figures."""
    kecamatan = func.substr(Household.desa_code, 1, KECAMATAN_CODE_LENGTH)
    area = _area(coordinator)
    summaries: dict[str, CaseloadSummary] = {}
    for code, status, count in db.session.execute(
        select(kecamatan, Household.status, func.count()).where(area).group_by(kecamatan, Household.status)
    ):
        summary = summaries.setdefault(code, CaseloadSummary())
        summary.total += count
        summary.by_status[status] = count
    for code, count in db.session.execute(
        select(kecamatan, func.count())
        .where(
            area,
            Household.status == HouseholdStatus.GRADUATED,
            Household.graduated_on >= dt.date(on.year, 1, 1),
            Household.graduated_on <= dt.date(on.year, 12, 31),
        )
        .group_by(kecamatan)
    ):
        summaries[code].graduated_this_year = count
    unmatched = dict(db.session.execute(  # type: ignore[arg-type]
        select(kecamatan, func.count()).where(area, _no_match()).group_by(kecamatan)
    ).all())
    due = dict(db.session.execute(  # type: ignore[arg-type]
        select(kecamatan, func.count())
        .join(GraduationCheckin, GraduationCheckin.household_id == Household.id)
        .where(area, GraduationCheckin.done_on.is_(None), GraduationCheckin.due_on <= on)
        .group_by(kecamatan)
    ).all())
    regions = {
        region.code: region for region in db.session.scalars(select(Region).where(Region.code.in_(list(summaries))))
    }
    return [
        ProgressRow(
            key=code,
            name=regions[code].display_name if code in regions else code,
            detail="",
            summary=summary,
            unmatched=int(unmatched.get(code, 0)),
            checkins_due=int(due.get(code, 0)),
        )
        for code, summary in summaries.items()
    ]


def area_pipeline(coordinator: User) -> dict[str, int]:
    """How many matches of the district's households are in each state."""
    counts = dict.fromkeys(MatchStatus.ALL, 0)
    counts.update(dict(db.session.execute(  # type: ignore[arg-type]
        select(Match.status, func.count())
        .join(Household, Match.household_id == Household.id)
        .where(_area(coordinator))
        .group_by(Match.status)
    ).all()))
    return counts


@dataclass(frozen=True)
class PartnerRow:
    """A partner organization with its number of confirmed (started or completed) matches."""

    organization: Organization
    confirmed: int


def partner_rows(coordinator: User) -> list[PartnerRow]:
    """Active partners located in the coordinator's district, most confirmed matches first."""
    confirmed = (
        select(Offer.organization_id.label("organization_id"), func.count(Match.id).label("n"))
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.status.in_(CONFIRMED_STATUSES))
        .group_by(Offer.organization_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Organization, func.coalesce(confirmed.c.n, 0))
        .outerjoin(confirmed, confirmed.c.organization_id == Organization.id)
        .where(Organization.status == OrgStatus.ACTIVE, region_within(Organization.desa_code, coordinator.area_codes))
        .options(joinedload(Organization.desa))
    )
    result = [PartnerRow(organization, int(count)) for organization, count in rows]
    result.sort(key=lambda row: (-row.confirmed, row.organization.name.lower()))
    return result


@dataclass
class CoordinatorDashboard:
    """Everything on a coordinator's home page."""

    facilitators: list[ProgressRow]
    kecamatan: list[ProgressRow]
    pipeline: dict[str, int]
    partners: list[PartnerRow]
    pending_graduations: int
    totals: CaseloadSummary = field(default_factory=CaseloadSummary)


def coordinator_dashboard(coordinator: User, on: dt.date, fsort: str | None, ksort: str | None) -> CoordinatorDashboard:
    """The figures of the coordinator's district as of ``on``, the two tables sorted as asked."""
    kecamatan = kecamatan_rows(coordinator, on)
    totals = CaseloadSummary()
    for row in kecamatan:
        totals.total += row.summary.total
        totals.graduated_this_year += row.summary.graduated_this_year
    return CoordinatorDashboard(
        facilitators=sort_rows(facilitator_rows(coordinator, on), fsort),
        kecamatan=sort_rows(kecamatan, ksort),
        pipeline=area_pipeline(coordinator),
        partners=partner_rows(coordinator),
        pending_graduations=len(graduation_services.review_queue(coordinator)),
        totals=totals,
    )


@dataclass
class AreaFigures:
    """The headline figures of a user's dashboard: her caseload (a facilitator) or her district (a coordinator)."""

    summary: CaseloadSummary
    pipeline: dict[str, int]
    unmatched: int
    checkins_due: int
    pending_graduations: int


def area_figures(user: User, on: dt.date) -> AreaFigures:
    """The figures a facilitator's or a coordinator's home page is built from, as of ``on``."""
    if user.role == Role.FACILITATOR:
        row = progress_of_facilitators([user], on)[0]
        return AreaFigures(row.summary, match_pipeline([user.id]), row.unmatched, row.checkins_due,
                           pending_graduations_of(user))
    if user.role != Role.COORDINATOR:
        return AreaFigures(CaseloadSummary(), dict.fromkeys(MatchStatus.ALL, 0), 0, 0, 0)
    totals = CaseloadSummary()
    unmatched = due = 0
    for row in kecamatan_rows(user, on):
        totals.total += row.summary.total
        totals.graduated_this_year += row.summary.graduated_this_year
        for status, count in row.summary.by_status.items():
            totals.by_status[status] = totals.by_status.get(status, 0) + count
        unmatched += row.unmatched
        due += row.checkins_due
    return AreaFigures(totals, area_pipeline(user), unmatched, due, len(graduation_services.review_queue(user)))


# Partners ----------------------------------------------------------------------------------


def program_rows(organization: Organization, on: dt.date) -> list[partner_services.OfferRow]:
    """The organization's offers with places taken, fullest first among the open ones."""
    rows = partner_services.organization_offers(organization, on)
    return sorted(rows, key=lambda row: (row.status != "open" and row.status != "full", -fill_percent(row)))


@dataclass(frozen=True)
class WaitingIntroduction:
    """An introduction sent to a partner that it has not answered yet, and since when."""

    match: Match
    since: dt.datetime


def waiting_introductions(organization: Organization) -> list[WaitingIntroduction]:
    """The introductions waiting for ``organization``'s answer, the longest-waiting first."""
    sent = (
        select(MatchEvent.match_id, func.max(MatchEvent.created_at).label("since"))
        .where(MatchEvent.to_status == MatchStatus.INTRODUCED)
        .group_by(MatchEvent.match_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Match, sent.c.since)
        .join(Offer, Match.offer_id == Offer.id)
        .join(sent, sent.c.match_id == Match.id)
        .where(Offer.organization_id == organization.id, Match.status == MatchStatus.INTRODUCED)
        .order_by(sent.c.since, Match.id)
        .options(selectinload(Match.offer))
    )
    return [WaitingIntroduction(match, since) for match, since in rows]


def fill_percent(row: partner_services.OfferRow) -> int:
    """How full an offer is, 0–100."""
    if not row.offer.places:
        return 0
    return min(100, round(100 * row.taken / row.offer.places))


# Exports ------------------------------------------------------------------------------------


class UnknownTable(LookupError):
    """No such table for this user's dashboard."""


@dataclass
class Table:
    """A dashboard table ready to be written: headers, rows, and whether it names households."""

    name: str
    headers: list[str]
    rows: list[list[object]]
    personal: bool = False


def _progress_table(name: str, first: str, rows: list[ProgressRow]) -> Table:
    return Table(name, [
        first, _("Area"), _("Households"), _("Graduated this year"), _("Target (10%)"), _("Progress (%)"),
        _("Without a proposal"), _("Check-ins due"),
    ], [
        [row.name, row.detail or row.key, row.summary.total, row.summary.graduated_this_year, row.summary.target,
         row.summary.progress_percent, row.unmatched, row.checkins_due]
        for row in rows
    ])


def _pipeline_table(pipeline: dict[str, int]) -> Table:
    return Table("pipeline", [_("State"), _("Matches")],
                 [[label("match_status", status), count] for status, count in pipeline.items()])


def dashboard_table(user: User, name: str, on: dt.date, sort: str | None = None) -> Table:
    """The table ``name`` of ``user``'s dashboard, complete (not cut to what the page shows)."""
    if user.role == Role.FACILITATOR:
        if name == "pipeline":
            return _pipeline_table(match_pipeline([user.id]))
        if name == "unmatched":
            return Table(name, [_("Name"), _("Desa/kelurahan"), _("Status"), _("Registered on")], [
                [household.full_name, household.desa.name if household.desa else household.desa_code,
                 label("household_status", household.status), clock.local_date(household.created_at)]
                for household in unmatched_households(user)
            ], personal=True)
        if name == "checkins":
            return Table(name, [_("Name"), _("Desa/kelurahan"), _("Check-in (months)"), _("Due"), _("State")], [
                [row.household.full_name, row.household.desa.name if row.household.desa else "",
                 row.checkin.months_after, row.checkin.due_on, label("checkin_state", row.state)]
                for row in graduation_services.facilitator_checkins(user, on, within_days=None)
            ], personal=True)
    if user.role == Role.COORDINATOR:
        if name == "facilitators":
            return _progress_table(name, _("Facilitator"), sort_rows(facilitator_rows(user, on), sort))
        if name == "kecamatan":
            return _progress_table(name, _("Kecamatan"), sort_rows(kecamatan_rows(user, on), sort))
        if name == "pipeline":
            return _pipeline_table(area_pipeline(user))
        if name == "partners":
            return Table(name, [_("Partner"), _("Kind"), _("Desa/kelurahan"), _("Confirmed matches")], [
                [row.organization.name, label("org_kind", row.organization.kind),
                 row.organization.desa.name if row.organization.desa else "", row.confirmed]
                for row in partner_rows(user)
            ])
    if user.role in Role.PARTNERS and user.organization is not None and name == "programs":
        return Table(name, [_("Title"), _("Kind"), _("Status"), _("Places taken"), _("Places"), _("Full (%)")], [
            [row.offer.title, label("offer_kind", row.offer.kind), label("offer_status", row.status),
             row.taken, row.offer.places, fill_percent(row)]
            for row in program_rows(user.organization, on)
        ])
    raise UnknownTable(name)


def export_table(user: User, name: str, on: dt.date, sort: str | None = None) -> bytes:
    """The table as .xlsx; an export that names households is audited (and the audit committed)."""
    table = dashboard_table(user, name, on, sort)
    content = table_workbook(table.name, table.headers, table.rows)
    if table.personal:
        record_audit(user, "dashboard.export", "dashboard", None, table=table.name, rows=len(table.rows))
        db.session.commit()
    return content
