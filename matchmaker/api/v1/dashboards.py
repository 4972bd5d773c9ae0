"""``/api/v1/dashboards``: the figures of the facilitator's and the coordinator's home pages.

The same services as the pages (:mod:`matchmaker.main.dashboards`), scoped the same way: a
facilitator gets her own caseload, a coordinator her area (kecamatan or kabupaten); the other
roles, whose home pages show no caseload figures, get 403. Every answer states its period (the
year that "graduated this year" counts and the day the counts were taken).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from ... import clock
from ...auth.decorators import roles_required
from ...main import dashboards
from ...main.services import GRADUATION_TARGET_SHARE, CaseloadSummary
from ...models import HouseholdStatus, Role
from .core import decode_cursor, list_page, page_size, protect, query_fingerprint, refuse_nul
from .schemas_dashboards import (
    FacilitatorPageSchema,
    KecamatanPageSchema,
    LinesArgsSchema,
    SummarySchema,
)

blp = protect(Blueprint(
    "api_v1_dashboards", __name__, url_prefix="/api/v1/dashboards",
    description="The dashboards' figures (caseloads, graduations against the 10% target, matches by state) "
                "of the caller's caseload or area, with their period.",
))


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 422: "UNPROCESSABLE_CONTENT", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


def period(on: dt.date) -> dict[str, Any]:
    """The period the figures of ``on`` hold for."""
    return {"year": on.year, "as_of": on, "time_zone": clock.zone().key,
            "target_share_percent": round(GRADUATION_TARGET_SHARE * 100)}


def figures(summary: CaseloadSummary, unmatched: int, checkins_due: int) -> dict[str, Any]:
    """The figures of one line or dashboard."""
    return {
        "households": summary.total,
        "by_status": {status: int(summary.by_status.get(status, 0)) for status in HouseholdStatus.ALL},
        "graduated_this_year": summary.graduated_this_year,
        "target": summary.target,
        "progress_percent": summary.progress_percent,
        "without_proposal": unmatched,
        "checkins_due": checkins_due,
    }


@blp.route("/summary", methods=["GET"])
@roles_required(Role.FACILITATOR, Role.COORDINATOR)
@blp.response(200, SummarySchema)
@_problems(401, 403, 429)
def summary():
    """The headline figures of the caller's home page: her caseload (a facilitator) or her area (a coordinator)."""
    on = clock.today()
    area = dashboards.area_figures(current_user, on)
    g.api_target = ("dashboard", None)
    return {
        "period": period(on),
        "scope": {"role": current_user.role, "area_codes": sorted(current_user.area_codes)},
        "figures": figures(area.summary, area.unmatched, area.checkins_due),
        "matches_by_state": area.pipeline,
        "pending_graduations": area.pending_graduations,
    }


def _page(rows: list[dashboards.ProgressRow], on: dt.date, sort: str | None, cursor: str | None,
          limit: int | None, line) -> dict[str, Any]:
    """A page of the sorted ``rows``; the cursor holds the offset and is valid for this sort and day only."""
    refuse_nul({"cursor": cursor})
    size = page_size(limit)
    sort = dashboards.normalise_sort(sort)
    fingerprint = query_fingerprint({"sort": sort, "on": on.isoformat()})
    start = int((decode_cursor(cursor, fingerprint) or {}).get("offset") or 0)
    ordered = dashboards.sort_rows(rows, sort)
    items = ordered[start:start + size]
    more = start + size < len(ordered)
    return list_page(
        [{**line(row), **figures(row.summary, row.unmatched, row.checkins_due)} for row in items],
        {"offset": start + size} if more else None, fingerprint, size, target="dashboard", period=period(on),
    )


@blp.route("/facilitators", methods=["GET"])
@roles_required(Role.FACILITATOR, Role.COORDINATOR)
@blp.arguments(LinesArgsSchema, location="query", as_kwargs=True)
@blp.response(200, FacilitatorPageSchema)
@_problems(401, 403, 422, 429)
def facilitators(cursor: str | None = None, limit: int | None = None, sort: str | None = None):
    """Figures per facilitator: each facilitator of a coordinator's area, or a facilitator's own line."""
    on = clock.today()
    rows = dashboards.facilitator_rows_for(current_user, on)
    return _page(rows, on, sort, cursor, limit,
                 lambda row: {"facilitator_id": int(row.key), "name": row.name, "areas": row.detail})


@blp.route("/kecamatan", methods=["GET"])
@roles_required(Role.COORDINATOR)
@blp.arguments(LinesArgsSchema, location="query", as_kwargs=True)
@blp.response(200, KecamatanPageSchema)
@_problems(401, 403, 422, 429)
def kecamatan(cursor: str | None = None, limit: int | None = None, sort: str | None = None):
    """Figures per kecamatan of a coordinator's area that has households (coordinators, as on her home page)."""
    on = clock.today()
    rows = dashboards.kecamatan_rows(current_user, on)
    return _page(rows, on, sort, cursor, limit, lambda row: {"code": row.key, "name": row.name})
