"""The sheet reader's contract: cells come out as the importer has always seen them, rows unpadded."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook

from matchmaker.households.importer import SHEET_LIMITS
from matchmaker.households.sheet_reader import read_rows


def test_cells_keep_their_values_as_openpyxl_gave_them():
    """Dates would become serial numbers, formulas would lose their '=' and slip past the formula check."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["text ", dt.date(1990, 2, 5), dt.datetime(1985, 3, 12, 0, 0), "=HYPERLINK(\"x\")", True, 2.5, 20.0])
    sheet["B3"] = 81311112222
    sheet["D5"] = "  "  # blank text: no value
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = list(read_rows(buffer.getvalue(), "xlsx", SHEET_LIMITS))
    assert rows == [
        (1, ["text", "1990-02-05", "1985-03-12", '=HYPERLINK("x")', True, 2.5, 20]),
        (3, [None, 81311112222]),
        (5, []),
    ]


def test_workbooks_dated_from_1904_read_the_same_dates():
    """A workbook saved by old Mac Excel would shift every birth date by four years."""
    workbook = Workbook()
    workbook.epoch = dt.datetime(1904, 1, 1)
    workbook.active.append([dt.date(1990, 2, 5)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert list(read_rows(buffer.getvalue(), "xlsx", SHEET_LIMITS)) == [(1, ["1990-02-05"])]
