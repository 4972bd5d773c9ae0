"""Marshmallow schemas of ``/api/v1/dashboards``: the dashboards' figures, with their period stated.

A district's data office pulls these figures into its own reports: each answer says which year
"graduated this year" counts and on which day (in the installation's time zone) the counts were taken.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ...main.dashboards import SORT_KEYS
from ...models import HouseholdStatus, MatchStatus
from .schemas import ListArgsSchema

SORTS = tuple(key for name in SORT_KEYS for key in (name, f"-{name}"))

ByStatusSchema = Schema.from_dict(
    {status: fields.Integer(required=True) for status in HouseholdStatus.ALL}, name="HouseholdsByStatusSchema"
)
MatchesByStateSchema = Schema.from_dict(
    {status: fields.Integer(required=True) for status in MatchStatus.ALL}, name="MatchesByStateSchema"
)


class PeriodSchema(Schema):
    """When the figures hold: counts as of ``as_of``; "graduated this year" counts graduations in ``year``."""

    year = fields.Integer(required=True, metadata={"description": "The calendar year of graduated_this_year and "
                                                                  "of the target."})
    as_of = fields.Date(required=True, metadata={"description": "The day the counts were taken (caseloads, "
                                                                "check-ins due), in time_zone."})
    time_zone = fields.String(required=True, metadata={"description": "The installation's time zone, e.g. "
                                                                      "Asia/Jakarta."})
    target_share_percent = fields.Integer(required=True, metadata={"description": "The yearly target: this share "
                                                                                  "of the caseload, rounded up."})


class FiguresSchema(Schema):
    """The caseload figures of one line (a facilitator, a kecamatan) or of a whole dashboard."""

    households = fields.Integer(required=True, metadata={"description": "Households in the caseload or area."})
    by_status = fields.Nested(ByStatusSchema, required=True)
    graduated_this_year = fields.Integer(required=True,
                                         metadata={"description": "Graduated (approved) with a graduation date in "
                                                                  "period.year."})
    target = fields.Integer(required=True, metadata={"description": "Households to graduate in period.year."})
    progress_percent = fields.Integer(required=True, metadata={"description": "graduated_this_year as a share of "
                                                                              "target, 0 to 100."})
    without_proposal = fields.Integer(required=True, metadata={"description": "Active or in progress households "
                                                                              "without any match."})
    checkins_due = fields.Integer(required=True, metadata={"description": "Check-ins not done and due by "
                                                                          "period.as_of (overdue or due that day)."})


class ScopeSchema(Schema):
    """Whose figures these are: the caller's own caseload (a facilitator) or her area (a coordinator)."""

    role = fields.String(required=True)
    area_codes = fields.List(fields.String(), required=True,
                             metadata={"description": "Region codes of the caller's areas."})


class SummarySchema(Schema):
    """The headline figures of the caller's dashboard."""

    period = fields.Nested(PeriodSchema, required=True)
    scope = fields.Nested(ScopeSchema, required=True)
    figures = fields.Nested(FiguresSchema, required=True)
    matches_by_state = fields.Nested(MatchesByStateSchema, required=True)
    pending_graduations = fields.Integer(required=True,
                                         metadata={"description": "Graduation records waiting for a coordinator."})


class FacilitatorLineSchema(FiguresSchema):
    """A facilitator's line of the coordinator's table."""

    facilitator_id = fields.Integer(required=True)
    name = fields.String(required=True)
    areas = fields.String(required=True, metadata={"description": "Her assigned areas, by name."})


class KecamatanLineSchema(FiguresSchema):
    """A kecamatan's line of the coordinator's table."""

    code = fields.String(required=True, metadata={"description": "The kecamatan's code, e.g. 32.01.16."})
    name = fields.String(required=True)


class LinesArgsSchema(ListArgsSchema):
    """Paging and the order of the table's lines, as on the dashboard."""

    sort = fields.String(
        validate=validate.OneOf(SORTS, error=_l("Choose one of: {choices}.")),
        metadata={"description": "The column to sort by (a leading - sorts descending); progress by default."},
    )


class FacilitatorPageSchema(Schema):
    """One page of facilitator lines."""

    period = fields.Nested(PeriodSchema, required=True)
    items = fields.List(fields.Nested(FacilitatorLineSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class KecamatanPageSchema(Schema):
    """One page of kecamatan lines."""

    period = fields.Nested(PeriodSchema, required=True)
    items = fields.List(fields.Nested(KecamatanLineSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)
