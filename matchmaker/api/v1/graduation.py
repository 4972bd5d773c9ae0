"""``/api/v1/graduation``: graduation records and follow-up check-ins, with the pages' scoping and services.

A facilitator sends a household's graduation (``submit``), a coordinator of its district approves
it (with a written reason when required checklist items do not hold: an override) or sends it back
(``reject``); her facilitator records the 3, 6 and 12-month check-ins. Every write is validated by
the graduation pages' own form and then :mod:`matchmaker.graduation.services`, so that a script
gets the same refusals, in the same words, as a person at the page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict
from wtforms import Form

from ...auth.decorators import roles_required
from ...extensions import db
from ...graduation import services
from ...graduation.forms import ApproveForm, AssessmentForm, CheckinForm, GraduateForm, RejectForm, message
from ...households import services as household_services
from ...models import GraduationCheckin, GraduationRecord, Household, Role
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
from .schemas_graduation import (
    ApprovalSchema,
    AssessmentSchema,
    CheckinFilterSchema,
    CheckinPageSchema,
    CheckinSchema,
    ChecklistSchema,
    RecordFilterSchema,
    RecordPageSchema,
    RecordSchema,
    RejectionSchema,
    SubmissionSchema,
    VisitSchema,
)

blp = protect(Blueprint(
    "api_v1_graduation", __name__, url_prefix="/api/v1/graduation",
    description="Graduation records (a facilitator sends, a coordinator approves or sends back) and the "
                "follow-up check-ins after graduating.",
))

VIEWERS = (Role.FACILITATOR, Role.COORDINATOR)
ETAG_HEADER = {"ETag": {"description": "The version, for If-Match.", "schema": {"type": "string"}}}


def _if_match(what: str) -> dict[str, Any]:
    return {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": f"The ETag of the {what} as last read (from GET): a stale one gets 412."}


def _problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    names = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 412: "PRECONDITION_FAILED",
             422: "UNPROCESSABLE_CONTENT", 428: "PRECONDITION_REQUIRED", 429: "TOO_MANY_REQUESTS"}

    def decorate(view):
        for status in statuses:
            view = blp.alt_response(status, response=names[status])(view)
        return view

    return decorate


def _int_column(value: int) -> int:
    """``value`` kept within an INTEGER column's range: past it no row exists, and the database would
    refuse to compare (a 500, not an empty list)."""
    return max(-MAX_ID - 1, min(value, MAX_ID))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # Stored as naive UTC: said so, as RFC 3339 (and the OpenAPI document) want.
    return value.replace(tzinfo=dt.UTC) if value else None


# Representations ------------------------------------------------------------------------------


def record_summary(record: GraduationRecord) -> dict[str, Any]:
    """A record in a list (also the ETag's base: none of it depends on the day or the language)."""
    household = record.household
    return {
        "id": record.id,
        "household_id": record.household_id,
        "household_name": household.full_name,
        "desa_code": household.desa_code,
        "desa_name": household.desa.name if household.desa else None,
        "status": record.status,
        "graduation_type": record.graduation_type,
        "graduated_on": record.graduated_on,
        "submitted_by_id": record.submitted_by_id,
        "reviewed_by_id": record.approved_by_id,
        "reviewed_at": _utc(record.approved_at),
        "created_at": _utc(record.created_at),
    }


def record_state(record: GraduationRecord) -> dict[str, Any]:
    """What a review may not overwrite unseen: the record and its check-ins (the ETag's input)."""
    return {
        **record_summary(record),
        "evidence": record.evidence,
        "rejection_reason": record.rejection_reason,
        "override_reason": record.override_reason,
        "checkins": [{"id": c.id, "months_after": c.months_after, "due_on": c.due_on, "done_on": c.done_on,
                      "monthly_income": c.monthly_income} for c in services.checkins_of(record.household)],
    }


def record_etag(record: GraduationRecord) -> str:
    """The record's ETag."""
    return etag_of(record_state(record))


def _readiness(household: Household) -> dict[str, Any]:
    check = services.readiness(household)
    return {
        "score": check.score,
        "ready": check.ready,
        "natural_possible": check.natural_possible,
        "missing_required": [criterion.code for criterion in check.missing_required],
        "items": [{"code": criterion.code, "label": str(criterion.label), "weight": criterion.weight,
                   "required": criterion.required, "holds": result.holds} for criterion, result in check.items],
    }


def _record_answer(record: GraduationRecord, status: int = 200, headers: dict[str, str] | None = None):
    state = record_state(record)
    today = services.today()
    checkins = {c.id: services.checkin_state(c, today) for c in services.checkins_of(record.household)}
    body = {**state, "checkins": [{**item, "state": checkins[item["id"]]} for item in state["checkins"]],
            "readiness": _readiness(record.household)}
    return body, status, {"ETag": f'"{etag_of(state)}"', **(headers or {})}


def checkin_state_of(checkin: GraduationCheckin) -> dict[str, Any]:
    """A check-in as stored (the ETag's input: not where it stands today)."""
    household = checkin.household
    return {
        "id": checkin.id,
        "record_id": checkin.record_id,
        "household_id": checkin.household_id,
        "household_name": household.full_name,
        "desa_code": household.desa_code,
        "desa_name": household.desa.name if household.desa else None,
        "months_after": checkin.months_after,
        "due_on": checkin.due_on,
        "done_on": checkin.done_on,
        "monthly_income": checkin.monthly_income,
        "note": checkin.note,
        "recorded_by_id": checkin.recorded_by_id,
    }


def checkin_etag(checkin: GraduationCheckin) -> str:
    """The check-in's ETag."""
    return etag_of(checkin_state_of(checkin))


def checkin_body(checkin: GraduationCheckin, on: dt.date) -> dict[str, Any]:
    """A check-in with where it stands on ``on``."""
    return {**checkin_state_of(checkin), "state": services.checkin_state(checkin, on)}


# Validation -----------------------------------------------------------------------------------


def _validated(form_class: type[Form], values: dict[str, Any]) -> Form:
    """The page's form filled with ``values`` and validated as the page validates it; 422 if not valid."""
    refuse_nul(values)
    data: MultiDict = MultiDict()
    for name, value in values.items():
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "y"
        elif isinstance(value, dt.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    form = form_class(formdata=data, meta={"csrf": False})
    if not form.validate():
        errors = {name: [str(text) for text in texts] for name, texts in form.errors.items()
                  if name != "submission_token"}
        raise problem(422, errors=errors)
    return form


def _refusal(invalid: services.GraduationInvalid):
    """The services' error codes as a problem: a state that forbids the step is a 409, a field a 422."""
    db.session.rollback()
    if "" in invalid.errors:
        return problem(409, message(invalid.errors[""]))
    return problem(422, errors={name: [message(code)] for name, code in invalid.errors.items()})


def _if_match_or_refuse(current_etag: str, stale: str) -> None:
    """``If-Match`` as :func:`require_if_match` checks it, a stale one told in words about this resource."""
    try:
        require_if_match(current_etag)
    except ApiProblem as error:
        if error.code == 412:
            raise problem(412, stale) from None
        raise


def _lock(model: type, row_id: int) -> None:
    # Lock the row until the write commits, so that two writers holding the same ETag cannot both
    # pass the If-Match check (PostgreSQL; SQLite serialises writes anyway).
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update())


# Records --------------------------------------------------------------------------------------


@blp.route("/records", methods=["GET"])
@roles_required(*VIEWERS)
@blp.arguments(RecordFilterSchema, location="query", as_kwargs=True)
@blp.response(200, RecordPageSchema)
@_problems(401, 403, 422, 429)
def list_records(cursor: str | None = None, limit: int | None = None, status: str | None = None,
                 household_id: int | None = None):
    """The graduation records of her own households (a facilitator) or of her district (a coordinator),
    oldest first; `status=pending` is a coordinator's queue."""
    refuse_nul({"cursor": cursor})
    size = page_size(limit)
    fingerprint = query_fingerprint({"status": status, "household_id": household_id})
    after = int((decode_cursor(cursor, fingerprint) or {}).get("after") or 0)
    query = services.records_query(current_user).where(GraduationRecord.id > after)
    if status:
        query = query.where(GraduationRecord.status == status)
    if household_id is not None:
        query = query.where(GraduationRecord.household_id == _int_column(household_id))
    rows = list(db.session.scalars(
        query.options(joinedload(GraduationRecord.household).joinedload(Household.desa))
        .order_by(GraduationRecord.id).limit(size + 1)
    ).unique())
    items, more = rows[:size], len(rows) > size
    next_position = {"after": items[-1].id} if more and items else None
    return list_page([record_summary(record) for record in items], next_position, fingerprint, size,
                     target="graduation_record")


def _record_or_404(record_id: int, *, for_update: bool = False) -> GraduationRecord:
    return found_or_404(lambda row_id: services.visible_record(current_user, row_id), record_id,
                        "graduation_record", for_update=for_update)


@blp.route("/records/<int:record_id>", methods=["GET"])
@roles_required(*VIEWERS)
@blp.response(200, RecordSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_record(record_id: int):
    """A graduation record as on its page, with the household's readiness checklist today."""
    return _record_answer(_record_or_404(record_id))


@blp.route("/households/<int:household_id>/records", methods=["POST"])
@roles_required(Role.FACILITATOR)
@blp.arguments(SubmissionSchema)
@blp.response(201, RecordSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 409, 422, 429)
def submit_record(values: dict[str, Any], household_id: int):
    """Her facilitator sends the household's graduation to a coordinator for approval (the graduate page).

    A self-reliant graduation before the checklist's required items hold needs `confirm_not_ready`;
    a household already graduated, exited or waiting for a coordinator gets 409.
    """
    household = _household_or_404(household_id)
    if not services.can_manage(current_user, household):
        raise problem(403)
    form = _validated(GraduateForm, values)
    # One graduation waits at a time: concurrent twins queue on the household's row (PostgreSQL).
    _lock(Household, household.id)
    db.session.refresh(household)
    try:
        record = services.submit(current_user, household, form.data_object())
    except services.GraduationInvalid as invalid:
        raise _refusal(invalid) from None
    g.api_target = ("graduation_record", record.id)
    location = url_for("api_v1_graduation.get_record", record_id=record.id)
    return _record_answer(record, 201, {"Location": location})


def _review(record_id: int) -> GraduationRecord:
    """The record a coordinator reviews, locked and checked against `If-Match`."""
    record = _record_or_404(record_id, for_update=True)
    if not services.can_review(current_user, record.household):
        raise problem(403)
    _if_match_or_refuse(record_etag(record), _("The graduation record was changed since you read it. Read it "
                                               "again and repeat your decision."))
    return record


@blp.route("/records/<int:record_id>/approve", methods=["POST"])
@roles_required(Role.COORDINATOR)
@blp.arguments(ApprovalSchema)
@blp.doc(parameters=[_if_match("record")])
@blp.response(200, RecordSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 409, 412, 422, 428, 429)
def approve_record(values: dict[str, Any], record_id: int):
    """A coordinator of the district approves: the household graduates and its check-ins are scheduled.

    When required checklist items do not hold, approving is an override and needs a `reason`, kept
    on the record. A record already reviewed gets 409.
    """
    record = _review(record_id)
    form = _validated(ApproveForm, values)
    try:
        services.approve(current_user, record, form.reason.data or "")
    except services.GraduationInvalid as invalid:
        raise _refusal(invalid) from None
    db.session.refresh(record)
    return _record_answer(record)


@blp.route("/records/<int:record_id>/reject", methods=["POST"])
@roles_required(Role.COORDINATOR)
@blp.arguments(RejectionSchema)
@blp.doc(parameters=[_if_match("record")])
@blp.response(200, RecordSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 409, 412, 422, 428, 429)
def reject_record(values: dict[str, Any], record_id: int):
    """A coordinator of the district sends the graduation back with a reason the facilitator reads;
    she may send it again. A record already reviewed gets 409."""
    record = _review(record_id)
    form = _validated(RejectForm, values)
    try:
        services.reject(current_user, record, form.reason.data or "")
    except services.GraduationInvalid as invalid:
        raise _refusal(invalid) from None
    db.session.refresh(record)
    return _record_answer(record)


# The readiness checklist ----------------------------------------------------------------------

ASSESSMENT_FIELDS = ("household_size", "children_in_school", "monthly_income", "income_since", "livelihood_since")


def assessment_of(household: Household) -> dict[str, Any]:
    """Her facilitator's confirmations as stored (the checklist's ETag input)."""
    stored = services.get_assessment(household)
    return {"household_id": household.id,
            **{name: getattr(stored, name) if stored is not None else None for name in ASSESSMENT_FIELDS}}


def _checklist_answer(household: Household):
    assessment = assessment_of(household)
    body = {"household_id": household.id, "assessment": {name: assessment[name] for name in ASSESSMENT_FIELDS},
            "readiness": _readiness(household)}
    return body, 200, {"ETag": f'"{etag_of(assessment)}"'}


def _household_or_404(household_id: int) -> Household:
    return found_or_404(lambda row_id: household_services.get_visible_household(current_user, row_id), household_id,
                        "household")


@blp.route("/households/<int:household_id>/readiness", methods=["GET"])
@roles_required(*VIEWERS)
@blp.response(200, ChecklistSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_checklist(household_id: int):
    """The household's readiness checklist, as on its page: what holds, the score, what is missing."""
    return _checklist_answer(_household_or_404(household_id))


@blp.route("/households/<int:household_id>/readiness", methods=["PUT"])
@roles_required(Role.FACILITATOR)
@blp.arguments(AssessmentSchema)
@blp.doc(parameters=[_if_match("checklist")])
@blp.response(200, ChecklistSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 412, 422, 428, 429)
def put_checklist(values: dict[str, Any], household_id: int):
    """Her facilitator confirms what the data cannot tell (the checklist form): a field left out or null
    is not confirmed. `If-Match` must carry the ETag last read."""
    household = _household_or_404(household_id)
    if not services.can_manage(current_user, household):
        raise problem(403)
    _lock(Household, household.id)
    _if_match_or_refuse(etag_of(assessment_of(household)),
                        _("The checklist was changed since you read it. Read it again and repeat your change."))
    form = _validated(AssessmentForm, values)
    try:
        services.save_assessment(current_user, household, form.data_object())
    except services.GraduationInvalid as invalid:
        raise _refusal(invalid) from None
    return _checklist_answer(household)


# Check-ins ------------------------------------------------------------------------------------


@blp.route("/checkins", methods=["GET"])
@roles_required(Role.FACILITATOR)
@blp.arguments(CheckinFilterSchema, location="query", as_kwargs=True)
@blp.response(200, CheckinPageSchema)
@_problems(401, 403, 422, 429)
def list_checkins(cursor: str | None = None, limit: int | None = None, state: str | None = None,
                  household_id: int | None = None):
    """Her graduated households' check-ins, earliest due first; `state` as of today (overdue, due, upcoming,
    done; open is all but done)."""
    refuse_nul({"cursor": cursor})
    size = page_size(limit)
    today = services.today()
    fingerprint = query_fingerprint({"state": state, "household_id": household_id, "on": today.isoformat()})
    position = decode_cursor(cursor, fingerprint) or {}
    query = services.checkins_query(current_user)
    if state:
        query = query.where(services.checkin_state_condition(state, today))
    if household_id is not None:
        query = query.where(GraduationCheckin.household_id == _int_column(household_id))
    if position:
        try:
            due_on, after = dt.date.fromisoformat(str(position["due_on"])), int(position["after"])
        except (KeyError, TypeError, ValueError):
            raise problem(422, errors={"cursor": [_("This cursor is not valid for this list. Start again without "
                                                     "it.")]}) from None
        query = query.where(or_(GraduationCheckin.due_on > due_on,
                                and_(GraduationCheckin.due_on == due_on, GraduationCheckin.id > after)))
    rows = list(db.session.scalars(
        query.options(joinedload(GraduationCheckin.household).joinedload(Household.desa))
        .order_by(GraduationCheckin.due_on, GraduationCheckin.id).limit(size + 1)
    ).unique())
    items, more = rows[:size], len(rows) > size
    next_position = {"due_on": items[-1].due_on.isoformat(), "after": items[-1].id} if more and items else None
    return list_page([checkin_body(checkin, today) for checkin in items], next_position, fingerprint, size,
                     target="graduation_checkin")


def _checkin_or_404(checkin_id: int, *, for_update: bool = False) -> GraduationCheckin:
    return found_or_404(lambda row_id: services.visible_checkin(current_user, row_id), checkin_id,
                        "graduation_checkin", for_update=for_update)


def _checkin_answer(checkin: GraduationCheckin):
    return checkin_body(checkin, services.today()), 200, {"ETag": f'"{checkin_etag(checkin)}"'}


@blp.route("/checkins/<int:checkin_id>", methods=["GET"])
@roles_required(Role.FACILITATOR)
@blp.response(200, CheckinSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 429)
def get_checkin(checkin_id: int):
    """One check-in of her graduated households."""
    return _checkin_answer(_checkin_or_404(checkin_id))


@blp.route("/checkins/<int:checkin_id>", methods=["PUT"])
@roles_required(Role.FACILITATOR)
@blp.arguments(VisitSchema)
@blp.doc(parameters=[_if_match("check-in")])
@blp.response(200, CheckinSchema, headers=ETAG_HEADER)
@_problems(401, 403, 404, 412, 422, 428, 429)
def record_checkin(values: dict[str, Any], checkin_id: int):
    """Record what she found on the follow-up visit (or correct it), as on the check-in page.

    `If-Match` must carry the ETag last read: a missing one gets 428, a stale one 412.
    """
    checkin = _checkin_or_404(checkin_id, for_update=True)
    _if_match_or_refuse(checkin_etag(checkin), _("The check-in was changed since you read it. Read it again and "
                                                 "repeat your change."))
    form = _validated(CheckinForm, values)
    try:
        services.record_checkin(current_user, checkin, form.data_object())
    except services.GraduationInvalid as invalid:
        raise _refusal(invalid) from None
    db.session.refresh(checkin)
    return _checkin_answer(checkin)
