"""``/api/v1/households``: the caseload as JSON, with the pages' scoping, forms and services.

List, get, create and update call the services the caseload page and the household form call
(``caseload_query``/``search_names``, ``get_visible_household``, ``create_household``,
``update_household``) and validate with the same :class:`HouseholdForm`, so that a script gets
the same refusals, in the same words, as a facilitator at the form.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from flask import g, url_for
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from ...auth.decorators import roles_required
from ...extensions import db
from ...households import services
from ...households.forms import HouseholdForm
from ...households.messages import message
from ...households.nik import mask_nik
from ...i18n import current_language
from ...models import Household, HouseholdStatus, Role
from ...phones import mask_phone
from ...reference import vocabulary
from .core import (
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
from .schemas import (
    HouseholdFilterSchema,
    HouseholdPageSchema,
    HouseholdSchema,
    HouseholdWriteSchema,
)

blp = protect(Blueprint(
    "api_v1_households", __name__, url_prefix="/api/v1/households",
    description="The caseload: a facilitator's households (a coordinator's whole area, read-only).",
))

VIEWERS = (Role.FACILITATOR, Role.COORDINATOR)
# Fields of the API body that are the form's fields under the same name.
TEXT_FIELDS = ("nik", "kk_number", "full_name", "phone", "address", "pkh_participant_id", "skills_text", "interests",
               "work_experience", "business_experience", "work_preference", "travel_range", "income_bracket", "status")
NUMBER_FIELDS = ("year_joined", "hours_per_week")
FLAG_FIELDS = ("home_based_only", "has_savings")
LIST_FIELDS = ("skills", "constraints", "assets")
# Form field names that the API calls differently.
FORM_TO_API = {"desa": "desa_code", "other_assets": "assets_text"}
IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the household as last read (from GET): a stale one gets 412."}
ETAG_HEADER = {"ETag": {"description": "The household's version, for If-Match.", "schema": {"type": "string"}}}


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 412: "PRECONDITION_FAILED",
             422: "UNPROCESSABLE_CONTENT", 428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


# Representations ------------------------------------------------------------------------------


def full_representation(household: Household) -> dict[str, Any]:
    """Everything the API tells about ``household``, identity unmasked (also the ETag's input)."""
    return {
        "id": household.id,
        "identity_shown": True,
        "nik": household.nik,
        "kk_number": household.kk_number,
        "full_name": household.full_name,
        "birth_date": household.birth_date,
        "phone": household.phone,
        "address": household.address,
        "desa_code": household.desa_code,
        "desa_name": household.desa.name if household.desa else None,
        "facilitator_id": household.facilitator_id,
        "pkh_participant_id": household.pkh_participant_id,
        "components": {key: count for key, count in (household.components or {}).items() if count},
        "year_joined": household.year_joined,
        "skills_text": household.skills_text or "",
        "skills": [skill.slug for skill in household.skills],
        "interests": household.interests or "",
        "work_experience": household.work_experience or "",
        "business_experience": household.business_experience or "",
        "work_preference": household.work_preference,
        "hours_per_week": household.hours_per_week,
        "travel_range": household.travel_range,
        "home_based_only": bool(household.home_based_only),
        "constraints": list(household.constraints or []),
        "assets": list(household.assets or []),
        "assets_text": household.assets_text or "",
        "income_bracket": household.income_bracket,
        "has_savings": bool(household.has_savings),
        "status": household.status,
        "graduation_type": household.graduation_type,
        "graduated_on": household.graduated_on,
        "likely_duplicate_of_id": household.likely_duplicate_of_id,
        # Stored as naive UTC: said so, as RFC 3339 (and the OpenAPI document) want.
        "created_at": household.created_at.replace(tzinfo=dt.UTC) if household.created_at else None,
        "updated_at": household.updated_at.replace(tzinfo=dt.UTC) if household.updated_at else None,
    }


def representation(household: Household, identity: bool) -> dict[str, Any]:
    """``household`` as the caller may see it: identity masked, as on her page, unless ``identity``."""
    data = full_representation(household)
    if not identity:
        data.update(
            identity_shown=False,
            nik=mask_nik(household.nik),
            kk_number=mask_nik(household.kk_number) if household.kk_number else None,
            phone=mask_phone(household.phone) if household.phone else None,
            birth_date=None,
        )
    return data


def summary(household: Household) -> dict[str, Any]:
    """A list item: the NIK masked, as on the caseload page."""
    return {
        "id": household.id,
        "full_name": household.full_name,
        "nik_masked": mask_nik(household.nik),
        "desa_code": household.desa_code,
        "desa_name": household.desa.name if household.desa else None,
        "status": household.status,
        "work_preference": household.work_preference,
        "facilitator_id": household.facilitator_id,
    }


def _answer(household: Household, status: int = 200, headers: dict[str, str] | None = None):
    identity = services.can_see_identity(current_user, household)
    if identity:
        services.record_identity_shown(current_user, household)
    etag = etag_of(full_representation(household))
    return representation(household, identity), status, {"ETag": f'"{etag}"', **(headers or {})}


# The list -------------------------------------------------------------------------------------


@blp.route("", methods=["GET"])
@roles_required(*VIEWERS)
@blp.arguments(HouseholdFilterSchema, location="query", as_kwargs=True)
@blp.response(200, HouseholdPageSchema)
@_problems(401, 403, 422, 429)
def list_households(cursor: str | None = None, limit: int | None = None, **filter_args: Any):
    """The caseload with the caseload page's filters, in a stable order (by id), a page at a time.

    A name in `q` is searched despite typos and ranked best first, as on the page.
    """
    refuse_nul({"cursor": cursor, **filter_args})
    size = page_size(limit)
    filters = services.CaseloadFilters(
        desa=filter_args.get("desa") or "",
        status=filter_args.get("status") or "",
        skill_category=filter_args.get("skill_category") or "",
        work_preference=filter_args.get("work_preference") or "",
        q=(filter_args.get("q") or "").strip()[:100],
    )
    fingerprint = query_fingerprint(dataclasses.asdict(filters))
    position = decode_cursor(cursor, fingerprint) or {}
    base = services.caseload_query(current_user, filters)
    name = services.name_query(filters)
    if name is None:
        after = int(position.get("after") or 0)
        rows = list(db.session.scalars(
            base.where(Household.id > after).options(selectinload(Household.desa))
            .order_by(Household.id).limit(size + 1)
        ))
        items, more = rows[:size], len(rows) > size
        next_position = {"after": items[-1].id} if more and items else None
    else:
        candidates = db.session.execute(
            base.with_only_columns(Household.id, Household.full_name).order_by(Household.full_name, Household.id)
        ).all()
        ranked = services.search_names(name, [(row[0], row[1]) for row in candidates])
        start = int(position.get("offset") or 0)
        if position.get("after") in ranked:
            start = ranked.index(position["after"]) + 1
        page_ids = ranked[start:start + size]
        by_id = {household.id: household for household in db.session.scalars(
            select(Household).where(Household.id.in_(page_ids)).options(selectinload(Household.desa)))}
        items = [by_id[i] for i in page_ids if i in by_id]
        more = start + size < len(ranked)
        next_position = {"after": page_ids[-1], "offset": start + size} if more and page_ids else None
    return list_page([summary(household) for household in items], next_position, fingerprint, size,
                     target="household")


# One household --------------------------------------------------------------------------------


def _visible_or_404(household_id: int, *, for_update: bool = False) -> Household:
    return found_or_404(lambda row_id: services.get_visible_household(current_user, row_id), household_id,
                        "household", for_update=for_update)


@blp.route("/<int:household_id>", methods=["GET"])
@roles_required(*VIEWERS)
@blp.response(200, HouseholdSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_household(household_id: int):
    """One household, as on her page: the full NIK, KK, phone and birth date to those who see them there
    (the owning facilitator and the coordinator; audited as shown), masked otherwise."""
    return _answer(_visible_or_404(household_id))


# Writes ---------------------------------------------------------------------------------------


def _form_data(values: dict[str, Any]) -> MultiDict:
    """The API body as the household form's posted fields."""
    data: MultiDict = MultiDict()
    for name in TEXT_FIELDS:
        if values.get(name) is not None:
            data[name] = str(values[name])
    for name in NUMBER_FIELDS:
        if values.get(name) is not None:
            data[name] = str(values[name])
    for name in FLAG_FIELDS:
        if values.get(name):
            data[name] = "y"
    for name in LIST_FIELDS:
        for item in values.get(name) or []:
            data.add(name, item)
    if values.get("birth_date") is not None:
        data["birth_date"] = values["birth_date"].isoformat()
    if values.get("desa_code"):
        data["desa_code"] = values["desa_code"]
    if values.get("assets_text"):
        data["other_assets"] = values["assets_text"]
    for key, count in (values.get("components") or {}).items():
        if count is not None:
            data[f"components-{key}"] = str(count)
    return data


def _form_errors(errors: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, messages in errors.items():
        api_name = FORM_TO_API.get(name, name)
        if isinstance(messages, dict):  # the components sub-form
            for key, texts in messages.items():
                out[f"{api_name}.{key}"] = [str(text) for text in texts]
        else:
            out[api_name] = [str(text) for text in messages]
    return out


def _validated_form(values: dict[str, Any]) -> HouseholdForm:
    """The household form filled with ``values`` and validated as the page validates it; 422 if not valid."""
    refuse_nul(values)
    form = HouseholdForm(formdata=_form_data(values), meta={"csrf": False})
    form.facilitator = current_user
    options = services.skill_options(form.skills_text.data or "", list(values.get("skills") or []),
                                     current_language())
    form.skill_options = options
    form.skills.choices = [(option.slug, option.label) for option in options]
    if not form.validate():
        raise problem(422, errors=_form_errors(form.errors))
    return form


def _refusal(error: services.HouseholdError):
    db.session.rollback()
    if error.code == "not_allowed":
        return problem(403)
    field = FORM_TO_API.get(error.field or "", error.field or "")
    return problem(422, errors={field: [message(error.code, **error.params)]})


@blp.route("", methods=["POST"])
@roles_required(Role.FACILITATOR)
@blp.arguments(HouseholdWriteSchema)
@blp.response(201, HouseholdSchema, headers=ETAG_HEADER)
@_problems(401, 403, 422, 429)
def create_household(values: dict[str, Any]):
    """Register a household in her caseload (facilitators), with the household form's checks and messages."""
    form = _validated_form(values)
    try:
        household = services.create_household(current_user, form.to_data(form.resolved_desa_code),
                                              form.skills.data or [])
    except services.HouseholdError as error:
        raise _refusal(error) from None
    g.api_target = ("household", household.id)
    location = url_for("api_v1_households.get_household", household_id=household.id)
    return _answer(household, 201, {"Location": location})


def _current_values(household: Household) -> dict[str, Any]:
    """Her stored profile as an API body, the base a PATCH changes."""
    values = {name: value for name, value in full_representation(household).items()
              if name in HouseholdWriteSchema._declared_fields}
    # Stored words that are no code of the vocabulary (older rows) go where the form puts words it
    # does not know, beside the assets typed in her words, rather than being refused or lost.
    known_assets = set(vocabulary.codes("asset"))
    unknown = [item for item in values["assets"] if item not in known_assets]
    if unknown:
        values["assets"] = [item for item in values["assets"] if item in known_assets]
        values["assets_text"] = ", ".join(filter(None, [values["assets_text"], *unknown]))
    known_constraints = set(vocabulary.codes("constraint"))
    values["constraints"] = [item for item in values["constraints"] if item in known_constraints]
    if household.status not in services.MANUAL_STATUSES:
        # In progress or graduated is kept by the service whatever the form says; the form offers
        # only the manual statuses, so it is given one that it accepts.
        values["status"] = HouseholdStatus.ACTIVE
    return values


@blp.route("/<int:household_id>", methods=["PATCH"])
@roles_required(Role.FACILITATOR)
@blp.arguments(HouseholdWriteSchema)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, HouseholdSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 412, 422, 428, 429)
def update_household(changes: dict[str, Any], household_id: int):
    """Change fields of a profile in her own caseload. `If-Match` must carry the ETag last read:
    a missing one gets 428, a stale one 412, and nothing is written."""
    household = _visible_or_404(household_id, for_update=True)
    if not services.can_edit(current_user, household):
        raise problem(403)
    require_if_match(etag_of(full_representation(household)))
    values = {**_current_values(household), **changes}
    if "components" in changes:
        # As in a JSON merge patch, a nested object changes only the keys it names.
        values["components"] = {**_current_values(household)["components"], **changes["components"]}
    form = _validated_form(values)
    data = form.to_data(form.resolved_desa_code)
    # Words of sheet cells no vocabulary knew: the form does not show them, so it must not erase them.
    data.profile_notes = household.profile_notes or ""
    try:
        services.update_household(current_user, household, data, form.skills.data or [])
    except services.HouseholdError as error:
        raise _refusal(error) from None
    db.session.refresh(household)
    return _answer(household)
