"""Hostile uploads: zip bombs, huge declared sheets, malformed XML, monstrous CSVs: answered fast, in bounded memory.

Each bomb is built by the test (see ``bombs.py``). The bounds are generous on purpose (5 s,
200 MB): before the fix these files took 44 s to an hour and up to 6.5 GB.
"""

from __future__ import annotations

import csv
import io
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.households import sheet_reader
from matchmaker.households.importer import SHEET_LIMITS, ImportFileError, read_table
from matchmaker.households.messages import message
from matchmaker.models import Household, HouseholdImport
from tests.conftest import log_in
from tests.households import bombs

SECONDS = 5.0
PEAK_BYTES = 200 * 1024 * 1024

# name → (builder, file name, the refusal's code)
REFUSED: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "cell_inflating_to_900_MB": (bombs.huge_cell_bomb, "kpm.xlsx", "inflates_too_much"),
    "shared_strings_inflating_to_150_MB": (bombs.shared_strings_bomb, "kpm.xlsx", "inflates_too_much"),
    "cell_of_120_MB_within_the_zip_limits": (bombs.compressible_cell_bomb, "kpm.xlsx", "cell_too_long"),
    "nul_byte_in_xml": (lambda: bombs.malformed("nul"), "kpm.xlsx", "unreadable"),
    "char_ref_zero_in_xml": (lambda: bombs.malformed("char_ref_zero"), "kpm.xlsx", "unreadable"),
    "invalid_utf8_in_xml": (lambda: bombs.malformed("invalid_utf8"), "kpm.xlsx", "unreadable"),
    "declared_entities": (lambda: bombs.malformed("entities"), "kpm.xlsx", "unreadable"),
    "external_dtd": (lambda: bombs.malformed("dtd"), "kpm.xlsx", "unreadable"),
    "dtd_after_a_comment": (lambda: bombs.malformed("dtd_after_comment"), "kpm.xlsx", "unreadable"),
    "utf16_sheet_with_a_dtd": (lambda: bombs.malformed("utf16_dtd"), "kpm.xlsx", "unreadable"),
    "dtd_in_shared_strings": (lambda: bombs.malformed("dtd_in_shared_strings"), "kpm.xlsx", "unreadable"),
    "csv_with_200000_columns": (bombs.wide_csv, "kpm.csv", "too_many_columns"),
    "csv_cell_over_131072_characters": (bombs.long_cell_csv, "kpm.csv", "unreadable"),
}


def _measured(action: Callable[[], Any]) -> tuple[Any, float, int]:
    """``action()``'s result (or the exception it raised), its duration and its peak of traced memory."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = action()
    except ImportFileError as error:
        outcome = error
    finally:
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, elapsed, peak


def _indonesian(code: str) -> str:
    with force_locale("id"):
        params = {"too_many_columns": {"limit": SHEET_LIMITS.max_columns},
                  "cell_too_long": {"limit": "32.767"}}.get(code, {})
        return message(code, **params)


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_file_is_refused_by_the_reader_fast_and_in_bounded_memory(app, name):
    """One upload of this file would hold a worker for minutes, eat gigabytes, or end in a 500."""
    build, filename, code = REFUSED[name]
    content = build()
    outcome, elapsed, peak = _measured(lambda: read_table(content, filename))
    assert isinstance(outcome, ImportFileError) and outcome.code == code, outcome
    assert elapsed < SECONDS, elapsed
    assert peak < PEAK_BYTES, peak


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_file_gets_an_indonesian_message_on_the_upload_page(caseload, client, name):
    """The facilitator would see a server error, or wait minutes, instead of being told what is wrong."""
    build, filename, code = REFUSED[name]
    content = build()
    log_in(client, caseload["facilitator"])
    response, elapsed, peak = _measured(lambda: client.post(
        "/households/import",
        data={"file": (io.BytesIO(content), filename), "update_existing": "update"},
        content_type="multipart/form-data",
    ))
    assert response.status_code == 200
    assert str(escape(_indonesian(code))) in response.get_data(as_text=True)
    assert db.session.scalar(select(HouseholdImport)) is None  # nothing kept
    assert elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_file_gets_an_indonesian_message_from_the_cli(app, caseload, tmp_path, name):
    """A cron job importing this file would hang, crash with a traceback, or fail without a reason."""
    build, filename, code = REFUSED[name]
    path = tmp_path / filename
    path.write_bytes(build())
    runner = app.test_cli_runner()
    result, elapsed, peak = _measured(lambda: runner.invoke(
        args=["households", "import", str(path), "--facilitator", "bu.ani@example.test", "--json"]
    ))
    assert result.exit_code == 1, result.output
    assert _indonesian(code) in result.output
    assert "Traceback" not in result.output
    assert elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)


def test_declared_dimension_is_ignored_and_empty_rows_are_not_padded(app):
    """A 5 KB sheet declaring A1:XFD1048576 would hold a worker for minutes padding empty cells."""
    content = bombs.declared_dimension_bomb()
    assert len(content) < 10_000
    table, elapsed, peak = _measured(lambda: read_table(content, "kpm.xlsx"))
    assert elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)
    assert table.rows == [(50_000, ["3201164502900001"])]


def test_declared_dimension_bomb_is_answered_fast_on_the_page_and_in_the_cli(caseload, client, tmp_path):
    """Eight such uploads at once made the login page time out."""
    content = bombs.declared_dimension_bomb()
    log_in(client, caseload["facilitator"])
    response, elapsed, peak = _measured(lambda: client.post(
        "/households/import", data={"file": (io.BytesIO(content), "kpm.xlsx"), "update_existing": "update"},
        content_type="multipart/form-data",
    ))
    assert response.status_code == 302 and elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)
    batch = db.session.scalar(select(HouseholdImport))
    assert batch.table["rows"] == [[50_000, ["3201164502900001"]]]
    path = tmp_path / "kpm.xlsx"
    path.write_bytes(content)
    runner = client.application.test_cli_runner()
    result, elapsed, peak = _measured(lambda: runner.invoke(
        args=["households", "import", str(path), "--facilitator", "bu.ani@example.test", "--json", "--dry-run"]
    ))
    assert result.exit_code == 0 and '"errors": [{"row": 50000' in result.output, result.output
    assert elapsed < SECONDS and peak < PEAK_BYTES, (elapsed, peak)


def _rows(*rows: str) -> bytes:
    return bombs.xlsx(bombs.sheet_xml(bombs.header_row() + "".join(rows)))


def test_a_filled_cell_past_the_column_cap_is_refused_but_empty_styled_cells_are_not(app):
    """A value in column XFD would pad every row to 16,384 cells; a formatted blank cell would refuse a good file."""
    with pytest.raises(ImportFileError) as raised:
        read_table(_rows(f'<row r="2">{bombs.inline("XFD2", "x")}</row>'), "kpm.xlsx")
    assert raised.value.code == "too_many_columns"
    table = read_table(_rows(f'<row r="2">{bombs.inline("A2", "3201164502900001")}<c r="XFD2" s="0"/></row>'),
                       "kpm.xlsx")
    assert table.rows == [(2, ["3201164502900001"])]


def test_a_cell_longer_than_excel_allows_is_refused(app):
    """A cell of megabytes would be stored and shown in the preview."""
    with pytest.raises(ImportFileError) as raised:
        read_table(_rows(f'<row r="2">{bombs.inline("A2", "x" * 40_000)}</row>'), "kpm.xlsx")
    assert raised.value.code == "cell_too_long"


def test_a_shared_string_repeated_in_every_cell_is_stopped_by_the_text_budget(app, monkeypatch):
    """A small file repeating one long shared string a million times would expand to gigabytes in the database."""
    monkeypatch.setattr("matchmaker.households.importer.SHEET_LIMITS",
                        sheet_reader.SheetLimits(60, 1000, "1.000", max_total_chars=100_000))
    strings = f'<?xml version="1.0"?><sst xmlns="{bombs.MAIN}"><si><t>{"x" * 2000}</t></si></sst>'.encode()
    rows = "".join(f'<row r="{n}"><c r="K{n}" t="s"><v>0</v></c></row>' for n in range(2, 200))
    content = bombs.xlsx(bombs.sheet_xml(bombs.header_row() + rows), strings)
    with pytest.raises(ImportFileError) as raised:
        read_table(content, "kpm.xlsx")
    assert raised.value.code == "too_much_text"


@pytest.mark.parametrize("entries, size, code", [
    (1_001, 10, "unreadable"),  # more entries than any workbook
    (1, 20 * 1024 * 1024, "inflates_too_much"),  # 20 MB of one byte: compressed about 1000 times
])
def test_zip_entries_are_checked_before_anything_is_inflated(app, entries, size, code):
    """A zip of thousands of parts, or one compressed a thousandfold, would be inflated before being judged."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(entries):
            archive.writestr(f"xl/media/part{number}.xml", b"\0" * size)
    with pytest.raises(ImportFileError) as raised:
        read_table(buffer.getvalue(), "kpm.xlsx")
    assert raised.value.code == code


def test_the_stored_upload_keeps_only_what_the_preview_and_confirmation_need(caseload, client):
    """A day-long copy of every NIK and phone in the preview, or of a padded raw sheet, would sit in the database."""
    household = caseload["own"][0]
    rows = [
        ["Data KPM"],
        ["NIK", "Nama Lengkap", "Tanggal Lahir", "Desa/Kelurahan", "No HP", "Minat"],
        [household.nik, household.full_name, household.birth_date.strftime("%d/%m/%Y"), "Sukamaju",
         "0857 1234 9999", "usaha kue kering"],
        ["3201164502900001", "Imas Masitoh", "05/02/1990", "Sukamaju", "0813 1111 2222", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows + [[""] * 40] * 3)  # trailing blank rows and commas, as Excel writes them
    log_in(client, caseload["facilitator"])
    response = client.post(
        "/households/import", data={"file": (io.BytesIO(buffer.getvalue().encode()), "kpm.csv"),
                                    "update_existing": "update"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    batch = db.session.scalar(select(HouseholdImport))
    assert batch.table["rows"] == [[3, rows[2]], [4, rows[3][:5]]]  # no padding, no blank rows
    stored = json.dumps(batch.preview)
    assert household.nik not in stored and "3201164502900001" not in stored and "+62" not in stored
    by_row = {row["row"]: row for row in batch.preview["rows"]}
    assert by_row[3]["status"] == "update" and by_row[3]["values"] == {"interests": "usaha kue kering"}
    assert by_row[4]["status"] == "new" and by_row[4]["values"] == {}
    page = client.get(f"/households/import/{batch.id}?show=update").get_data(as_text=True)
    assert "“usaha kue kering”" in page
    client.post(f"/households/import/{batch.id}/confirm")
    db.session.refresh(household)
    assert household.phone == "+6285712349999" and household.interests == "usaha kue kering"
    assert db.session.scalar(select(Household).where(Household.nik == "3201164502900001")) is not None


@pytest.mark.parametrize("filename", ["kpm.xlsx", "kpm.csv"])
def test_reading_gives_up_past_its_time_budget(app, monkeypatch, filename):
    """A file shaped to dodge every other limit could still hold a worker for as long as it likes."""
    monkeypatch.setattr("matchmaker.households.importer.SHEET_LIMITS",
                        sheet_reader.SheetLimits(60, 1000, "1.000", max_seconds=-1))
    content = (_rows(f'<row r="2">{bombs.inline("A2", "3201164502900001")}</row>') if filename.endswith("xlsx")
               else b"NIK,Nama Lengkap,Tanggal Lahir,Desa\n3201164502900001,Siti,05/02/1990,Sukamaju\n")
    with pytest.raises(ImportFileError) as raised:
        read_table(content, filename)
    assert raised.value.code == "too_slow"


def test_shared_strings_are_bounded_in_number_as_well_as_in_bytes(app, monkeypatch):
    """Millions of tiny shared strings under the size cap would each cost a Python object while the sheet is read."""
    monkeypatch.setattr(sheet_reader, "MAX_SHARED_STRINGS", 1_000)
    strings = f'<?xml version="1.0"?><sst xmlns="{bombs.MAIN}">{"<si><t>x</t></si>" * 1_001}</sst>'.encode()
    with pytest.raises(ImportFileError) as raised:
        read_table(bombs.xlsx(bombs.sheet_xml(bombs.header_row()), strings), "kpm.xlsx")
    assert raised.value.code == "too_much_text"


def test_a_csv_padded_with_empty_fields_past_the_column_cap_is_read(app):
    """A CSV saved by Excel from a sheet with one stray formatted column far right would be refused."""
    content = ("NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan" + "," * 500 + "\n"
               "3201164502900001,Siti,05/02/1990,Sukamaju" + "," * 500 + "\n").encode()
    table = read_table(content, "kpm.csv")
    assert table.rows == [(2, ["3201164502900001", "Siti", "05/02/1990", "Sukamaju"])]
