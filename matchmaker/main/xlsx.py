"""Writing a dashboard table to an .xlsx workbook, safe to open in a spreadsheet."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook

from ..households.importer import neutralise


def table_workbook(title: str, headers: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet with a header row and ``rows`` under it; every text cell is neutralised.

    Every text cell goes through the importer's ``neutralise``: a name typed as ``=HYPERLINK(...)``
    must reach the spreadsheet as text, never as a formula.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet")
    sheet.append([neutralise(str(header)) for header in headers])
    for row in rows:
        sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
