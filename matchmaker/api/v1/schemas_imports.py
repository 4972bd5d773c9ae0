"""Marshmallow schemas of ``/api/v1/imports`` and ``/api/v1/jobs`` (types and documentation only:
the checks are the importer's, with its messages)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .schemas import ListArgsSchema


class ImportUploadSchema(Schema):
    """A household sheet, sent as ``multipart/form-data`` like the import page's form."""

    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "The sheet: .xlsx or .csv, at most 10 MB (the import template's columns, or close to them).",
    })
    update_existing = fields.Boolean(load_default=False, metadata={
        "description": "When a NIK is already in your caseload: update her profile (true) or skip the row (false).",
    })


class ImportCountsSchema(Schema):
    """How many rows of the preview have each status."""

    new = fields.Integer(required=True, metadata={"description": "Rows that become new households."})
    update = fields.Integer(required=True, metadata={"description": "Rows that update one of your households."})
    skip = fields.Integer(required=True, metadata={"description": "Rows of your households left unchanged."})
    held = fields.Integer(required=True, metadata={"description": "Rows waiting for your decision."})
    error = fields.Integer(required=True, metadata={"description": "Rows refused (see their problems)."})
    all = fields.Integer(required=True)
    flagged = fields.Integer(required=True, metadata={"description": "Rows that look like another household."})
    updatable = fields.Integer(required=True, metadata={
        "description": "Rows of your households with changes: you may choose to update each (update_rows)."})


class ImportResultSchema(Schema):
    """What confirming did."""

    imported = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    flagged = fields.Integer(required=True)
    held = fields.Integer(required=True)
    errors = fields.Integer(required=True)


class ImportSchema(Schema):
    """An uploaded sheet: its preview's figures until it is confirmed, then what the confirmation did.

    Once confirmed, only the refused rows are kept (for correcting and uploading again).
    """

    id = fields.Integer(required=True)
    filename = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "previewed, or applied once confirmed."})
    update_existing = fields.Boolean(required=True, metadata={"description": "The upload's choice for your NIKs."})
    counts = fields.Nested(ImportCountsSchema, required=True)
    columns = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                          metadata={"description": "Each recognised field and the sheet's header for it."})
    ignored_headers = fields.List(fields.String(), required=True)
    result = fields.Nested(ImportResultSchema, required=True, allow_none=True)
    rows_url = fields.String(required=True, metadata={"description": "The preview's rows, a page at a time."})
    created_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True, metadata={"description": "When the upload is deleted."})
    applied_at = fields.DateTime(required=True, allow_none=True)


class CellProblemSchema(Schema):
    """A problem (or a warning) with one cell: the column as headed in the sheet and the message."""

    column = fields.String(required=True)
    message = fields.String(required=True)


class ImportRowSchema(Schema):
    """One row of the preview: what confirming would do with it, and why."""

    row = fields.Integer(required=True, metadata={"description": "The row's number in the sheet."})
    status = fields.String(required=True, metadata={"description": "new, update, skip, held or error."})
    name = fields.String(required=True)
    desa_code = fields.String(required=True, allow_none=True)
    existing_household_id = fields.Integer(required=True, allow_none=True,
                                           metadata={"description": "Your household this row is about."})
    changes = fields.List(fields.String(), required=True, metadata={"description": "The fields it would change."})
    updatable = fields.Boolean(required=True)
    flagged = fields.Boolean(required=True, metadata={"description": "Looks like another household."})
    flag_reason = fields.String(required=True, allow_none=True)
    held_reason = fields.String(required=True, allow_none=True)
    duplicate_of_row = fields.Integer(required=True, allow_none=True)
    problems = fields.List(fields.Nested(CellProblemSchema), required=True)
    warnings = fields.List(fields.Nested(CellProblemSchema), required=True)


class ImportRowPageSchema(Schema):
    """A page of the preview's rows and the cursor of the next one (null on the last page)."""

    items = fields.List(fields.Nested(ImportRowSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)
    limit = fields.Integer(required=True)


class ImportRowArgsSchema(ListArgsSchema):
    """Paging of the rows, and one status only if given (as the preview page's tabs)."""

    status = fields.String(metadata={"description": "new, update, skip, held or error."})


class ImportConfirmSchema(Schema):
    """The update choice of the preview page: every changed row of your households, only some, or the upload's."""

    update_scope = fields.String(allow_none=True, metadata={
        "description": "all (update every changed row of your households), chosen (only update_rows), "
                       "or null for the upload's choice (update_existing)."})
    update_rows = fields.List(fields.Integer(), metadata={
        "description": "With update_scope chosen: the sheet rows of your households to update."})


class JobSchema(Schema):
    """Background work you asked for (a large import): where it stands and, when done, where its result is."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "e.g. households.import."})
    status = fields.String(required=True, metadata={"description": "queued, running, retrying, done or failed."})
    progress = fields.Integer(required=True, metadata={"description": "Percent done, 0 to 100."})
    attempts = fields.Integer(required=True)
    max_attempts = fields.Integer(required=True)
    result_url = fields.String(required=True, allow_none=True,
                               metadata={"description": "Once done: the API resource of the result (an import)."})
    refusal = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True, allow_none=True,
                          metadata={"description": "Once done: why the file was refused, per field, if it was."})
    created_at = fields.DateTime(required=True)
    finished_at = fields.DateTime(required=True, allow_none=True)
