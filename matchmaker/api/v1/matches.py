"""``/api/v1/matches``: the matches a user may open, and every step of the workflow.

Each operation calls what the match pages call (:func:`~matchmaker.matches.services.visible_matches_query`
for the matches a user sees, :mod:`matchmaker.matches.workflow` for the steps) and validates
with the same WTForms forms, so that a script meets the same rules, refusals and words as a
facilitator or a partner at the page: ``GET /matches``, ``GET /matches/{id}`` and one
``POST /matches/{id}/transitions/{step}`` per step. A step needs ``If-Match`` (the match's
ETag): 428 without, 412 when stale. A step the current state does not allow answers 409, a
value the form refuses 422, a step of the other side 403, each with the page's message.
(Proposing and asking for an introduction, which create a match, live in :mod:`.proposals`.)

Writes accept an ``Idempotency-Key`` header: a retried request with the same key is applied
once and answered with the match as it is (``Idempotent-Replayed: true``), stored like the
pages' once-only form tokens (:mod:`matchmaker.submissions`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ... import submissions
from ...audit import record_audit
from ...auth.decorators import roles_required
from ...extensions import db
from ...i18n import current_language
from ...matches import services, workflow
from ...matches.forms import STEP_FORMS, prepare_step_form
from ...models import Household, Match, MatchStatus, Offer, User
from .core import (
    MAX_ID,
    ApiProblem,
    decode_cursor,
    etag_of,
    found_or_404,
    list_page,
    page_size,
    problem,
    protect,
    query_fingerprint,
    refuse_nul,
    require_if_match,
)
from .schemas_matches import (
    ApproveStepSchema,
    CompleteStepSchema,
    ConsentStepSchema,
    DeclineStepSchema,
    DropStepSchema,
    MatchArgsSchema,
    MatchPageSchema,
    MatchSchema,
    NoteStepSchema,
    RefuseStepSchema,
    StartStepSchema,
)

blp = protect(Blueprint(
    "api_v1_matches", __name__, url_prefix="/api/v1",
    description="Matches as their pages show them, and every step of the workflow.",
))

BOTH_SIDES = (*workflow.FACILITATOR_SIDE, *workflow.PARTNER_SIDE)
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the match as last read (from GET): a stale one gets 412."}
IDEMPOTENCY_KEY = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    "description": "Any unique string (e.g. a UUID): a retried request with the same key is applied once and "
                   "answered with the match as it is now. A key reused for a different request gets 422.",
}
ETAG_HEADER = {"ETag": {"description": "The match's version, for If-Match.", "schema": {"type": "string"}}}
REPLAYED_HEADER = {"Idempotent-Replayed": {
    "description": "`true` when this answers a retried request that was already applied.",
    "schema": {"type": "string"}}}
CREATED_HEADERS = {**ETAG_HEADER, **REPLAYED_HEADER,
                   "Location": {"description": "The new match.", "schema": {"type": "string"}}}
STEP_HEADERS = {**ETAG_HEADER, **REPLAYED_HEADER}
STEP_VALUES = ("reason", "consent", "started_on", "ended_on", "income_after")
# Workflow refusals about who acts, not about the match's state.
FORBIDDEN_CODES = ("wrong_role", "not_yours")


def _problems(*statuses: int) -> Callable:
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
             422: "UNPROCESSABLE_CONTENT", 428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored naive UTC timestamp, said to be UTC (RFC 3339, as the document wants)."""
    return value.replace(tzinfo=dt.UTC) if value is not None else None


def choice(name: str, value: str | None, allowed: tuple[str, ...] | list[str]) -> str | None:
    """``value`` if it is one of ``allowed`` (None if not given); a 422 problem naming ``name`` otherwise."""
    if not value:
        return None
    if value not in allowed:
        raise problem(422, errors={name: [_("Choose one of: %(choices)s.", choices=", ".join(allowed))]})
    return value


def workflow_problem(error: workflow.WorkflowError, fields: tuple[str, ...] | list[str] = ()):
    """The workflow's refusal as the pages give it: 403 for who acts, 422 for a value of the body's
    ``fields``, 409 for what the match's state does not allow (consent not recorded among them)."""
    db.session.rollback()
    if error.code in FORBIDDEN_CODES:
        return problem(403, error.message)
    if error.field in fields:
        return problem(422, errors={error.field: [error.message]})
    return problem(409, error.message)


def form_errors(form, renames: dict[str, str] | None = None) -> dict[str, list[str]]:
    renames = renames or {}
    return {renames.get(name, name): [str(text) for text in texts] for name, texts in form.errors.items()}


# Idempotency ----------------------------------------------------------------------------------


def keyed_request(body: Any) -> submissions.KeyedRequest | None:
    """The request's ``Idempotency-Key``, if sent (a 422 problem if it is not a valid key)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not submissions.IDEMPOTENCY_KEY_PATTERN.match(key):
        raise problem(422, errors={"Idempotency-Key": [
            _("Send 1 to 255 visible characters (letters, digits, punctuation) as the Idempotency-Key.")]})
    return submissions.KeyedRequest.of(current_user, key, request.method, request.path, body)


def replayed(keyed: submissions.KeyedRequest | None) -> bool:
    """Whether this request repeats one already applied; a 422 problem if its key was used for another."""
    if keyed is None:
        return False
    return _same_request(submissions.keyed_earlier(keyed))


def claimed_before(keyed: submissions.KeyedRequest | None) -> bool:
    """Claim the key in this transaction (False), or learn that a concurrent twin applied it first (True)."""
    if keyed is None:
        return False
    earlier = submissions.claim_keyed(keyed, current_user)
    return earlier is not None and _same_request(earlier)


def _same_request(earlier: bool | None) -> bool:
    """True for a twin of the same request, False if none; a 422 problem for a key reused for another."""
    if earlier is False:
        raise problem(422, errors={"Idempotency-Key": [
            _("This Idempotency-Key was already used for a different request. Use a new key.")]})
    return bool(earlier)


# Representations ------------------------------------------------------------------------------


def card(household: Household) -> dict[str, Any]:
    """Her anonymised candidate card, as a partner sees it before accepting her."""
    desa = household.desa
    experience = ". ".join(part for part in (household.work_experience, household.business_experience) if part)
    return {
        "household_id": household.id,
        "first_name": household.first_name,
        "desa_code": household.desa_code,
        "desa_name": desa.name if desa else None,
        "kecamatan_name": desa.parent.name if desa and desa.parent else None,
        "skills": [skill.label(current_language()) for skill in household.skills],
        "skills_text": household.skills_text or "",
        "experience": experience,
        "hours_per_week": household.hours_per_week,
        "travel_range": household.travel_range,
        "home_based_only": bool(household.home_based_only),
    }


def _state(match: Match) -> dict[str, Any]:
    """Everything that changes with a step (the ETag's input; never sent as such)."""
    return {
        "id": match.id, "status": match.status, "consent_at": match.consent_at, "started_on": match.started_on,
        "ended_on": match.ended_on, "income_after": match.income_after, "decline_reason": match.decline_reason,
        "note": match.note, "updated_at": match.updated_at, "events": len(match.events),
    }


def match_etag(match: Match) -> str:
    """The match's ETag."""
    return etag_of(_state(match))


def _name_shown(actor: User, match: Match) -> bool:
    """Her full name: to her side, and to a partner whose organization accepted her (as the inbox shows it)."""
    return workflow.owns_household(actor, match.household) or workflow.partner_sees_contact(actor, match)


def summary(actor: User, match: Match) -> dict[str, Any]:
    """A match in a list, as the caller may see it."""
    household, offer = match.household, match.offer
    return {
        "id": match.id,
        "status": match.status,
        "household_id": household.id,
        "first_name": household.first_name,
        "full_name": household.full_name if _name_shown(actor, match) else None,
        "offer_id": offer.id,
        "offer_title": offer.title,
        "organization_name": offer.organization.name if offer.organization else None,
        "partner_request": bool(match.partner_request),
        "consent_recorded": match.consent_at is not None,
        "next_steps": workflow.available_actions(actor, match),
        "updated_at": _utc(match.updated_at),
    }


def representation(actor: User, match: Match) -> dict[str, Any]:
    """The match as its page shows it to ``actor``; her contact, when shown, is audited as on the page."""
    household, organization = match.household, match.offer.organization
    household_side = workflow.owns_household(actor, household)
    contact = None
    if not household_side and workflow.partner_sees_contact(actor, match):
        record_audit(actor, "match.contact_shown", "match", match.id, household=match.household_id)
        facilitator = household.facilitator
        contact = {
            "full_name": household.full_name,
            "phone": household.phone,
            "facilitator_name": facilitator.name if facilitator else None,
            "facilitator_phone": facilitator.phone if facilitator else None,
        }
    partner_contact = None
    if household_side and match.status in workflow.CONTACT_STATUSES and organization is not None:
        partner_contact = {"contact_person": organization.contact_person, "phone": organization.phone,
                           "address": organization.address}
    return {
        **summary(actor, match),
        "candidate": card(household),
        "contact": contact,
        "partner_contact": partner_contact,
        "score": match.score,
        "shown_position": match.shown_position,
        "reasons": list(match.reasons or []),
        "consent_at": _utc(match.consent_at),
        "decline_reason": match.decline_reason,
        "note": match.note,
        "started_on": match.started_on,
        "ended_on": match.ended_on,
        "income_after": match.income_after,
        "created_at": _utc(match.created_at),
        "events": [{"from_status": event.from_status, "to_status": event.to_status,
                    "actor_name": event.actor.name if event.actor else None, "note": event.note,
                    "created_at": _utc(event.created_at)} for event in match.events],
    }


def answer(match: Match, status: int = 200, *, replayed: bool = False, created: bool = False):
    g.api_target = ("match", match.id)
    headers = {"ETag": f'"{match_etag(match)}"'}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if created:
        headers["Location"] = url_for("api_v1_matches.get_match", match_id=match.id)
    return representation(current_user, match), status, headers


def match_of(household_id: int, offer_id: int) -> Match:
    """The match a replayed creation made (one per household and offer)."""
    match = db.session.scalar(select(Match).where(Match.household_id == household_id, Match.offer_id == offer_id))
    if match is None or not workflow.can_view_match(current_user, match):
        raise problem(404)
    return match


# Matches ----------------------------------------------------------------------------------------


@blp.route("/matches", methods=["GET"])
@roles_required(*BOTH_SIDES)
@blp.arguments(MatchArgsSchema, location="query", as_kwargs=True)
@blp.response(200, MatchPageSchema)
@_problems(401, 403, 422, 429)
def list_matches(cursor: str | None = None, limit: int | None = None, status: str | None = None,
                 group: str | None = None, household_id: int | None = None, offer_id: int | None = None):
    """The matches you may open, newest first: your households' (a coordinator: her area's), or your
    organization's introductions and requests (the inbox), filtered by state, inbox group, household or offer."""
    refuse_nul({"cursor": cursor, "status": status, "group": group})
    size = page_size(limit)
    status = choice("status", status, MatchStatus.ALL)
    group = choice("group", group, list(services.INBOX_GROUPS))
    filters = {"status": status, "group": group, "household_id": household_id, "offer_id": offer_id}
    fingerprint = query_fingerprint(filters)
    before = (decode_cursor(cursor, fingerprint) or {}).get("before")
    statement = services.visible_matches_query(current_user)
    if status:
        statement = statement.where(Match.status == status)
    if group:
        statement = statement.where(Match.status.in_(services.INBOX_GROUPS[group]))
    for column, value in ((Match.household_id, household_id), (Match.offer_id, offer_id)):
        if value is not None:
            statement = statement.where(column == value) if 0 < value <= MAX_ID else statement.where(false())
    if isinstance(before, int):
        statement = statement.where(Match.id < before)
    rows = list(db.session.scalars(
        statement.options(selectinload(Match.household).selectinload(Household.desa),
                          selectinload(Match.offer).selectinload(Offer.organization), selectinload(Match.events))
        .order_by(Match.id.desc()).limit(size + 1)
    ))
    items, more = rows[:size], len(rows) > size
    next_position = {"before": items[-1].id} if more and items else None
    return list_page([summary(current_user, match) for match in items], next_position, fingerprint, size,
                     target="match")


def _match_or_404(match_id: int, *, for_update: bool = False) -> Match:
    """The match if the caller may open it (as its page), else a 404 problem; locked for a step."""
    return found_or_404(_viewable_match, match_id, "match", for_update=for_update)


def _viewable_match(match_id: int) -> Match | None:
    match = db.session.get(Match, match_id)
    return match if match is not None and workflow.can_view_match(current_user, match) else None


@blp.route("/matches/<int:match_id>", methods=["GET"])
@roles_required(*BOTH_SIDES)
@blp.response(200, MatchSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_match(match_id: int):
    """One match as its page shows it: the offer, the candidate (anonymised for a partner until it accepted
    her; then her contact, audited as shown), its history and the steps you may take now (`next_steps`)."""
    return answer(_match_or_404(match_id))


# The workflow's steps ---------------------------------------------------------------------------


def _step_form(action: str, values: dict[str, Any]):
    """The page's form of ``action`` filled with ``values`` and validated; a 422 problem if not valid."""
    data: MultiDict = MultiDict()
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "y"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    form = STEP_FORMS[action](formdata=data, meta={"csrf": False})
    prepare_step_form(action, form)
    if not form.validate():
        raise problem(422, errors=form_errors(form))
    return form


def take_step(action: str, values: dict[str, Any], match_id: int, fields: list[str]):
    """Take ``action`` on the match as its page's form would, once per Idempotency-Key."""
    refuse_nul(values)
    match = _match_or_404(match_id, for_update=True)
    keyed = keyed_request(values)
    if replayed(keyed):
        return answer(match, replayed=True)
    try:
        require_if_match(match_etag(match))
    except ApiProblem:
        # On SQLite (no row lock) a twin may have committed since the check above: answer as its replay.
        db.session.expire_all()
        if replayed(keyed):
            return answer(_match_or_404(match_id), replayed=True)
        raise
    form = _step_form(action, values)
    if claimed_before(keyed):
        return answer(_match_or_404(match_id), replayed=True)
    step_values = {key: getattr(form, key).data for key in STEP_VALUES if hasattr(form, key)}
    note = (form.note.data or "").strip() or None
    try:
        workflow.take_step(current_user, match, action, note=note, **step_values)
    except workflow.WorkflowError as error:
        raise workflow_problem(error, fields) from None
    db.session.refresh(match)
    return answer(match)


STEPS: dict[str, tuple[type[Schema], str]] = {
    "consent": (ConsentStepSchema, "Record her consent to share her profile (first name, desa, skills, experience, "
                                   "availability) with this partner: needed before the introduction. Her side only."),
    "introduce": (NoteStepSchema, "Send the introduction to the partner (`proposed` → `introduced`), once her "
                                  "consent is recorded. Her side only."),
    "approve": (ApproveStepSchema, "Approve a partner's request: her consent (`consent: true`) and the introduction "
                                   "in one step (`proposed` → `introduced`). Her side only."),
    "refuse": (RefuseStepSchema, "Decline a proposal or a partner's request on her behalf, with a reason "
                                 "(`proposed` → `declined`). Her side only."),
    "accept": (NoteStepSchema, "Accept an introduction (`introduced` → `accepted`): her name and contact are then "
                               "shown. The partner's side only."),
    "decline": (DeclineStepSchema, "Decline an introduction, with a reason (`introduced` → `declined`). The "
                                   "partner's side only."),
    "start": (StartStepSchema, "Start an accepted match on a date (`accepted` → `started`); takes one of the "
                               "offer's places (409 when every place is taken). Her side only."),
    "complete": (CompleteStepSchema, "Record the outcome: her monthly income after, in Rupiah (`started` → "
                                     "`completed`). Her side only."),
    "drop": (DropStepSchema, "Stop the match, with a reason (`introduced`, `accepted` or `started` → `dropped`). "
                             "Her side only."),
}
STEP_NOTE = ("\n\nNeeds `If-Match` (the ETag last read): 428 without, 412 when stale. A step the match's state "
             "does not allow gets 409, a refused value 422, a step of the other side 403, each with the message "
             "the match page gives.")


def _register_step(action: str, schema: type[Schema], description: str) -> None:
    """One operation per step: ``POST /matches/{match_id}/transitions/{action}``."""

    def view(values: dict[str, Any], match_id: int):
        return take_step(action, values, match_id, list(schema._declared_fields))

    view.__name__ = f"transition_{action}"
    view.__doc__ = f"Transition: {action}.\n\n{description}{STEP_NOTE}"
    decorated = _problems(401, 403, 404, 409, 412, 422, 428, 429)(view)
    decorated = blp.response(200, MatchSchema, headers=STEP_HEADERS)(decorated)
    decorated = blp.doc(parameters=[IF_MATCH, IDEMPOTENCY_KEY])(decorated)
    decorated = blp.arguments(schema, required=False)(decorated)
    decorated = roles_required(*BOTH_SIDES)(decorated)
    blp.route(f"/matches/<int:match_id>/transitions/{action}", methods=["POST"],
              endpoint=f"transition_{action}")(decorated)


for _action in workflow.STEP_TARGETS:
    _register_step(_action, *STEPS[_action])
