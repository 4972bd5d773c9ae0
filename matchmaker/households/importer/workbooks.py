"""Workbooks the import hands out: the template and the rejected-rows/warnings workbook."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from .analysis import Analysis, Problem
from .columns import TEMPLATE_HEADERS, Table


def neutralise(value: Any) -> Any:
    """Make a cell safe to open in a spreadsheet: text starting with =, +, - or @ gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def template_workbook() -> bytes:
    """The empty import template with its Indonesian headers and one example row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPM"
    sheet.append(list(TEMPLATE_HEADERS))
    example = {
        "NIK": "3201164502900001", "No KK": "3201160101150007", "Nama Lengkap": "Siti Aminah",
        "Tanggal Lahir": "05/02/1990", "No HP": "0812-3456-7890", "Alamat": "Kp. Cibeber RT 02/RW 03",
        "Desa/Kelurahan": "Sukamaju", "Kecamatan": "Cibungbulang", "Kabupaten/Kota": "Kab. Bogor",
        "Komponen PKH": "Anak SD 2, Lansia 1", "Keterampilan": "menjahit, bikin kue",
        "Minat": "usaha kue kering", "Pengalaman Kerja": "buruh konveksi 2 tahun",
        "Pengalaman Usaha": "jualan gorengan", "Preferensi Kerja": "usaha sendiri", "Jam per Minggu": 20,
        "Jangkauan": "kecamatan", "Hanya dari Rumah": "tidak", "Kendala": "mengasuh anak",
        "Aset": "mesin jahit, kompor gas",
    }
    sheet.append([neutralise(example[header]) for header in TEMPLATE_HEADERS])
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(12, len(str(column[0].value)) + 4)
    # NIK, No KK and phone as text, so that Excel keeps all 16 digits and the leading zero.
    for letter in ("A", "B", "E"):
        for cell in sheet[letter]:
            cell.number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rejected_workbook(table: Table, analysis: Analysis, error_header: str) -> bytes:
    """The rows to look at again as they were in the sheet, with a column saying what to fix or check.

    Refused rows (what to fix), held rows (what to decide) and rows kept with warnings (what
    was kept as text) are listed; every cell is neutralised against formulas.
    """
    notes: dict[int, list[Problem]] = {}
    for row in analysis.rows:
        listed = row.problems if row.status == "error" else row.warnings
        if row.held:
            listed = [Problem("NIK", row.held), *listed]
        if listed:
            notes[row.row] = listed
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("KPM")
    width = len(table.headers)
    sheet.append([neutralise(header) for header in table.headers] + [error_header])
    for number, cells in table.rows:
        if number not in notes:
            continue
        padded = (list(cells) + [None] * width)[:width]
        text = "; ".join(f"{problem.column}: {problem.message()}" for problem in notes[number])
        sheet.append([neutralise(cell) for cell in padded] + [text])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
