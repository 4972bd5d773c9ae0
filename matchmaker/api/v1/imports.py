"""``/api/v1/imports``: upload a household sheet, read its preview, confirm it.

The same steps as the import pages, through the same services: :func:`tasks.services.submit_import`
(a sheet over ``IMPORT_QUEUE_ROWS`` rows is checked by the worker: the answer is then ``202`` and a
job, see ``/api/v1/jobs``), :func:`importer.get_import` (her own unexpired uploads only),
:func:`importer.preview_counts` and :func:`importer.confirm_import` with the preview page's update
choice. Refusals carry the importer's messages, in the caller's language.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict, FileStorage

from ...auth.decorators import roles_required
from ...extensions import db
from ...households import importer
from ...households.messages import message
from ...models import Role
from ...tasks import services as task_services
from .core import (
    MAX_ID,
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
from .jobs import job_answer
from .schemas_imports import (
    ImportConfirmSchema,
    ImportRowArgsSchema,
    ImportRowPageSchema,
    ImportSchema,
    ImportUploadSchema,
    JobSchema,
)


class MultipartParser(FlaskParser):
    """Reads a ``multipart/form-data`` body's fields and files as one location, as a page's form is read."""

    __location_map__ = dict(multipart="load_multipart", **FlaskParser.__location_map__)

    def load_multipart(self, req, schema):
        """The form's fields and files together."""
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class MultipartBlueprint(Blueprint):
    """A flask-smorest blueprint that also takes (and documents) ``multipart/form-data`` bodies."""

    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


blp = protect(MultipartBlueprint(
    "api_v1_imports", __name__, url_prefix="/api/v1/imports",
    description="Household sheets: upload, preview, confirm (facilitators, their own uploads, kept a day).",
))

IF_MATCH = {"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"},
            "description": "The ETag of the upload as last read: a stale one gets 412."}
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False,
                   "schema": {"type": "string", "maxLength": 100},
                   "description": "Sending a large sheet again with the same key returns the job already made."}
ETAG_HEADER = {"ETag": {"description": "The upload's version, for If-Match.", "schema": {"type": "string"}}}
LOCATION_HEADER = {"Location": {"description": "The job to follow.", "schema": {"type": "string"}}}


def problems(*statuses: int):
    """Document the problem+json answers an operation can give."""
    import http

    def decorate(view):
        for status in statuses:
            name = "UNPROCESSABLE_CONTENT" if status == 422 else http.HTTPStatus(status).name
            view = blp.alt_response(status, response=name)(view)
        return view

    return decorate


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value else None


def representation(batch: Any) -> dict[str, Any]:
    """An upload as the API tells it (no NIK: the stored preview holds none)."""
    return {
        "id": batch.id,
        "filename": batch.filename,
        "state": "applied" if batch.applied_at else "previewed",
        "update_existing": bool(batch.update_existing),
        "counts": importer.preview_counts(batch),
        "columns": dict(batch.preview.get("columns", {})),
        "ignored_headers": list(batch.preview.get("ignored_headers", [])),
        "result": dict(batch.result) if batch.result else None,
        "rows_url": url_for("api_v1_imports.list_rows", import_id=batch.id),
        "created_at": _utc(batch.created_at),
        "expires_at": _utc(batch.expires_at),
        "applied_at": _utc(batch.applied_at),
    }


def _answer(batch: Any, status: int = 200, headers: dict[str, str] | None = None):
    data = representation(batch)
    return data, status, {"ETag": f'"{etag_of(data)}"', **(headers or {})}


def _own_or_404(import_id: int) -> Any:
    return found_or_404(lambda row_id: importer.get_import(current_user, row_id), import_id, "household_import")


def _refused(error: importer.ImportFileError, status: int = 422):
    db.session.rollback()
    return problem(status, error.message() if status != 422 else None,
                   errors={"file": [error.message()]} if status == 422 else None)


@blp.route("", methods=["POST"])
@roles_required(Role.FACILITATOR)
@blp.arguments(ImportUploadSchema, location="multipart")
@blp.doc(parameters=[IDEMPOTENCY_KEY])
@blp.response(201, ImportSchema, headers={**ETAG_HEADER, "Location": {
    "description": "The upload's address.", "schema": {"type": "string"}}})
@blp.alt_response(202, schema=JobSchema, headers=LOCATION_HEADER,
                  description="A large sheet: checked in the background; follow the job (Location).")
@problems(401, 403, 413, 422, 429)
def upload_import(values: dict[str, Any]):
    """Upload a sheet (.xlsx or .csv, at most 10 MB), checked as the import page checks it; nothing is written
    until it is confirmed. A sheet of more rows than the queue's threshold answers 202 with a job."""
    upload = values.get("file")
    if not isinstance(upload, FileStorage) or not upload.filename:
        raise problem(422, errors={"file": [message("required")]})
    refuse_nul({"file": upload.filename})
    content = upload.read(importer.MAX_BYTES + 1)
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    try:
        batch, job = task_services.submit_import(
            current_user, content, upload.filename, update_existing=bool(values.get("update_existing")),
            request_key=f"api:{key}" if key else task_services.new_request_key(),
        )
    except importer.ImportFileError as error:
        raise _refused(error) from None
    if job is not None:
        g.api_target = ("job", job.id)
        return job_answer(job, 202)
    g.api_target = ("household_import", batch.id)
    return _answer(batch, 201, {"Location": url_for("api_v1_imports.get_import", import_id=batch.id)})


@blp.route("/<int:import_id>", methods=["GET"])
@roles_required(Role.FACILITATOR)
@blp.response(200, ImportSchema, headers=ETAG_HEADER)
@problems(401, 403, 404, 429)
def get_import(import_id: int):
    """One of her uploads: the preview's figures (rows at `rows_url`), or what confirming it did."""
    return _answer(_own_or_404(import_id))


def _row(data: dict[str, Any]) -> dict[str, Any]:
    row = importer.row_from_json(data)
    flag_reason = None
    if row.flagged:
        flag_reason = (message("duplicate.row", row=row.duplicate_of_row) if row.duplicate_of_row
                       else message("duplicate.household"))
    return {
        "row": row.row,
        "status": row.status,
        "name": row.name,
        "desa_code": row.desa_code,
        "existing_household_id": row.existing_id,
        "changes": list(row.changes),
        "updatable": row.updatable,
        "flagged": row.flagged,
        "flag_reason": flag_reason,
        "held_reason": message(row.held) if row.held else None,
        "duplicate_of_row": row.duplicate_of_row,
        "problems": [{"column": p.column, "message": p.message()} for p in row.problems],
        "warnings": [{"column": p.column, "message": p.message()} for p in row.warnings],
    }


@blp.route("/<int:import_id>/rows", methods=["GET"])
@roles_required(Role.FACILITATOR)
@blp.arguments(ImportRowArgsSchema, location="query", as_kwargs=True)
@blp.response(200, ImportRowPageSchema)
@problems(401, 403, 404, 422, 429)
def list_rows(import_id: int, cursor: str | None = None, limit: int | None = None, status: str | None = None):
    """The preview's rows in sheet order, a page at a time: what confirming would do with each, the refusals
    with their row and column, and the warnings (values kept as text), as on the preview page."""
    refuse_nul({"cursor": cursor, "status": status})
    batch = _own_or_404(import_id)
    if status and status not in importer.PREVIEW_STATUSES:
        text = _("Use one of: %(values)s.", values=", ".join(importer.PREVIEW_STATUSES))
        raise problem(422, errors={"status": [text]})
    size = page_size(limit)
    fingerprint = query_fingerprint({"import": batch.id, "status": status or ""})
    start = int((decode_cursor(cursor, fingerprint) or {}).get("offset") or 0)
    stored = [row for row in batch.preview.get("rows", []) if not status or row["status"] == status]
    items = stored[start:start + size]
    more = start + size < len(stored)
    return list_page([_row(row) for row in items], {"offset": start + size} if more else None, fingerprint, size)


@blp.route("/<int:import_id>/confirm", methods=["POST"])
@roles_required(Role.FACILITATOR)
@blp.arguments(ImportConfirmSchema, required=False)
@blp.doc(parameters=[IF_MATCH])
@blp.response(200, ImportSchema, headers=ETAG_HEADER)
@problems(401, 403, 404, 409, 412, 422, 428, 429)
def confirm_import(choice: dict[str, Any], import_id: int):
    """Import the valid rows in one transaction, as the preview page's button does; `If-Match` must carry the
    upload's ETag. `update_scope` is the page's update choice for the rows of your households."""
    batch = _own_or_404(import_id)
    require_if_match(etag_of(representation(batch)))
    scope = choice.get("update_scope")
    refuse_nul({"update_scope": scope})
    if scope not in (None, "all", "chosen"):
        raise problem(422, errors={"update_scope": [_("Use all, chosen or null.")]})
    rows = frozenset(number for number in choice.get("update_rows") or [] if 0 < number <= MAX_ID)
    try:
        importer.confirm_import(current_user, batch, update_all=None if scope is None else scope == "all",
                                update_rows=rows if scope == "chosen" else frozenset())
    except importer.ImportFileError as error:
        raise _refused(error, 409) from None
    db.session.refresh(batch)
    return _answer(batch)
