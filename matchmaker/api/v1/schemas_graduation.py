"""Marshmallow schemas of ``/api/v1/graduation``: graduation records and follow-up check-ins.

Types only, as in :mod:`.schemas`: what a value must mean (a date not in the future, a reason
when the checklist fails) is checked by the graduation pages' forms and services.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from ...graduation.services import CHECKIN_STATES
from ...models import GraduationStatus
from .schemas import ListArgsSchema

ONE_OF = _l("Choose one of: {choices}.")


class RecordFilterSchema(ListArgsSchema):
    """Narrow the records: by approval state, by household."""

    status = fields.String(
        validate=validate.OneOf(GraduationStatus.ALL, error=ONE_OF),
        metadata={"description": "pending (waiting for a coordinator), approved or rejected."},
    )
    household_id = fields.Integer(metadata={"description": "Only this household's records."})


class CheckinFilterSchema(ListArgsSchema):
    """Narrow the check-ins: by where they stand today, by household."""

    state = fields.String(
        validate=validate.OneOf(("open", *CHECKIN_STATES), error=ONE_OF),
        metadata={"description": "open (not done: overdue, due or upcoming), overdue, due (today), upcoming "
                                 "or done."},
    )
    household_id = fields.Integer(metadata={"description": "Only this household's check-ins."})


class CheckinBriefSchema(Schema):
    """A check-in as the graduation record's page lists it."""

    id = fields.Integer(required=True)
    months_after = fields.Integer(required=True, metadata={"description": "3, 6 or 12 months after graduating."})
    due_on = fields.Date(required=True)
    done_on = fields.Date(required=True, allow_none=True)
    monthly_income = fields.Integer(required=True, allow_none=True, metadata={"description": "Rupiah a month."})
    state = fields.String(required=True, metadata={"description": "overdue, due, upcoming or done, as of today."})


class CriterionSchema(Schema):
    """One item of the readiness checklist and whether it holds (null: not confirmed yet)."""

    code = fields.String(required=True)
    label = fields.String(required=True, metadata={"description": "In the caller's language."})
    weight = fields.Integer(required=True)
    required = fields.Boolean(required=True)
    holds = fields.Boolean(required=True, allow_none=True)


class ReadinessSchema(Schema):
    """The household's readiness checklist today, as the record's page shows it."""

    score = fields.Integer(required=True, metadata={"description": "0 to 100."})
    ready = fields.Boolean(required=True, metadata={"description": "Every required item holds."})
    natural_possible = fields.Boolean(required=True, metadata={"description": "No PKH component is left."})
    missing_required = fields.List(fields.String(), required=True,
                                   metadata={"description": "Codes of the required items that do not hold: "
                                                            "approving then needs a reason."})
    items = fields.List(fields.Nested(CriterionSchema), required=True)


class AssessmentSchema(Schema):
    """What her facilitator confirmed for the checklist where the data cannot tell (null: not confirmed)."""

    household_size = fields.Integer(allow_none=True, load_default=None)
    children_in_school = fields.String(allow_none=True, load_default=None,
                                       metadata={"description": "all_attend, not_all or none_of_age."})
    monthly_income = fields.Integer(allow_none=True, load_default=None, metadata={"description": "Rupiah a month."})
    income_since = fields.Date(allow_none=True, load_default=None)
    livelihood_since = fields.Date(allow_none=True, load_default=None,
                                   metadata={"description": "Own business or job found outside the app."})


class ChecklistSchema(Schema):
    """A household's readiness checklist: her facilitator's confirmations and what they add up to today."""

    household_id = fields.Integer(required=True)
    assessment = fields.Nested(AssessmentSchema, required=True)
    readiness = fields.Nested(ReadinessSchema, required=True)


class RecordSummarySchema(Schema):
    """A graduation record in a list."""

    id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    household_name = fields.String(required=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"description": "pending, approved or rejected."})
    graduation_type = fields.String(required=True, metadata={"description": "sejahtera_mandiri or alamiah."})
    graduated_on = fields.Date(required=True)
    submitted_by_id = fields.Integer(required=True, allow_none=True)
    reviewed_by_id = fields.Integer(required=True, allow_none=True)
    reviewed_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class RecordPageSchema(Schema):
    """One page of graduation records and the cursor of the next one (null on the last page)."""

    items = fields.List(fields.Nested(RecordSummarySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class RecordSchema(RecordSummarySchema):
    """A graduation record, as on its page: the evidence, the review, the check-ins and today's checklist."""

    evidence = fields.String(required=True)
    rejection_reason = fields.String(required=True, allow_none=True,
                                     metadata={"description": "Why the coordinator sent it back."})
    override_reason = fields.String(required=True, allow_none=True,
                                    metadata={"description": "Why the coordinator approved it although required "
                                                             "checklist items did not hold."})
    checkins = fields.List(fields.Nested(CheckinBriefSchema), required=True)
    readiness = fields.Nested(ReadinessSchema, required=True)


class SubmissionSchema(Schema):
    """A facilitator's graduation of a household, for a coordinator's approval (the graduate form's fields)."""

    graduation_type = fields.String(required=True, metadata={"description": "sejahtera_mandiri or alamiah."})
    graduated_on = fields.Date(required=True)
    evidence = fields.String(required=True, metadata={"description": "What shows that the household can graduate."})
    confirm_not_ready = fields.Boolean(
        load_default=False,
        metadata={"description": "Submit a self-reliant graduation although required checklist items do not "
                                 "all hold yet (explain why in the evidence)."},
    )


class ApprovalSchema(Schema):
    """A coordinator's approval: a reason is needed when required checklist items do not hold (an override)."""

    reason = fields.String(load_default="", metadata={"description": "Kept with the record."})


class RejectionSchema(Schema):
    """A coordinator sends the graduation back, with the reason the facilitator reads."""

    reason = fields.String(required=True)


class CheckinSchema(CheckinBriefSchema):
    """A follow-up visit of a graduated household (her facilitator's)."""

    record_id = fields.Integer(required=True)
    household_id = fields.Integer(required=True)
    household_name = fields.String(required=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    recorded_by_id = fields.Integer(required=True, allow_none=True)


class CheckinPageSchema(Schema):
    """One page of check-ins (earliest due first) and the cursor of the next one (null on the last page)."""

    items = fields.List(fields.Nested(CheckinSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class VisitSchema(Schema):
    """What she found on the visit (the check-in form's fields); sending it again corrects it."""

    done_on = fields.Date(required=True, metadata={"description": "The day of the visit."})
    monthly_income = fields.Integer(allow_none=True, load_default=None, metadata={"description": "Rupiah a month."})
    note = fields.String(load_default="")
