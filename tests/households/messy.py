"""A deliberately messy household workbook, as facilitators' real sheets are, with what each row should give.

The sheet has a title row above variant headers, mixed date formats, desa names with typos
and old spellings, numbers that Excel mangled, formula-like cells, invalid NIKs and phones,
duplicate NIKs inside the file and against the database, and likely duplicates (same woman,
other NIK). :func:`messy_workbook` returns its bytes with the expected outcome per sheet row.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from openpyxl import Workbook

HEADERS = [
    "NIK", "No. KK", "Nama", "Tgl Lahir", "No. HP/WA", "Alamat", "Desa", "Kec.", "Kabupaten", "Komponen",
    "Keahlian", "Minat", "Pengalaman kerja", "Pengalaman Usaha", "Preferensi", "Jam/Minggu", "Jangkauan",
    "Hanya dari rumah?", "Kendala", "Aset", "Keterangan",
]
HEADER_ROW = 3
# (name as written, canonical code) in Kec. Cibungbulang: exact, typos, old spellings, prefixes.
DESA_VARIANTS = [
    ("Sukamaju", "32.01.16.2013"), ("Sukamju", "32.01.16.2013"), ("Tjibatok II", "32.01.16.2012"),
    ("Tjidjudjung", "32.01.16.2010"), ("Doekoeh", "32.01.16.2009"), ("Cimanggu 1", "32.01.16.2007"),
    ("Ds. Cemplang", "32.01.16.2003"), ("situ ilir", "32.01.16.2002"), ("Girimulia", "32.01.16.2015"),
    ("GALUGA", "32.01.16.2014"), ("Leuweung Kolot", "32.01.16.2006"), ("Situ Udik", "32.01.16.2001"),
]
FIRST = ["Siti", "Nur", "Ani", "Euis", "Imas", "Dede", "Yati", "Neneng", "Popon", "Lilis", "Entin", "Cucu"]
LAST = ["Aminah", "Rohmah", "Sumarni", "Hasanah", "Maesaroh", "Nurjanah", "Kurniasih", "Rahayu", "Suryani"]
SKILLS = ["jahit baju", "bikin kue", "jualan online", "bertani sayur", "ternak ayam", "nyalon", "cuci setrika"]


# Columns whose unreadable cells are kept with a warning instead of refusing the row.
OPTIONAL_COLUMNS = {
    "Keahlian", "Minat", "No. HP/WA", "Komponen", "Preferensi", "Jam/Minggu", "Jangkauan", "Hanya dari rumah?",
    "No. KK",
}


@dataclass
class Expected:
    """What a row should become: a status and, for a rejected row (or a kept row's warning), the column and code."""

    status: str  # "new", "update", "skip", "error"
    column: str | None = None
    code: str | None = None
    flagged: bool = False
    desa_code: str | None = None


@dataclass
class MessyWorkbook:
    """The workbook's bytes and the expected outcome of each data row, by sheet row number."""

    content: bytes
    expected: dict[int, Expected] = field(default_factory=dict)
    nik_of_row: dict[int, str] = field(default_factory=dict)

    def count(self, status: str) -> int:
        """Rows expected with ``status``."""
        return sum(1 for e in self.expected.values() if e.status == status)


def make_nik(born: dt.date, serial: int, kecamatan: str = "320116") -> str:
    """A NIK of a woman born on ``born`` in ``kecamatan``."""
    return f"{kecamatan}{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


def _date_cell(rng: random.Random, born: dt.date):
    """The birth date written one of the ways sheets write it."""
    style = rng.randrange(5)
    if style == 0:
        return dt.datetime(born.year, born.month, born.day)
    if style == 1:
        return born.strftime("%d/%m/%Y")
    if style == 2:
        return born.strftime("%d-%m-%Y")
    if style == 3:
        return born.isoformat()
    return (born - dt.date(1899, 12, 30)).days  # an Excel serial number in a General cell


def _phone_cell(rng: random.Random):
    number = f"{rng.randint(1000, 9999)}{rng.randint(1000, 9999)}"
    return rng.choice([f"0812-{number[:4]}-{number[4:]}", f"62812{number}", f"+62 812 {number[:4]} {number[4:]}",
                       int(f"812{number}"), None])


def messy_workbook(
    *,
    rows: int = 220,
    existing_own: dict[str, tuple[str, dt.date, str]] | None = None,
    existing_other: list[str] | None = None,
    seed: int = 2026,
) -> MessyWorkbook:
    """Build the workbook.

    ``existing_own`` maps NIKs already in the facilitator's caseload to (name, birth date,
    desa code): the sheet repeats them with a changed phone and skills (→ update) or
    unchanged (→ skip). ``existing_other`` are NIKs of another facilitator's households
    (→ rejected). A row of the database's first own household under another NIK is a
    likely duplicate.
    """
    rng = random.Random(seed)
    existing_own = existing_own or {}
    existing_other = existing_other or []
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "DATA KPM PKH KEC. CIBUNGBULANG — PEMUTAKHIRAN NOVEMBER 2026"
    sheet.append([])
    sheet.append(HEADERS)
    result = MessyWorkbook(b"")
    serial = 1
    used_names: set[str] = set()

    def add(cells: dict[str, object], expected: Expected, nik: str | None = None) -> None:
        sheet.append([cells.get(header) for header in HEADERS])
        result.expected[sheet.max_row] = expected
        if nik:
            result.nik_of_row[sheet.max_row] = nik

    def valid_row() -> tuple[dict[str, object], str, str]:
        nonlocal serial
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 11_000))
        nik = make_nik(born, serial)
        serial += 1
        desa_name, desa_code = rng.choice(DESA_VARIANTS)
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {rng.choice(['', 'Binti Ahmad', 'Wati', 'Sari'])}".strip()
            if name not in used_names:
                used_names.add(name)
                break
        cells: dict[str, object] = {
            "NIK": rng.choice([nik, f"'{nik}", f"{nik[:6]} {nik[6:12]} {nik[12:]}"]),
            "No. KK": rng.choice([f"320116010115{serial:04d}", None]),
            "Nama": rng.choice([name, name.upper()]),
            "Tgl Lahir": _date_cell(rng, born),
            "No. HP/WA": _phone_cell(rng),
            "Alamat": f"Kp. {rng.choice(['Cibeber', 'Pasir'])} RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 5):02d}",
            "Desa": desa_name,
            "Kec.": rng.choice(["Cibungbulang", "Kec. Cibungbulang", "cibungbulang", None]),
            "Kabupaten": rng.choice(["Kab. Bogor", "Bogor", "KABUPATEN BOGOR", None]),
            "Komponen": rng.choice(
                ["Anak SD 2, Lansia 1", "anak sd (1); balita 1", "Ibu hamil", "SMP 1 / SMA 1", None]
            ),
            "Keahlian": ", ".join(rng.sample(SKILLS, 2)),
            "Minat": rng.choice(["buka warung", "usaha kue", "-", None]),
            "Pengalaman kerja": rng.choice(["buruh pabrik garmen", "ART 3 tahun", "-", None]),
            "Pengalaman Usaha": rng.choice(["jualan gorengan", None]),
            "Preferensi": rng.choice(["Kerja upahan", "usaha sendiri", "Keduanya", "bebas", None]),
            "Jam/Minggu": rng.choice([10, "20", "25 jam", 30.0, None]),
            "Jangkauan": rng.choice(["desa", "Kecamatan", "kabupaten", None]),
            "Hanya dari rumah?": rng.choice(["Ya", "tidak", "T", "y", None]),
            "Kendala": rng.choice(["mengasuh anak", "tidak ada kendaraan; mengasuh anak", "tidak punya HP", None]),
            "Aset": rng.choice(["mesin jahit, motor", "Kompor gas", "-", None]),
            "Keterangan": rng.choice(["", "data lama", None]),
        }
        return cells, nik, desa_code

    def bad(column: str, value: object, code: str) -> None:
        cells, nik, desa_code = valid_row()
        cells[column] = value
        if column in OPTIONAL_COLUMNS:
            add(cells, Expected("new", column, code, desa_code=desa_code), nik)
        else:
            add(cells, Expected("error", column, code), nik)

    # Rejected rows, one rule each, spread among valid ones.
    problems = [
        ("NIK", "32011645029", "nik.length"),
        ("NIK", "3.20116E+15", "nik.scientific"),
        ("NIK", "99991645029000012", "nik.length"),
        ("NIK", "9999164502900001", "nik.unknown_kecamatan"),
        ("NIK", "3201169902900001", "nik.bad_date"),
        ("NIK", "32011645O2900001", "nik.not_digits"),
        ("NIK", "=HYPERLINK(\"http://x.test\",\"3201\")", "formula"),
        ("Nama", "=cmd|' /C calc'!A0", "formula"),
        ("Nama", "Siti 123", "name.invalid"),
        ("Nama", None, "required"),
        ("Keahlian", "=1+1", "formula_kept"),
        ("Minat", "@SUM(A1:A2)", "formula_kept"),
        ("Tgl Lahir", "31/02/1990", "date.invalid"),
        ("Tgl Lahir", "kemarin", "date.invalid"),
        ("Tgl Lahir", None, "required"),
        ("No. HP/WA", "12345", "phone.invalid"),
        ("No. HP/WA", "+1 202 555 0100", "phone.invalid"),
        ("Desa", "Atlantis", "desa.unknown"),
        ("Desa", None, "required"),
        ("Komponen", "anak kuliah 1", "vocabulary.unrecognised"),
        ("Preferensi", "jadi artis", "vocabulary.unrecognised"),
        ("Jam/Minggu", 120, "hours.unrecognised"),
        ("Jangkauan", "luar negeri", "vocabulary.unrecognised"),
        ("Hanya dari rumah?", "mungkin", "vocabulary.unrecognised"),
        ("No. KK", "1234", "kk.length"),
    ]
    for index in range(rows):
        if index % 9 == 4 and problems:
            bad(*problems.pop(0))
            continue
        cells, nik, desa_code = valid_row()
        add(cells, Expected("new", desa_code=desa_code), nik)

    # Birth date disagreeing with the NIK.
    cells, nik, _desa = valid_row()
    cells["Tgl Lahir"] = "01/01/1980"
    add(cells, Expected("error", "NIK", "nik.birth_date_mismatch"), nik)
    # A desa outside her area (Babakan, Kec. Dramaga).
    cells, nik, _desa = valid_row()
    cells.update({"Desa": "Babakan", "Kec.": "Dramaga"})
    add(cells, Expected("error", "Desa", "desa.outside_area"), nik)
    # The same NIK twice in the file: the second is rejected.
    cells, nik, desa_code = valid_row()
    first_row_cells = dict(cells)
    add(cells, Expected("new", desa_code=desa_code), nik)
    repeat = dict(first_row_cells)
    repeat["No. HP/WA"] = "0813-1111-2222"
    add(repeat, Expected("error", "NIK", "nik.repeated"), nik)
    # A likely duplicate inside the file: same woman typed twice under two NIKs.
    cells, nik, desa_code = valid_row()
    add(cells, Expected("new", desa_code=desa_code), nik)
    twin = dict(cells)
    born = _as_date(cells["Tgl Lahir"])
    twin_nik = make_nik(born, 9000 + serial)
    twin["NIK"] = twin_nik
    # One letter more or less: "Siti Aminah" typed again as "Siti Amina".
    original = str(cells["Nama"]).title()
    twin["Nama"] = original[:-1] if original.endswith("h") else original + "h"
    add(twin, Expected("new", flagged=True, desa_code=desa_code), twin_nik)
    # NIKs already in the database.
    for position, (existing_nik, (name, born, desa_code)) in enumerate(existing_own.items()):
        desa_name = next(n for n, code in DESA_VARIANTS if code == desa_code)
        cells = {"NIK": existing_nik, "Nama": name, "Tgl Lahir": born.strftime("%d/%m/%Y"), "Desa": desa_name,
                 "Kec.": "Cibungbulang"}
        if position % 2 == 0:
            cells.update({"No. HP/WA": "0857-2222-3333", "Keahlian": "jahit baju"})
            add(cells, Expected("update", desa_code=desa_code), existing_nik)
        else:
            add(cells, Expected("skip", desa_code=desa_code), existing_nik)
    for existing_nik in existing_other:
        born = _nik_birth(existing_nik)
        cells = {"NIK": existing_nik, "Nama": "Wati Lestari", "Tgl Lahir": born.strftime("%d/%m/%Y"),
                 "Desa": "Sukamaju", "Kec.": "Cibungbulang"}
        add(cells, Expected("error", "NIK", "nik.unavailable"), existing_nik)
    # Likely duplicate of a household in the database (the first own one), under a new NIK.
    if existing_own:
        name, born, desa_code = next(iter(existing_own.values()))
        desa_name = next(n for n, code in DESA_VARIANTS if code == desa_code)
        other_nik = make_nik(born, 8888)
        add({"NIK": other_nik, "Nama": name.replace("i", "y", 1), "Tgl Lahir": born.isoformat(), "Desa": desa_name},
            Expected("new", flagged=True, desa_code=desa_code), other_nik)
    # Blank rows between data are ignored, whatever their position.
    sheet.append([None] * len(HEADERS))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result.content = buffer.getvalue()
    return result


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int):
        return dt.date(1899, 12, 30) + dt.timedelta(days=value)
    text = str(value)
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _nik_birth(nik: str) -> dt.date:
    day = int(nik[6:8])
    day = day - 40 if day > 40 else day
    return dt.date(1900 + int(nik[10:12]), int(nik[8:10]), day)
