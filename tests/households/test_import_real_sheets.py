"""Sheets as facilitators really write them: their words, their layouts; only unusable rows are refused."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households.importer import CellError, analyse, apply_import, parse_date, parse_hours, read_table
from matchmaker.models import Household
from tests.households.messy import make_nik

HEADERS = ["No", "NIK KPM", "Nama Ibu", "TTL", "No. Handphone", "Desa", "Komponen", "Preferensi Kerja",
           "Jam", "Jangkauan", "Hanya dari Rumah", "Kendala", "Aset", "Minat"]


def _row(number: int, born: dt.date, **cells: object) -> list[object]:
    values = {
        "No": number, "NIK KPM": make_nik(born, 8000 + number), "Nama Ibu": f"Ibu Nomor {'abcdefghij'[number % 10]}",
        "TTL": f"Bogor, {born:%d-%m-%Y}", "No. Handphone": "0812-3456-7890", "Desa": "Sukamaju",
        "Komponen": "SD 1 SMP 1", "Preferensi Kerja": "jualan", "Jam": "20 jam/minggu", "Jangkauan": "satu desa",
        "Hanya dari Rumah": "ga", "Kendala": "mengasuh balita", "Aset": "mesin jahit, HP jadul", "Minat": "kue",
    }
    values.update(cells)
    return [values[header] for header in HEADERS]


def _book(rows: list[list[object]], *, instructions: bool = True) -> bytes:
    workbook = Workbook()
    if instructions:
        workbook.active.title = "Petunjuk"
        workbook.active.append(["Isi satu baris per KPM. NIK sebagai teks."])
        sheet = workbook.create_sheet("Data KPM")
    else:
        sheet = workbook.active
    sheet.append(["DAFTAR KPM PENDAMPING — KEC. CIBUNGBULANG"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_facilitators_own_words_and_layout_import_every_valid_household(caseload):
    """Valid households would be refused for an ordinary word in an optional column, or misread."""
    born = dt.date(1985, 3, 12)
    rows = [
        _row(1, born),
        [],
        _row(2, dt.date(1990, 2, 5), TTL="5 Februari 1990", Kendala="tidak punya motor", Aset="tidak punya motor",
             Jam="4 jam sehari", **{"Preferensi Kerja": "dua2nya", "Komponen": "SLTA"}),
        _row(3, dt.date(1990, 2, 5), TTL="05/02/90", Kendala="merawat orang tua, jauh dr pasar", Jam="20-25",
             Jangkauan="bebas", **{"Hanya dari Rumah": "bisa", "Preferensi Kerja": "belum tahu"}),
        _row(4, dt.date(1988, 8, 1), TTL="01 Agt 1988", Minat="=HYPERLINK(\"x\")", Jam="±15", Aset="perahu"),
        ["TOTAL", None, "4 KPM"],
    ]
    table = read_table(_book(rows), "kpm.xlsx")
    analysis = analyse(table, caseload["facilitator"])
    assert [row.status for row in analysis.rows] == ["new"] * 4
    first, second, third, fourth = (row.values for row in analysis.rows)
    assert first["birth_date"] == born and first["full_name"] == "Ibu Nomor b"
    assert first["components"] == {"anak_sd": 1, "anak_smp": 1}
    assert first["work_preference"] == "own_business" and first["hours_per_week"] == 20
    assert first["travel_range"] == "desa" and first["home_based_only"] is False
    assert first["constraints"] == ["childcare"] and first["assets"] == ["sewing_machine", "basic_phone"]
    assert second["birth_date"] == dt.date(1990, 2, 5) and second["hours_per_week"] == 24
    assert second["constraints"] == ["no_transport"] and "assets" not in second
    assert second["work_preference"] == "any" and second["components"] == {"anak_sma": 1}
    assert third["constraints"] == ["caregiving"] and third["hours_per_week"] == 20
    assert third["travel_range"] == "kabupaten" and third["home_based_only"] is True
    assert "jauh dr pasar" in third["profile_notes"]
    assert fourth["interests"] == "=HYPERLINK(\"x\")" and fourth["hours_per_week"] == 15
    assert fourth["assets_text"] == "perahu"
    warnings = {(row.row, problem.column, problem.code) for row in analysis.rows for problem in row.warnings}
    assert (table.rows[2][0], "Kendala", "vocabulary.unrecognised") in warnings
    assert (table.rows[3][0], "Minat", "formula_kept") in warnings
    result = apply_import(caseload["facilitator"], table)
    assert result.counts["imported"] == 4
    assert {w["column"] for w in result.summary()["warnings"]} >= {"Kendala", "Minat", "Aset"}
    stored = db.session.scalar(select(Household).where(Household.nik == first["nik"]))
    assert stored.assets == ["sewing_machine", "basic_phone"] and stored.constraints == ["childcare"]
    again = apply_import(caseload["facilitator"], read_table(_book(rows), "kpm.xlsx"))
    assert again.counts["imported"] == 0  # a second import adds nothing


def test_required_fields_still_refuse_the_row_naming_the_column(caseload):
    """A row without a usable NIK, name, desa or birth date would be stored half-empty."""
    born = dt.date(1985, 3, 12)
    rows = [
        _row(1, born, **{"NIK KPM": 3.20116060278013e15}),
        _row(2, born, **{"Nama Ibu": None}),
        _row(3, born, Desa="Atlantis"),
        _row(4, born, TTL="31/02/1985"),
        _row(5, dt.date(1979, 4, 4), **{"NIK KPM": "3201.1644 0479-8005"}),
    ]
    analysis = analyse(read_table(_book(rows), "kpm.xlsx"), caseload["facilitator"])
    found = [(row.status, [(p.column, p.code) for p in row.problems]) for row in analysis.rows]
    assert found[0] == ("error", [("NIK KPM", "nik.scientific")])
    assert found[1] == ("error", [("Nama Ibu", "required")])
    assert found[2] == ("error", [("Desa", "desa.unknown")])
    assert found[3][0] == "error" and ("TTL", "date.invalid") in found[3][1]
    assert found[4] == ("new", [])
    assert analysis.rows[4].values["nik"] == "3201164404798005"


def test_a_nik_that_encodes_a_man_is_held_for_the_facilitator(caseload):
    """A man's NIK would be stored silently as a PKH recipient."""
    born = dt.date(1984, 6, 7)
    male = f"320116{born:%d%m%y}9001"
    table = read_table(_book([_row(1, born, **{"NIK KPM": male}), _row(2, born)]), "kpm.xlsx")
    result = apply_import(caseload["facilitator"], table)
    assert result.counts["imported"] == 1 and result.counts["held"] == 1
    assert result.summary()["flagged"][0]["row"] == table.rows[0][0]
    assert "laki-laki" in result.summary()["flagged"][0]["reason"]
    assert not db.session.scalar(select(func.count()).where(Household.nik == male))
    accepted = apply_import(caseload["facilitator"], table, accept_flagged=True)
    assert accepted.counts["imported"] == 1
    assert db.session.scalar(select(func.count()).where(Household.nik == male)) == 1


def test_a_semicolon_csv_in_windows_1252_is_read(caseload):
    """A CSV saved by an old phone or an Indonesian Excel would be unreadable."""
    born = dt.date(1985, 3, 12)
    text = "NIK;Nama Pengurus;Tgl Lahir;Desa;Aset\n" + f"{make_nik(born, 8100)};Siti Ña;12 Mar 85;Sukamaju;kompor\n"
    table = read_table(text.encode("cp1252"), "hp.csv")
    row = analyse(table, caseload["facilitator"]).rows[0]
    assert row.status == "new" and row.values["full_name"] == "Siti Ña" and row.values["birth_date"] == born
    assert row.values["assets"] == ["stove"]


@pytest.mark.parametrize(
    ("text", "born"),
    [("12 Maret 1985", dt.date(1985, 3, 12)), ("12 Mar 85", dt.date(1985, 3, 12)), ("12/3/85", dt.date(1985, 3, 12)),
     ("05/02/90", dt.date(1990, 2, 5)), ("Bogor, 12-03-1985", dt.date(1985, 3, 12)), (31118, dt.date(1985, 3, 12)),
     ("1985-03-12", dt.date(1985, 3, 12))],
)
def test_birth_dates_are_read_day_first_in_indonesian(text, born):
    """A birth date written the Indonesian way would be refused or read month-first."""
    assert parse_date(text) == born


def test_relative_or_impossible_dates_are_refused():
    """'kemarin' or 31 February would be stored as a birth date."""
    for text in ("kemarin", "31/02/1990"):
        with pytest.raises(CellError):
            parse_date(text)


@pytest.mark.parametrize(
    ("text", "hours"),
    [("20 jam/minggu", 20), ("4 jam sehari", 24), ("20-25", 20), ("±15", 15), (30.0, 30), ("tidak tentu", None)],
)
def test_hours_are_read_from_what_facilitators_write(text, hours):
    """Hours written with words would be refused or read wrongly."""
    assert parse_hours(text).value == hours
