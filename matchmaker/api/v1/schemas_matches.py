"""Marshmallow schemas of the proposals, candidates and matches of ``/api/v1``.

Types only, as in :mod:`.schemas`: what a value must mean (a reason of the caller's side, a
start date at most 30 days ahead, an income in range) is checked by the same WTForms forms and
workflow as the match pages, with the same messages.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from ...matches import workflow
from ...models import MatchStatus, OfferKind
from .schemas import ListArgsSchema

NOTE = {"description": "A note kept with the step, at most 500 characters (optional)."}


class ProposalArgsSchema(ListArgsSchema):
    """The filters of "Find partners", as on the page."""

    kind = fields.String(metadata={"description": "Only offers of this kind.", "enum": list(OfferKind.ALL)})
    tier = fields.String(metadata={"description": "Only offers this near her: desa, kecamatan or kabupaten.",
                                   "enum": ["desa", "kecamatan", "kabupaten"]})


class TrainingSchema(Schema):
    """A training offer suggested for the skills she misses."""

    offer_id = fields.Integer(required=True)
    title = fields.String(required=True)
    organization_name = fields.String(required=True, allow_none=True)


class ProposalSchema(Schema):
    """An offer ranked for her, with its place in her list, its score and the reasons the page shows."""

    offer_id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    organization_id = fields.Integer(required=True)
    organization_name = fields.String(required=True, allow_none=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    locality_tier = fields.String(required=True, metadata={"description": "desa, kecamatan or kabupaten."})
    position = fields.Integer(required=True, metadata={"description": "1 for the best fit."})
    score = fields.Float(required=True, metadata={"description": "The fit, 0 to 1."})
    reasons = fields.List(fields.String(), required=True,
                          metadata={"description": "Why it fits her, in plain words (the caller's language)."})
    missing_skills = fields.List(fields.String(), required=True)
    suggested_training = fields.Nested(TrainingSchema, required=True, allow_none=True)


class ProposalPageSchema(Schema):
    """One page of her ranked offers (at most the 20 the page shows, in all) and the next page's cursor."""

    items = fields.List(fields.Nested(ProposalSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class ProposeSchema(Schema):
    """Propose one offer of her ranked list, with the filters the list was read with."""

    offer_id = fields.Integer(required=True)
    kind = fields.String(metadata={"description": "The kind filter the list was read with, if any."})
    tier = fields.String(metadata={"description": "The distance filter the list was read with, if any."})


class CandidateCardSchema(Schema):
    """A woman as a partner sees her before it accepted her: no NIK, phone, address or birth date."""

    household_id = fields.Integer(required=True)
    first_name = fields.String(required=True)
    desa_code = fields.String(required=True)
    desa_name = fields.String(required=True, allow_none=True)
    kecamatan_name = fields.String(required=True, allow_none=True)
    skills = fields.List(fields.String(), required=True, metadata={"description": "Skill names."})
    skills_text = fields.String(required=True)
    experience = fields.String(required=True)
    hours_per_week = fields.Integer(required=True, allow_none=True)
    travel_range = fields.String(required=True)
    home_based_only = fields.Boolean(required=True)


class CandidateSchema(CandidateCardSchema):
    """A ranked candidate for the partner's offer, with the reasons the page shows."""

    position = fields.Integer(required=True)
    score = fields.Float(required=True)
    reasons = fields.List(fields.String(), required=True)
    missing_skills = fields.List(fields.String(), required=True)


class CandidatePageSchema(Schema):
    """One page of the offer's candidates (at most the 30 the page shows, in all)."""

    items = fields.List(fields.Nested(CandidateSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class IntroductionRequestSchema(Schema):
    """Ask her facilitator for an introduction to one of the offer's candidates."""

    household_id = fields.Integer(required=True)


class MatchArgsSchema(ListArgsSchema):
    """The filters of the matches list (a partner's inbox groups among them)."""

    status = fields.String(metadata={"enum": list(MatchStatus.ALL)})
    group = fields.String(metadata={"description": "A group of the partner's inbox.",
                                    "enum": ["to_answer", "requests", "ongoing", "closed"]})
    household_id = fields.Integer()
    offer_id = fields.Integer()


class ContactSchema(Schema):
    """Her contact, for a partner whose organization accepted her (shown and audited as on its page)."""

    full_name = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    facilitator_name = fields.String(required=True, allow_none=True)
    facilitator_phone = fields.String(required=True, allow_none=True)


class PartnerContactSchema(Schema):
    """The partner's contact, for her side once the partner accepted her."""

    contact_person = fields.String(required=True, allow_none=True)
    phone = fields.String(required=True, allow_none=True)
    address = fields.String(required=True, allow_none=True)


class MatchEventSchema(Schema):
    """One step of the match's history."""

    from_status = fields.String(required=True, allow_none=True)
    to_status = fields.String(required=True)
    actor_name = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)


class MatchSummarySchema(Schema):
    """A match in a list. ``full_name`` is null where her page would show only her first name."""

    id = fields.Integer(required=True)
    status = fields.String(required=True)
    household_id = fields.Integer(required=True)
    first_name = fields.String(required=True)
    full_name = fields.String(required=True, allow_none=True)
    offer_id = fields.Integer(required=True)
    offer_title = fields.String(required=True)
    organization_name = fields.String(required=True, allow_none=True)
    partner_request = fields.Boolean(required=True)
    consent_recorded = fields.Boolean(required=True)
    next_steps = fields.List(fields.String(), required=True,
                             metadata={"description": "The transitions the caller may take now."})
    updated_at = fields.DateTime(required=True)


class MatchPageSchema(Schema):
    """One page of matches, newest first, and the next page's cursor."""

    items = fields.List(fields.Nested(MatchSummarySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class MatchSchema(MatchSummarySchema):
    """A match as its page shows it to the caller: her side sees her name; a partner sees the
    candidate card, and her contact only once it accepted her (``contact``)."""

    candidate = fields.Nested(CandidateCardSchema, required=True)
    contact = fields.Nested(ContactSchema, required=True, allow_none=True)
    partner_contact = fields.Nested(PartnerContactSchema, required=True, allow_none=True)
    score = fields.Float(required=True, allow_none=True)
    shown_position = fields.Integer(required=True, allow_none=True)
    reasons = fields.List(fields.String(), required=True)
    consent_at = fields.DateTime(required=True, allow_none=True)
    decline_reason = fields.String(required=True, allow_none=True)
    note = fields.String(required=True, allow_none=True)
    started_on = fields.Date(required=True, allow_none=True)
    ended_on = fields.Date(required=True, allow_none=True)
    income_after = fields.Integer(required=True, allow_none=True, metadata={"description": "Rupiah a month."})
    created_at = fields.DateTime(required=True)
    events = fields.List(fields.Nested(MatchEventSchema), required=True)


# The bodies of the transitions ------------------------------------------------------------------


class NoteStepSchema(Schema):
    """A step that needs nothing but an optional note."""

    note = fields.String(metadata=NOTE)


class ConsentStepSchema(Schema):
    """Record her consent to share her profile with this partner (nothing else to send)."""


class ApproveStepSchema(NoteStepSchema):
    """Approve a partner's request: her consent and the introduction in one step."""

    consent = fields.Boolean(metadata={"description": "true once she agreed that her profile is shared."})


def _reasons(codes: tuple[str, ...]) -> dict:
    return {"description": "A reason code: " + ", ".join(codes) + ".", "enum": list(codes)}


class RefuseStepSchema(NoteStepSchema):
    """Decline a proposal on the household's behalf, with a reason."""

    reason = fields.String(metadata=_reasons(workflow.HOUSEHOLD_DECLINE_REASONS))


class DeclineStepSchema(NoteStepSchema):
    """The partner declines an introduction, with a reason."""

    reason = fields.String(metadata=_reasons(workflow.PARTNER_DECLINE_REASONS))


class DropStepSchema(NoteStepSchema):
    """Stop a match, with a reason."""

    reason = fields.String(metadata=_reasons(workflow.DROP_REASONS))


class StartStepSchema(NoteStepSchema):
    """Start an accepted match (at most 30 days ahead)."""

    started_on = fields.Date()


class CompleteStepSchema(NoteStepSchema):
    """Record the outcome of a match that went to its end."""

    income_after = fields.Integer(metadata={"description": "Her monthly income now, in Rupiah (0 to 100,000,000)."})
    ended_on = fields.Date(metadata={"description": "Today if not given."})
