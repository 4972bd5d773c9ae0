"""Marshmallow schemas of ``/api/v1``: they validate types and document the API in OpenAPI.

Types only: what a value must mean (a NIK's checksum, a desa in her area, a number's range)
is checked by the same WTForms form and services as the pages, with the same messages.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields

from ...households.services import COMPONENT_KEYS

# Marshmallow ships no Indonesian catalogue: the messages it can give for the types used here
# are listed so that the extractor puts them in ours (as matchmaker.forms does for WTForms).
MARSHMALLOW_MESSAGES = {
    "Missing data for required field.": _l("This field is required."),
    "Field may not be null.": _l("This field may not be empty (null)."),
    "Invalid value.": _l("Invalid value."),
    "Invalid type.": _l("Invalid type."),
    "Invalid input type.": _l("Invalid input type."),
    "Unknown field.": _l("Unknown field."),
    "Not a valid list.": _l("Not a valid list."),
    "Not a valid string.": _l("Not a valid string."),
    "Not a valid utf-8 string.": _l("Not a valid string."),
    "Not a valid number.": _l("Not a valid number."),
    "Number too large.": _l("Number too large."),
    "Not a valid integer.": _l("Not a valid integer value."),
    "Not a valid boolean.": _l("Not a valid boolean (use true or false)."),
    "Not a valid date.": _l("Not a valid date value."),
    "Not a valid mapping type.": _l("Not a valid object."),
    "Invalid JSON body.": _l("The body is not valid JSON."),
}


class ProblemSchema(Schema):
    """An error, as RFC 9457 ``application/problem+json``, in the caller's language."""

    type = fields.String(required=True, metadata={"description": "A URN naming the kind of problem."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(metadata={"description": "The path of the request."})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Per-field messages: field name (dotted for nested ones) to messages."},
    )


class ListArgsSchema(Schema):
    """Paging of a list: an opaque cursor from the previous page and a page size."""

    cursor = fields.String(metadata={"description": "The `next_cursor` of the previous page."})
    limit = fields.Integer(metadata={"description": "Items per page, 1 to 100 (default 25)."})


class HouseholdFilterSchema(ListArgsSchema):
    """The caseload's filters, as on the caseload page."""

    q = fields.String(metadata={"description": "A name (typos allowed) or at least 4 digits of a NIK."})
    desa = fields.String(metadata={"description": "A desa code, e.g. 32.01.16.2013."})
    status = fields.String(metadata={"description": "active, in_progress, graduated or exited."})
    skill_category = fields.String()
    work_preference = fields.String()


class HouseholdSummarySchema(Schema):
    """A household in a list: the NIK masked, as on the caseload page."""

    id = fields.Integer(required=True)
    full_name = fields.String(required=True)
    nik_masked = fields.String(required=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    status = fields.String(required=True)
    work_preference = fields.String(required=True)
    facilitator_id = fields.Integer(required=True, allow_none=True)


class HouseholdPageSchema(Schema):
    """One page of households and the cursor of the next one (null on the last page)."""

    items = fields.List(fields.Nested(HouseholdSummarySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


ComponentsSchema = Schema.from_dict(
    {key: fields.Integer() for key in COMPONENT_KEYS}, name="HouseholdComponentsSchema"
)


class HouseholdSchema(Schema):
    """A household profile. Identity (NIK, KK, phone, birth date) is full for those who see it on
    her page and masked (birth date null) for anyone else; ``identity_shown`` says which."""

    id = fields.Integer(required=True)
    identity_shown = fields.Boolean(required=True)
    nik = fields.String(required=True)
    kk_number = fields.String(required=True, allow_none=True)
    full_name = fields.String(required=True)
    birth_date = fields.Date(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    facilitator_id = fields.Integer(required=True, allow_none=True)
    pkh_participant_id = fields.String(required=True, allow_none=True)
    components = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    year_joined = fields.Integer(required=True, allow_none=True)
    skills_text = fields.String(required=True)
    skills = fields.List(fields.String(), required=True, metadata={"description": "Canonical skill slugs."})
    interests = fields.String(required=True)
    work_experience = fields.String(required=True)
    business_experience = fields.String(required=True)
    work_preference = fields.String(required=True)
    hours_per_week = fields.Integer(required=True, allow_none=True)
    travel_range = fields.String(required=True)
    home_based_only = fields.Boolean(required=True)
    constraints = fields.List(fields.String(), required=True)
    assets = fields.List(fields.String(), required=True)
    assets_text = fields.String(required=True)
    income_bracket = fields.String(required=True, allow_none=True)
    has_savings = fields.Boolean(required=True)
    status = fields.String(required=True)
    graduation_type = fields.String(required=True, allow_none=True)
    graduated_on = fields.Date(required=True, allow_none=True)
    likely_duplicate_of_id = fields.Integer(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class HouseholdWriteSchema(Schema):
    """A profile to create, or the fields to change (PATCH): the household form's fields.

    Creating needs ``nik``, ``full_name``, ``birth_date`` and ``desa_code``; the rest are
    optional. ``status`` may be ``active`` or ``exited``; graduation follows the workflow.
    """

    nik = fields.String()
    kk_number = fields.String(allow_none=True)
    full_name = fields.String()
    birth_date = fields.Date()
    phone = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    desa_code = fields.String()
    pkh_participant_id = fields.String(allow_none=True)
    components = fields.Nested(ComponentsSchema)
    year_joined = fields.Integer(allow_none=True)
    skills_text = fields.String()
    skills = fields.List(fields.String(), metadata={"description": "Canonical skill slugs to link."})
    interests = fields.String()
    work_experience = fields.String()
    business_experience = fields.String()
    work_preference = fields.String()
    hours_per_week = fields.Integer(allow_none=True)
    travel_range = fields.String()
    home_based_only = fields.Boolean()
    constraints = fields.List(fields.String())
    assets = fields.List(fields.String())
    assets_text = fields.String(metadata={"description": "Other assets, in her words, comma-separated."})
    income_bracket = fields.String(allow_none=True)
    has_savings = fields.Boolean()
    status = fields.String()
