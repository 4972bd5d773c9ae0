"""``/api/v1/offers``: opportunities of businesses and programs of village offices, as JSON.

A village program (Kemendes: padat karya, BUMDes, training…) is an offer of a program kind
published by a village office, its quota being its places; so one resource serves both
(``is_program`` and the ``kind`` filter tell them apart).

Every operation calls the services and forms of the partner pages: the search
(``matching_offer_ids`` with the search form's filters), ``visible_offer``, the offer form
(:func:`~matchmaker.partners.forms.offer_form`) then ``create_offer``/``update_offer``, and
``set_offer_status``, with the messages of :mod:`matchmaker.partners.messages`. Facilitators,
coordinators and the admin list and read what the search shows them; a partner lists and reads
her own organization's offers, and only she creates, changes and closes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import g, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from werkzeug.datastructures import MultiDict

from ... import clock
from ...auth.decorators import roles_required
from ...extensions import db
from ...models import Offer, OfferKind, OfferStatus, Role
from ...partners import search, services
from ...partners.forms import OfferForm, offer_form, offer_search_form, search_filters
from ...partners.messages import offer_error, status_error
from .core import (
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
from .schemas_offers import (
    OfferFilterSchema,
    OfferPageSchema,
    OfferSchema,
    OfferStatusSchema,
    OfferWriteSchema,
)

blp = protect(Blueprint(
    "api_v1_offers", __name__, url_prefix="/api/v1/offers",
    description="Opportunities of businesses and programs of village offices (partners publish their own).",
))

READERS = (*Role.PARTNERS, *services.BROWSER_ROLES)
MAX_QUERY = 200
TEXT_FIELDS = ("kind", "title", "description", "skills_text", "reach", "schedule", "pay_terms", "funding_source",
               "status", "desa_code")
NUMBER_FIELDS = ("places", "hours_per_week", "pay_amount")
DATE_FIELDS = ("start_date", "end_date")
# Form field names that the API calls differently: the desa picker's typed name is its code here.
FORM_TO_API = {"desa_name": "desa_code"}
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the offer as last read (from GET): a stale one gets 412."}
ETAG_HEADER = {"ETag": {"description": "The offer's version, for If-Match.", "schema": {"type": "string"}}}


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
             422: "UNPROCESSABLE_CONTENT", 428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


# Representations ------------------------------------------------------------------------------


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # Stored as naive UTC: said so, as RFC 3339 (and the OpenAPI document) want.
    return value.replace(tzinfo=dt.UTC) if value else None


def representation(row: services.OfferRow) -> dict[str, Any]:
    """Everything the API tells about an offer (the same for every reader; also the ETag's input)."""
    offer = row.offer
    desa = offer.desa
    return {
        "id": offer.id,
        "kind": offer.kind,
        "is_program": offer.kind in OfferKind.PROGRAM_KINDS,
        "title": offer.title,
        "description": offer.description or "",
        "skills_text": offer.skills_text or "",
        "skills": [skill.slug for skill in offer.skills],
        "places": offer.places,
        "places_taken": row.taken,
        "places_left": row.places_left,
        "status": row.status,
        "desa_code": offer.desa_code,
        "desa_name": desa.name if desa else None,
        "kecamatan_name": desa.parent.name if desa and desa.parent else None,
        "home_based": bool(offer.home_based),
        "reach": offer.reach,
        "hours_per_week": offer.hours_per_week,
        "schedule": offer.schedule,
        "pay_amount": offer.pay_amount,
        "pay_terms": offer.pay_terms,
        "funding_source": offer.funding_source,
        "start_date": offer.start_date,
        "end_date": offer.end_date,
        "organization": {"id": offer.organization.id, "name": offer.organization.name,
                         "kind": offer.organization.kind},
        "created_at": _utc(offer.created_at),
        "updated_at": _utc(offer.updated_at),
    }


def offer_etag(offer: Offer) -> str:
    """The ETag of ``offer``, unquoted (``GET /api/v1/offers/{id}`` sends it quoted)."""
    return etag_of(representation(services.offer_row(offer)))


def _answer(offer: Offer, status: int = 200, headers: dict[str, str] | None = None):
    data = representation(services.offer_row(offer))
    return data, status, {"ETag": f'"{etag_of(data)}"', **(headers or {})}


# The list -------------------------------------------------------------------------------------


def _filters(filter_args: dict[str, Any]) -> search.OfferFilters:
    """The search form filled with the query's filters and validated as the page does; 422 if not valid.

    The page drops a filter whose value is not a choice; a script is told instead, since a
    silently dropped filter would answer a different question than it asked.
    """
    formdata: MultiDict = MultiDict({name: str(value) for name, value in filter_args.items() if value is not None})
    organization_id = None
    if current_user.role in Role.PARTNERS:
        # A partner's list is her organization's offers ("my offers"), every state unless she narrows it.
        if current_user.organization_id is None:
            raise problem(404)
        organization_id = current_user.organization_id
        formdata.setdefault("show", "all")
    form = offer_search_form(formdata)
    if not form.validate():
        raise problem(422, errors={name: [str(text) for text in texts] for name, texts in form.errors.items()})
    filters = search_filters(form)
    filters.q = filters.q.strip()[:MAX_QUERY]
    filters.organization_id = organization_id
    return filters


@blp.route("", methods=["GET"])
@roles_required(*READERS)
@blp.arguments(OfferFilterSchema, location="query", as_kwargs=True)
@blp.response(200, OfferPageSchema)
@_problems(401, 403, 404, 422, 429)
def list_offers(cursor: str | None = None, limit: int | None = None, **filter_args: Any):
    """Offers as the offer search shows them (facilitators, coordinators, the admin), or a partner's own.

    Filters as on the search page; a text in `q` is searched despite typos and ranked best first.
    """
    refuse_nul({"cursor": cursor, **filter_args})
    size = page_size(limit)
    filters = _filters(filter_args)
    fingerprint = query_fingerprint(dataclasses.asdict(filters))
    position = decode_cursor(cursor, fingerprint) or {}
    today = clock.today()
    ids = search.matching_offer_ids(current_user, filters, today)
    start = int(position.get("offset") or 0)
    if position.get("after") in ids:
        # Offers published since the previous page would otherwise shift this one.
        start = ids.index(position["after"]) + 1
    page_ids = ids[start:start + size]
    rows = search.rows_in_order(page_ids, today)
    more = start + size < len(ids)
    next_position = {"after": page_ids[-1], "offset": start + size} if more and page_ids else None
    return list_page([representation(row) for row in rows], next_position, fingerprint, size, target="offer")


# One offer ------------------------------------------------------------------------------------


@blp.route("/<int:offer_id>", methods=["GET"])
@roles_required(*READERS)
@blp.response(200, OfferSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_offer(offer_id: int):
    """One offer, as on its page: to its organization's members, and to facilitators, coordinators
    and the admin when the search would show it."""
    return _answer(found_or_404(lambda row_id: services.visible_offer(current_user, row_id), offer_id, "offer"))


# Writes ---------------------------------------------------------------------------------------


def _form_data(values: dict[str, Any]) -> MultiDict:
    """The API body as the offer form's posted fields."""
    data: MultiDict = MultiDict()
    for name in TEXT_FIELDS + NUMBER_FIELDS:
        if values.get(name) is not None:
            data[name] = str(values[name])
    for name in DATE_FIELDS:
        if values.get(name) is not None:
            data[name] = values[name].isoformat()
    if values.get("home_based"):
        data["home_based"] = "y"
    return data


def _validated_form(organization, values: dict[str, Any]) -> OfferForm:
    """The offer form filled with ``values`` and validated as the page validates it; 422 if not valid."""
    refuse_nul(values)
    form = offer_form(organization, formdata=_form_data(values), meta={"csrf": False})
    if not form.validate():
        errors: dict[str, list[str]] = {}
        for name, texts in form.errors.items():
            errors.setdefault(FORM_TO_API.get(name, name), []).extend(str(text) for text in texts)
        raise problem(422, errors=errors)
    return form


def _offer_data(form: OfferForm, values: dict[str, Any]) -> services.OfferData:
    data = form.to_data()
    if "funding_source" not in form and values.get("funding_source"):
        # A business's form has no funding source; the service names it as not allowed rather than drop it.
        data.funding_source = values["funding_source"]
    return data


def _invalid(error: services.OfferInvalid) -> ApiProblem:
    db.session.rollback()
    return problem(422, errors={name: [offer_error(code)] for name, code in error.errors.items()})


def _require_publisher():
    """The caller's organization, if it may publish: 404 without one, 403 while it is not active."""
    organization = current_user.organization
    if organization is None:
        raise problem(404)
    if not services.can_publish(organization):
        raise problem(403, status_error("not_active"))
    return organization


@blp.route("", methods=["POST"])
@roles_required(*Role.PARTNERS)
@blp.arguments(OfferWriteSchema)
@blp.response(201, OfferSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 422, 429)
def create_offer(values: dict[str, Any]):
    """Publish an opportunity (a business) or a program (a village office), or save it as a draft,
    with the offer form's checks and messages. Only a verified, not suspended organization publishes."""
    organization = _require_publisher()
    values = {"status": OfferStatus.OPEN, **values}
    form = _validated_form(organization, values)
    try:
        offer = services.create_offer(current_user, _offer_data(form, values))
    except services.OfferInvalid as error:
        raise _invalid(error) from None
    g.api_target = ("offer", offer.id)
    return _answer(offer, 201, {"Location": url_for("api_v1_offers.get_offer", offer_id=offer.id)})


def _own_or_404(offer_id: int) -> Offer:
    return found_or_404(lambda row_id: services.get_own_offer(current_user, row_id), offer_id, "offer",
                        for_update=True)


def _current_values(offer: Offer) -> dict[str, Any]:
    """The stored offer as an API body, the base a PATCH changes."""
    status = offer.status
    if status == OfferStatus.FULL:
        status = OfferStatus.OPEN  # "full" is derived; the form offers draft, open and closed
    return {
        "kind": offer.kind, "title": offer.title, "description": offer.description or "",
        "skills_text": offer.skills_text or "", "places": offer.places, "desa_code": offer.desa_code,
        "home_based": bool(offer.home_based), "reach": offer.reach, "hours_per_week": offer.hours_per_week,
        "schedule": offer.schedule, "pay_amount": offer.pay_amount, "pay_terms": offer.pay_terms,
        "funding_source": offer.funding_source, "start_date": offer.start_date, "end_date": offer.end_date,
        "status": status,
    }


@blp.route("/<int:offer_id>", methods=["PATCH"])
@roles_required(*Role.PARTNERS)
@blp.arguments(OfferWriteSchema)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, OfferSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 412, 422, 428, 429)
def update_offer(changes: dict[str, Any], offer_id: int):
    """Change fields of an offer of her own organization. `If-Match` must carry the ETag last read:
    a missing one gets 428, a stale one 412, and nothing is written."""
    offer = _own_or_404(offer_id)
    organization = _require_publisher()
    require_if_match(offer_etag(offer))
    values = {**_current_values(offer), **changes}
    form = _validated_form(organization, values)
    try:
        services.update_offer(current_user, offer, _offer_data(form, values))
    except services.OfferInvalid as error:
        raise _invalid(error) from None
    db.session.refresh(offer)
    return _answer(offer)


@blp.route("/<int:offer_id>/status", methods=["POST"])
@roles_required(*Role.PARTNERS)
@blp.arguments(OfferStatusSchema)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, OfferSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 409, 412, 422, 428, 429)
def set_offer_status(values: dict[str, Any], offer_id: int):
    """Close an offer of her own organization, open it again or return it to draft, as its page does.

    Closing is allowed even while the organization is suspended. Opening an offer past its end
    date is refused (409) until the end date moves.
    """
    refuse_nul(values)
    offer = _own_or_404(offer_id)
    require_if_match(offer_etag(offer))
    try:
        services.set_offer_status(current_user, offer, values["status"])
    except services.PartnerError as error:
        db.session.rollback()
        if error.code == "not_active":
            raise problem(403, status_error(error.code)) from None
        if error.code == "ended":
            raise problem(409, status_error(error.code)) from None
        if error.code == "not_member":
            raise problem(404) from None
        raise problem(422, errors={"status": [status_error(error.code)]}) from None
    db.session.refresh(offer)
    return _answer(offer)
