"""``/api/v1``: a household's proposals and an offer's candidates, ranked, with the reasons the pages show.

``GET/POST /households/{id}/proposals`` are her "Find partners" list and its "Propose" button;
``GET /offers/{id}/candidates`` and ``POST /offers/{id}/introduction-requests`` are a partner's
candidates page and its "Ask for an introduction". They call the services those pages call
(:func:`~matchmaker.matches.services.household_proposals`, ``propose_shown``, ``offer_candidates``,
``request_shown``), page through the list the page shows with cursors, and answer a created match
as :mod:`.matches` does (with its ``Idempotency-Key`` handling).
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from ...auth.decorators import roles_required
from ...extensions import db
from ...households.services import get_visible_household
from ...i18n import current_language
from ...matches import services, workflow
from ...matches.forms import ProposeForm
from ...models import Household, Offer, OfferKind
from ...partners.services import get_own_offer
from .core import (
    MAX_ID,
    decode_cursor,
    encode_cursor,
    found_or_404,
    page_size,
    problem,
    protect,
    query_fingerprint,
    refuse_nul,
)
from .matches import (
    CREATED_HEADERS,
    IDEMPOTENCY_KEY,
    answer,
    card,
    choice,
    claimed_before,
    form_errors,
    keyed_request,
    match_of,
    replayed,
    workflow_problem,
)
from .schemas import ListArgsSchema
from .schemas_matches import (
    CandidatePageSchema,
    IntroductionRequestSchema,
    MatchSchema,
    ProposalArgsSchema,
    ProposalPageSchema,
    ProposeSchema,
)

blp = protect(Blueprint(
    "api_v1_proposals", __name__, url_prefix="/api/v1",
    description="Offers ranked for a household and candidates ranked for a partner's offer, with their reasons; "
                "proposing one or asking for an introduction creates a match.",
))


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
             422: "UNPROCESSABLE_CONTENT", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


def _page(items: list, cursor: str | None, limit: int | None, filters: dict[str, Any]):
    """A slice of a ranked list (at most what the page shows) at the cursor's offset, and the next cursor."""
    size = page_size(limit)
    fingerprint = query_fingerprint(filters)
    start = int((decode_cursor(cursor, fingerprint) or {}).get("offset") or 0)
    chosen = items[start:start + size]
    more = start + size < len(items)
    return chosen, (encode_cursor({"offset": start + size}, fingerprint) if more else None), size


# A household's proposals ----------------------------------------------------------------------


def _household_or_404(household_id: int) -> Household:
    return found_or_404(lambda row_id: get_visible_household(current_user, row_id), household_id, "household")


def _proposal(proposal, tier: str) -> dict[str, Any]:
    offer = proposal.offer
    training = proposal.suggested_training
    return {
        "offer_id": offer.id,
        "title": offer.title,
        "kind": offer.kind,
        "organization_id": offer.organization_id,
        "organization_name": offer.organization.name if offer.organization else None,
        "desa_code": offer.desa_code,
        "desa_name": offer.desa.name if offer.desa else None,
        "locality_tier": tier,
        "position": proposal.position,
        "score": float(proposal.score),
        "reasons": list(proposal.reasons),
        "missing_skills": list(proposal.missing_skills),
        "suggested_training": {
            "offer_id": training.id, "title": training.title,
            "organization_name": training.organization.name if training.organization else None,
        } if training is not None else None,
    }


@blp.route("/households/<int:household_id>/proposals", methods=["GET"])
@roles_required(*workflow.FACILITATOR_SIDE)
@blp.arguments(ProposalArgsSchema, location="query", as_kwargs=True)
@blp.response(200, ProposalPageSchema)
@_problems(401, 403, 404, 422, 429)
def list_proposals(household_id: int, cursor: str | None = None, limit: int | None = None,
                   kind: str | None = None, tier: str | None = None):
    """Her "Find partners" list: open offers and village programs ranked for her profile, best first, each
    with its fit, the plain-language reasons, the skills she misses and a training for them (at most 20)."""
    refuse_nul({"cursor": cursor, "kind": kind, "tier": tier})
    kind = choice("kind", kind, OfferKind.ALL)
    tier = choice("tier", tier, services.LOCALITY_TIERS)
    household = _household_or_404(household_id)
    rows = services.household_proposals(household, current_language(), kind=kind, tier=tier)
    chosen, next_cursor, size = _page(rows, cursor, limit, {"household": household.id, "kind": kind, "tier": tier})
    g.api_audit_detail = {"count": len(chosen)}
    return {"items": [_proposal(proposal, tier_of) for proposal, tier_of in chosen], "next_cursor": next_cursor,
            "limit": size}


@blp.route("/households/<int:household_id>/proposals", methods=["POST"])
@roles_required(*workflow.FACILITATOR_SIDE)
@blp.arguments(ProposeSchema)
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(201, MatchSchema, headers=CREATED_HEADERS)
@_problems(401, 403, 404, 409, 422, 429)
def propose(values: dict[str, Any], household_id: int):
    """Propose an offer of her list (read with the same `kind`/`tier` filters): a `proposed` match, whose
    next step is her consent. An offer no longer in her list gets 409; the ranking's position and score
    are recorded as the server computes them."""
    refuse_nul(values)
    household = _household_or_404(household_id)
    kind = choice("kind", values.get("kind"), OfferKind.ALL)
    tier = choice("tier", values.get("tier"), services.LOCALITY_TIERS)
    form = ProposeForm(formdata=MultiDict({"target": str(values["offer_id"])}), meta={"csrf": False})
    if not form.validate():
        raise problem(422, errors=form_errors(form, {"target": "offer_id"}))
    offer = db.session.get(Offer, form.target.data)
    if offer is None:
        raise problem(404)
    keyed = keyed_request(values)
    if replayed(keyed) or claimed_before(keyed):
        return answer(match_of(household.id, offer.id), 201, replayed=True, created=True)
    try:
        match = services.propose_shown(current_user, household, offer, current_language(), kind=kind, tier=tier)
    except workflow.WorkflowError as error:
        raise workflow_problem(error) from None
    return answer(match, 201, created=True)


# An offer's candidates --------------------------------------------------------------------------


def _own_offer_or_404(offer_id: int) -> Offer:
    offer = get_own_offer(current_user, offer_id) if offer_id <= MAX_ID else None
    if offer is None:
        raise problem(404)
    g.api_target = ("offer", offer.id)
    if not workflow.organization_active(offer):
        raise problem(403, str(workflow.MESSAGES["organization_inactive"]))
    return offer


@blp.route("/offers/<int:offer_id>/candidates", methods=["GET"])
@roles_required(*workflow.PARTNER_SIDE)
@blp.arguments(ListArgsSchema, location="query", as_kwargs=True)
@blp.response(200, CandidatePageSchema)
@_problems(401, 403, 404, 422, 429)
def list_candidates(offer_id: int, cursor: str | None = None, limit: int | None = None):
    """The women of facilitators' caseloads who fit one of your organization's open offers, best first (at most
    30), as anonymised cards: first name, desa, skills, experience, availability; never a NIK, phone, address
    or birth date. A suspended or unapproved organization gets 403."""
    refuse_nul({"cursor": cursor})
    offer = _own_offer_or_404(offer_id)
    rows = services.offer_candidates(offer, current_language())
    chosen, next_cursor, size = _page(rows, cursor, limit, {"offer": offer.id})
    g.api_audit_detail = {"count": len(chosen)}
    items = [{**card(c.household), "position": c.position, "score": float(c.score), "reasons": list(c.reasons),
              "missing_skills": list(c.missing_skills)} for c in chosen]
    return {"items": items, "next_cursor": next_cursor, "limit": size}


@blp.route("/offers/<int:offer_id>/introduction-requests", methods=["POST"])
@roles_required(*workflow.PARTNER_SIDE)
@blp.arguments(IntroductionRequestSchema)
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(201, MatchSchema, headers=CREATED_HEADERS)
@_problems(401, 403, 404, 409, 422, 429)
def request_introduction(values: dict[str, Any], offer_id: int):
    """Ask her facilitator to introduce one of the offer's candidates (a `proposed` match flagged as your
    request); her facilitator asks her and approves or declines. Only a woman among the candidates shown
    can be asked for (anyone else is 404)."""
    offer = _own_offer_or_404(offer_id)
    form = ProposeForm(formdata=MultiDict({"target": str(values["household_id"])}), meta={"csrf": False})
    if not form.validate():
        raise problem(422, errors=form_errors(form, {"target": "household_id"}))
    keyed = keyed_request(values)
    if replayed(keyed) or claimed_before(keyed):
        return answer(match_of(form.target.data, offer.id), 201, replayed=True, created=True)
    try:
        match = services.request_shown(current_user, offer, form.target.data, current_language())
    except workflow.WorkflowError as error:
        raise workflow_problem(error) from None
    if match is None:
        db.session.rollback()
        raise problem(404)
    return answer(match, 201, created=True)
