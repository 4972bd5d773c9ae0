"""Importing messy household sheets: header matching, row rules, duplicates, one transaction, refusals."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households import importer
from matchmaker.households.importer import ImportFileError, analyse, apply_import, match_header, read_table
from matchmaker.models import AuditEvent, Household, HouseholdEvent
from tests.households.messy import HEADER_ROW, messy_workbook


def _messy(caseload):
    own = {h.nik: (h.full_name, h.birth_date, h.desa_code) for h in caseload["own"]}
    return messy_workbook(existing_own=own, existing_other=[caseload["other"].nik])


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_messy_workbook_rows_get_the_expected_outcome(caseload):
    """A facilitator's real sheet would be misread: wrong rows rejected, or bad rows let through."""
    messy = _messy(caseload)
    assert len(messy.expected) >= 200
    table = read_table(messy.content, "KPM Cibungbulang.xlsx")
    assert table.header_row == HEADER_ROW
    analysis = analyse(table, caseload["facilitator"])
    by_row = {row.row: row for row in analysis.rows}
    assert set(by_row) == set(messy.expected)
    for number, expected in messy.expected.items():
        row = by_row[number]
        assert row.status == expected.status, (number, expected, row.problems)
        if expected.status == "error":
            found = [(p.column, p.code) for p in row.problems]
            assert (expected.column, expected.code) in found, (number, found)
        else:
            assert row.desa_code == expected.desa_code, number
            assert row.flagged == expected.flagged, number
            if expected.code:
                assert (expected.column, expected.code) in [(p.column, p.code) for p in row.warnings], number


def test_messy_workbook_imports_valid_rows_and_reports_the_rest(caseload):
    """Valid households would be lost, stored twice, or rejected rows would not say why."""
    messy = _messy(caseload)
    facilitator = caseload["facilitator"]
    before = db.session.scalar(select(func.count()).select_from(Household))
    result = apply_import(facilitator, read_table(messy.content, "kpm.xlsx"))
    assert result.counts == {
        "imported": messy.count("new"), "updated": messy.count("update"), "skipped": messy.count("skip"),
        "flagged": sum(1 for e in messy.expected.values() if e.flagged), "held": 0, "errors": messy.count("error"),
    }
    warned = {n for n, e in messy.expected.items() if e.status != "error" and e.code}
    assert warned <= {warning["row"] for warning in result.summary()["warnings"]}
    assert db.session.scalar(select(func.count()).select_from(Household)) == before + messy.count("new")
    # Every problem names the sheet's own row number and the column as headed there.
    assert {error["row"] for error in result.errors} == {n for n, e in messy.expected.items() if e.status == "error"}
    assert all(error["message"] and error["column"] for error in result.errors)
    # No NIK stored twice, the in-file repeat included.
    niks = db.session.scalars(select(Household.nik)).all()
    assert len(niks) == len(set(niks))
    # Formula-like text never reaches the database.
    assert not db.session.scalar(select(func.count()).where(Household.full_name.startswith("=")))
    flagged = db.session.scalars(select(Household).where(Household.likely_duplicate_of_id.is_not(None))).all()
    assert len(flagged) == result.counts["flagged"]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "household.import")) == 1


def test_rows_are_read_with_their_real_values(caseload):
    """Imported profiles would hold mangled phones, dates, components or village codes."""
    content = _workbook([
        ["Daftar KPM"],
        ["nik", "NAMA", "Tgl. Lahir", "No HP", "Desa/Kel", "Kecamatan", "Komponen PKH", "Preferensi Kerja",
         "Jam per minggu", "Jangkauan", "Hanya dari Rumah", "Kendala", "Aset", "Keterampilan"],
        ["3201165203850002", "IMAS MASITOH", "12/03/1985", 81311112222, "Tjibatok II", "Cibungbulang",
         "Anak SD 2, lansia", "usaha sendiri", "20 jam", "Kecamatan", "ya", "mengasuh anak; tidak punya hp",
         "Mesin Jahit, oven", "jahit baju"],
    ])
    analysis = analyse(read_table(content, "a.xlsx"), caseload["facilitator"])
    row = analysis.rows[0]
    assert row.problems == []
    assert row.values["full_name"] == "Imas Masitoh"
    assert row.values["birth_date"] == dt.date(1985, 3, 12)
    assert row.values["phone"] == "+6281311112222"
    assert row.desa_code == "32.01.16.2012"
    assert row.values["components"] == {"anak_sd": 2, "lansia": 1}
    assert row.values["work_preference"] == "own_business"
    assert row.values["hours_per_week"] == 20
    assert row.values["travel_range"] == "kecamatan"
    assert row.values["home_based_only"] is True
    assert row.values["constraints"] == ["childcare", "no_smartphone"]
    assert row.values["assets"] == ["sewing_machine", "oven"]


@pytest.mark.parametrize(
    ("header", "key"),
    [("Nama", "full_name"), ("Tgl Lahir", "birth_date"), ("No. HP/WA", "phone"), ("N.I.K", "nik"),
     ("  nama lengkap ", "full_name"), ("Desa / Kelurahan", "desa"), ("Kabupaten/Kota", "kabupaten"),
     ("Tanggal Lahir (dd/mm/yyyy)", "birth_date"), ("Keterampilan", "skills_text"), ("Ketrampilan", "skills_text"),
     ("Pengalamn Kerja", "work_experience"), ("Nama Ibu Kandung", None), ("Tempat Lahir", None), ("No", None)],
)
def test_headers_are_matched_ignoring_case_spacing_punctuation_and_typos(header, key):
    """A sheet with its own column names would be refused or read into the wrong fields."""
    assert match_header(header) == key


def test_an_existing_nik_is_updated_and_the_preview_lists_the_changes(caseload):
    """Re-importing her sheet would duplicate households or silently overwrite them."""
    household = caseload["own"][0]
    content = _workbook([
        ["NIK", "Nama Lengkap", "Tanggal Lahir", "Desa/Kelurahan", "No HP", "Minat"],
        [household.nik, household.full_name, household.birth_date.strftime("%d-%m-%Y"), "Sukamaju",
         "0857 1234 9999", ""],
    ])
    table = read_table(content, "u.xlsx")
    preview = analyse(table, caseload["facilitator"])
    assert preview.rows[0].status == "update"
    assert preview.rows[0].changes == ["phone"]
    assert analyse(table, caseload["facilitator"], update_existing=False).rows[0].status == "skip"
    result = apply_import(caseload["facilitator"], table)
    assert result.counts["updated"] == 1 and result.counts["imported"] == 0
    db.session.refresh(household)
    assert household.phone == "+6285712349999"
    assert household.full_name == "Siti Aminah"  # empty cells keep what is stored
    event = db.session.scalar(select(HouseholdEvent).where(HouseholdEvent.household_id == household.id))
    assert event.action == "import_updated" and event.fields == ["phone"]


def test_confirm_writes_everything_or_nothing(caseload, monkeypatch):
    """A failure half-way through an import would leave half of the sheet in the database."""
    messy = _messy(caseload)
    before = db.session.scalar(select(func.count()).select_from(Household))

    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "record_audit", fail)
    with pytest.raises(RuntimeError):
        apply_import(caseload["facilitator"], read_table(messy.content, "kpm.xlsx"))
    assert db.session.scalar(select(func.count()).select_from(Household)) == before


def test_dates_in_every_accepted_format(app):
    """Birth dates written the usual Indonesian ways would be rejected."""
    for value in (dt.datetime(1990, 2, 5), "05/02/1990", "05-02-1990", "1990-02-05", 32909, "05/02/1990 00:00:00",
                  "1990/02/05", "5 Feb 1990", "5 Februari 1990"):
        assert importer.parse_date(value) == dt.date(1990, 2, 5), value
    for value in ("31/02/1990", "kemarin", "besok"):
        with pytest.raises(importer.CellError):
            importer.parse_date(value)


def test_csv_with_semicolons_is_read(caseload):
    """A CSV exported by an Indonesian Excel (semicolon separated) would be unreadable."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["NIK", "Nama", "Tgl Lahir", "Desa"])
    writer.writerow(["3201165203850002", "Imas Masitoh", "12/03/1985", "Sukamaju"])
    table = read_table(buffer.getvalue().encode("utf-8-sig"), "kpm.csv")
    analysis = analyse(table, caseload["facilitator"])
    assert analysis.rows[0].status == "new" and analysis.rows[0].row == 2


@pytest.mark.parametrize(
    ("content", "filename", "code"),
    [
        (b"x" * (importer.MAX_BYTES + 1), "big.xlsx", "too_large"),
        (b"%PDF-1.4", "kpm.pdf", "bad_type"),
        (b"\xd0\xcf\x11\xe0", "kpm.xls", "bad_type"),
        (b"not a zip", "kpm.xlsx", "unreadable"),
        (b"NIK;Nama;Tgl Lahir;Desa\n", "kpm.csv", "no_rows"),
        (b"Nama;Alamat\nSiti;Kp\n", "kpm.csv", "no_header"),
        (b"NIK;Nama;Alamat\n1;Siti;Kp\n", "kpm.csv", "missing_columns"),
    ],
)
def test_files_that_cannot_be_imported_are_refused_with_a_reason(app, content, filename, code):
    """A wrong file would crash the import or be half-read without telling why."""
    with pytest.raises(ImportFileError) as raised:
        read_table(content, filename)
    assert raised.value.code == code
    with app.test_request_context():
        assert raised.value.message() != code


def test_more_than_fifty_thousand_rows_are_refused(app, monkeypatch):
    """A whole-province dump would tie the server up instead of being refused."""
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    rows = "NIK;Nama;Tgl Lahir;Desa\n" + "".join(f"{i};Siti;01/01/1990;Sukamaju\n" for i in range(6))
    with pytest.raises(ImportFileError) as raised:
        read_table(rows.encode(), "kpm.csv")
    assert raised.value.code == "too_many_rows"


def test_rejected_rows_workbook_has_the_error_column_and_no_live_formulas(caseload):
    """The facilitator could not fix the rejected rows or check the warned ones, or opening them would run a formula."""
    messy = _messy(caseload)
    table = read_table(messy.content, "kpm.xlsx")
    analysis = analyse(table, caseload["facilitator"])
    content = importer.rejected_workbook(table, analysis, "Kesalahan")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Kesalahan"
    warned = {row.row for row in analysis.rows if row.status != "error" and (row.warnings or row.held)}
    assert warned  # rows kept with a warning are listed too, to check
    assert len(rows) - 1 == messy.count("error") + len(warned)
    for row in rows[1:]:
        assert row[-1]
        assert not any(isinstance(cell, str) and cell[:1] in "=+-@" for cell in row)
    # Re-uploading it reads the same rows back, with their problems still there.
    again = analyse(read_table(content, "kesalahan.xlsx"), caseload["facilitator"])
    assert again.count("error") >= messy.count("error") - 2  # the repeat and the other facilitator's may pass now


def test_template_has_the_indonesian_headers_and_imports_cleanly(caseload):
    """The downloadable template would not match the importer, or its example row would fail."""
    content = importer.template_workbook()
    sheet = load_workbook(io.BytesIO(content)).active
    assert [cell.value for cell in sheet[1]] == list(importer.TEMPLATE_HEADERS)
    assert importer.TEMPLATE_HEADERS[:5] == ("NIK", "No KK", "Nama Lengkap", "Tanggal Lahir", "No HP")
    analysis = analyse(read_table(content, "template-kpm.xlsx"), caseload["facilitator"])
    assert [row.status for row in analysis.rows] == ["new"], analysis.rows[0].problems
