"""Importing household sheets: reading, header matching, row checks, the preview, and applying it.

The pipeline is the same for the web upload and the CLI:

1. :func:`read_table` reads an .xlsx or .csv file into a :class:`Table` (header row and data
   rows with their sheet row numbers), refusing files that are too large, of another type,
   empty or too long.
2. :func:`analyse` checks every row against the rules and the database (NIK structure and
   kecamatan, birth date, phone, desa resolved by name, duplicates inside the file and
   against the database) and says what confirming would do to it.
3. :func:`apply_import` re-runs the analysis against the database as it is then and writes
   the valid rows in one transaction.

Messages are codes (see :mod:`.messages`) until they are shown, so that the preview reads in
the language of whoever looks at it.

The package is split by concern: :mod:`.columns` (column specs, aliases, header detection, the
table as read), :mod:`.cells` (names, dates, hours, phones, the optional vocabulary cells),
:mod:`.lookups` (desa/region and skill lookups), :mod:`.analysis` (rows, repeats, comparison with
the database), :mod:`.writing` (the bulk write) and :mod:`.workbooks` (template, rejected rows).
This module reads files, applies imports and keeps uploads between preview and confirmation, and
re-exports the names callers used before the split.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import closing
from typing import Any

from sqlalchemy import update

from ...audit import record_audit
from ...extensions import db
from ...models import User
from ..messages import message  # noqa: F401 - re-exported: the views translate codes with it
from ..sheet_reader import SheetLimits, SheetRefused, read_rows
from .analysis import (  # noqa: F401 - the package's names, importable as before the split
    FREE_TEXT_KEYS,
    PERSONAL_KEYS,
    PROFILE_KEYS,
    Analysis,
    Problem,
    RowResult,
    _row_json,
    analyse,
    row_from_json,
)
from .cells import (  # noqa: F401 - the package's names, importable as before the split
    DAYS_A_WEEK,
    EMPTY_MARKERS,
    CellError,
    OptionalCell,
    cell_text,
    check_birth_date,
    is_formula,
    parse_assets,
    parse_choice,
    parse_components,
    parse_constraints,
    parse_date,
    parse_hours,
    parse_name,
    parse_phone,
    parse_yes_no,
)
from .columns import (  # noqa: F401 - the package's names, importable as before the split
    CHUNK,
    COLUMN_BY_KEY,
    COLUMNS,
    HEADER_FUZZY_CUTOFF,
    HEADER_SCAN_ROWS,
    NOT_COLUMNS,
    TEMPLATE_HEADERS,
    TEXT_LIMIT,
    ColumnSpec,
    ImportFileError,
    Table,
    _blank,
    _is_footer,
    _looks_like_header,
    _match_header_scored,
    _required_keys,
    match_header,
    squash,
)
from .lookups import (  # noqa: F401 - the package's names, importable as before the split
    RegionLookup,
    SkillLookup,
)
from .workbooks import (  # noqa: F401 - the package's names, importable as before the split
    neutralise,
    rejected_workbook,
    template_workbook,
)
from .writing import (  # noqa: F401 - the package's names, importable as before the split
    ImportResult,
    _write,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# What the reader accepts: the template's columns plus room for a register's own, blank rows
# up to as many as the data rows, and about 400 characters a row on average.
SHEET_LIMITS = SheetLimits(
    max_columns=len(COLUMNS) + 40,
    max_row_elements=2 * MAX_ROWS + HEADER_SCAN_ROWS,
    row_limit_label=f"{MAX_ROWS:,}".replace(",", "."),
    max_total_chars=20_000_000,
)


def read_table(content: bytes, filename: str) -> Table:
    """Read an uploaded file into a :class:`Table`, or raise :class:`ImportFileError`.

    Refuses files over 10 MB, anything but .xlsx and .csv, files the reader refuses (see
    :mod:`.sheet_reader`: zip bombs, malformed XML, cells too long or too far right), sheets
    without a recognisable header row in their first rows, without data rows, or with more
    than 50,000 rows. Reading stops as soon as a limit is passed.
    """
    if len(content) > MAX_BYTES:
        raise ImportFileError("too_large")
    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        raise ImportFileError("bad_type")
    if extension == "xlsx" and not content.startswith(b"PK"):
        raise ImportFileError("unreadable")
    # An instructions sheet may come first: each sheet in turn, until one has a header row.
    sheet = 0
    while True:
        try:
            with closing(read_rows(content, extension, SHEET_LIMITS, sheet)) as rows:
                table = _table_from_rows(rows)
        except SheetRefused as refused:
            if refused.code == "no_such_sheet":
                raise ImportFileError("no_header") from refused
            raise ImportFileError(refused.code, **refused.params) from refused
        if table is not None:
            return table
        sheet += 1


def _table_from_rows(rows: Iterable[tuple[int, list[Any]]]) -> Table | None:
    """The sheet as a :class:`Table`, or None when none of its first rows is a header row."""
    header: tuple[int, list[Any]] | None = None
    data: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if header is None:
            if number > HEADER_SCAN_ROWS:
                return None
            if _looks_like_header(cells):
                header = (number, cells)
            continue
        if _blank(cells) or _is_footer(cells):
            continue
        data.append((number, cells))
        if len(data) > MAX_ROWS:
            raise ImportFileError("too_many_rows", limit=f"{MAX_ROWS:,}".replace(",", "."))
    if header is None:
        return None
    headers = ["" if cell is None else str(cell).strip() for cell in header[1]]
    table = Table(headers, header[0], data)
    missing = [COLUMN_BY_KEY[key].header for key in _required_keys() if key not in table.column_map()]
    if missing:
        raise ImportFileError("missing_columns", columns=", ".join(missing))
    if not data:
        raise ImportFileError("no_rows")
    return table



def apply_import(
    facilitator: User,
    table: Table,
    *,
    update_existing: bool = True,
    update_rows: frozenset[int] = frozenset(),
    dry_run: bool = False,
    commit: bool = True,
    batch_id: int | None = None,
    answered_free: frozenset[int] = frozenset(),
    accept_flagged: bool = False,
) -> ImportResult:
    """Analyse ``table`` against the database as it is now and write its valid rows in one transaction.

    New rows become households owned by ``facilitator`` with their suggested skills linked
    (she saw them in the preview); rows of her existing households update the fields that
    have a value (all of them when ``update_existing``, else those whose sheet row is in
    ``update_rows``); everything else is left alone. ``dry_run`` writes no household (NIK cases are kept).
    """
    analysis = analyse(
        table, facilitator, update_existing=update_existing, update_rows=update_rows, answered_free=answered_free,
        accept_flagged=accept_flagged,
    )
    result = ImportResult(analysis.counts, analysis.errors(), analysis)
    if dry_run:
        # No household is written, but the NIK cases and the audit are: a dry run is no free oracle.
        if commit:
            db.session.commit()
        return result
    try:
        _write(facilitator, analysis)
        record_audit(
            facilitator, "household.import", "household_import", batch_id,
            imported=result.counts["imported"], updated=result.counts["updated"],
            skipped=result.counts["skipped"], flagged=result.counts["flagged"], rejected=result.counts["errors"],
        )
        if commit:
            db.session.commit()
        else:
            db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    return result



# Uploads kept between the preview and the confirmation ---------------------------------------

UPLOAD_LIFETIME = dt.timedelta(hours=24)


def purge_expired_imports(now: dt.datetime | None = None) -> int:
    """Delete uploads past their expiry (they hold personal data); the caller commits."""
    from sqlalchemy import delete

    from ...models import HouseholdImport, utcnow

    result = db.session.execute(delete(HouseholdImport).where(HouseholdImport.expires_at < (now or utcnow())))
    return int(result.rowcount or 0)


def create_import(facilitator: User, content: bytes, filename: str, *, update_existing: bool = True) -> Any:
    """Read and analyse an upload and keep it for the preview; commit. Raises :class:`ImportFileError`."""
    from ...models import HouseholdImport, utcnow

    table = read_table(content, filename)
    analysis = analyse(table, facilitator, update_existing=update_existing)
    purge_expired_imports()
    batch = HouseholdImport(
        facilitator_id=facilitator.id,
        filename=filename[-255:],
        update_existing=update_existing,
        table=table.to_json(),
        preview=analysis.to_json(),
        expires_at=utcnow() + UPLOAD_LIFETIME,
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def get_import(facilitator: User, batch_id: int) -> Any:
    """The facilitator's own unexpired upload, or None."""
    from ...models import HouseholdImport, utcnow

    batch = db.session.get(HouseholdImport, batch_id)
    if batch is None or batch.facilitator_id != facilitator.id or batch.expires_at < utcnow():
        return None
    return batch


PREVIEW_STATUSES = ("error", "held", "new", "update", "skip")


def preview_counts(batch: Any) -> dict[str, int]:
    """How many stored preview rows have each status, and ``all``, ``flagged``, ``updatable`` (page and API)."""
    stored = batch.preview.get("rows", [])
    counts = {status: sum(1 for row in stored if row["status"] == status) for status in PREVIEW_STATUSES}
    counts["all"] = len(stored)
    rows = [row_from_json(row) for row in stored]
    counts["flagged"] = sum(1 for row in rows if row.flagged)
    counts["updatable"] = sum(1 for row in rows if row.updatable)
    return counts


def confirm_import(
    facilitator: User, batch: Any, *, update_all: bool | None = None, update_rows: frozenset[int] = frozenset(),
) -> ImportResult:
    """Apply an upload (once) in one transaction and keep its counts for the result page.

    ``update_all`` is the preview's "update all" choice; ``None`` keeps the whole-file choice made at
    upload (``batch.update_existing``). Without it, ``update_rows`` is her per-row choice: only those
    rows of her existing households are updated, the others skipped and counted so. The CLI has only
    the whole-file choice (``--skip-existing``).
    """
    from ...models import HouseholdImport, utcnow

    # Claim the batch before reading anything else: a second "confirm" (a double tap, another
    # tab) waits here for the first to finish and then finds the batch applied.
    claimed = db.session.execute(
        update(HouseholdImport)
        .where(HouseholdImport.id == batch.id, HouseholdImport.applied_at.is_(None))
        .values(applied_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise ImportFileError("already_applied")
    db.session.refresh(batch)
    # The rows the preview showed as new keep their answer even if the daily NIK limit was
    # reached since (by this very preview, typically): she was already told they are free.
    # Rows are named by their number in the stored sheet: the stored preview holds no NIK.
    answered_free = frozenset(row["row"] for row in batch.preview.get("rows", []) if row.get("status") == "new")
    result = apply_import(
        facilitator, Table.from_json(batch.table),
        update_existing=batch.update_existing if update_all is None else update_all,
        update_rows=update_rows, commit=False, batch_id=batch.id, answered_free=answered_free,
    )
    batch.applied_at = utcnow()
    batch.result = {key: value for key, value in result.counts.items()}
    # Keep only what the rejected-rows download needs: the accepted rows' personal data goes.
    rejected = {row.row for row in result.analysis.rows if row.status in ("error", "held")}
    table = Table.from_json(batch.table)
    table.rows = [(number, cells) for number, cells in table.rows if number in rejected]
    batch.table = table.to_json()
    batch.preview = {**result.analysis.to_json(), "rows": [_row_json(r) for r in result.analysis.rows
                                                           if r.row in rejected]}
    db.session.commit()
    return result
