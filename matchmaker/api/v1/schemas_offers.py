"""Marshmallow schemas of ``/api/v1/offers``: types and documentation only.

What a value must mean (a kind the organization may publish, a desa of the district, dates in
order) is checked by the same offer form and services as the partner pages, with their messages.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import ListArgsSchema


class OfferFilterSchema(ListArgsSchema):
    """The offer search page's filters."""

    q = fields.String(metadata={"description": "Title, skill, business or village; typos are fine."})
    kind = fields.String(metadata={"description": "An offer kind (see `/api/v1/vocabularies/offer_kind`)."})
    category = fields.String(metadata={"description": "A skill category slug (see `/api/v1/skills/categories`)."})
    kecamatan = fields.String(metadata={"description": "A kecamatan code of the district, e.g. 32.01.16."})
    show = fields.String(metadata={
        "description": "`open` (open offers only) or `all` (open, full and closed). Default `open`; "
                       "for a partner's own offers, `all` (drafts included)."})


class OfferOrganizationSchema(Schema):
    """The organization that publishes an offer."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "business or village_office."})


class OfferSchema(Schema):
    """An opportunity of a business or a program of a village office (``is_program``).

    ``status`` is what people see: closed past the end date, full once every place is taken;
    ``places_taken`` counts started and completed matches.
    """

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    is_program = fields.Boolean(required=True, metadata={"description": "A village office's program."})
    title = fields.String(required=True)
    description = fields.String(required=True)
    skills_text = fields.String(required=True)
    skills = fields.List(fields.String(), required=True, metadata={"description": "Canonical skill slugs."})
    places = fields.Integer(required=True, metadata={"description": "Places (a program's quota)."})
    places_taken = fields.Integer(required=True)
    places_left = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "draft, open, full or closed."})
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    kecamatan_name = fields.String(required=True, allow_none=True)
    home_based = fields.Boolean(required=True)
    reach = fields.String(required=True, metadata={"description": "desa, kecamatan or kabupaten."})
    hours_per_week = fields.Integer(required=True, allow_none=True)
    schedule = fields.String(required=True, allow_none=True)
    pay_amount = fields.Integer(required=True, allow_none=True, metadata={"description": "Rupiah."})
    pay_terms = fields.String(required=True, allow_none=True)
    funding_source = fields.String(required=True, allow_none=True)
    start_date = fields.Date(required=True, allow_none=True)
    end_date = fields.Date(required=True, allow_none=True)
    organization = fields.Nested(OfferOrganizationSchema, required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class OfferPageSchema(Schema):
    """One page of offers (best match first with `q`, newest first without) and the next page's cursor."""

    items = fields.List(fields.Nested(OfferSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class OfferWriteSchema(Schema):
    """An offer to publish, or the fields to change (PATCH): the offer form's fields.

    Creating needs ``kind``, ``title``, ``places`` and ``desa_code``. ``status`` may be
    ``draft``, ``open`` (the default) or ``closed``; ``full`` follows from places taken.
    ``funding_source`` is for village programs only.
    """

    kind = fields.String()
    title = fields.String()
    description = fields.String()
    skills_text = fields.String(metadata={"description": "In your own words, comma-separated."})
    places = fields.Integer()
    desa_code = fields.String(metadata={"description": "The desa where it happens, e.g. 32.01.16.2013."})
    home_based = fields.Boolean()
    reach = fields.String()
    hours_per_week = fields.Integer(allow_none=True)
    schedule = fields.String(allow_none=True)
    pay_amount = fields.Integer(allow_none=True, metadata={"description": "Whole Rupiah."})
    pay_terms = fields.String(allow_none=True)
    funding_source = fields.String(allow_none=True)
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    status = fields.String()


class OfferStatusSchema(Schema):
    """A status to set: ``open``, ``closed`` or ``draft`` (closing is allowed even while suspended)."""

    status = fields.String(required=True)
