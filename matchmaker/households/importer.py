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
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from openpyxl import Workbook
from openpyxl.utils.datetime import from_excel
from rapidfuzz import fuzz, process
from sqlalchemy import insert, select, update

from ..audit import record_audit
from ..extensions import db
from ..models import (
    Household,
    HouseholdEvent,
    Region,
    RegionLevel,
    Skill,
    User,
    household_skill,
)
from ..reference import vocabulary
from ..reference.regions import normalize_code
from ..scoping import code_within
from . import collisions, services
from .messages import CodedError, message
from .nik import check_kk, check_nik, nik_date
from .sheet_reader import SheetLimits, SheetRefused, read_rows

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
# A title, a subtitle, a blank line and a note can sit above the header row.
HEADER_SCAN_ROWS = 15
HEADER_FUZZY_CUTOFF = 85
TEXT_LIMIT = 2000
CHUNK = 500


class ImportFileError(CodedError):
    """The file itself cannot be imported; ``code`` is a key of ``messages.FILE_MESSAGES``."""


# Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    """A template column: its key, its Indonesian header and the other names sheets give it."""

    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool = False


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(
        "nik", "NIK",
        ("nik", "noktp", "nomorktp", "ktp", "nomorindukkependudukan", "nikktp", "nikkpm", "nikpengurus", "niknik",
         "nikpenerima", "nikibu", "nikpenerimamanfaat", "noinduk", "nonik", "nomornik"),
        True,
    ),
    ColumnSpec(
        "kk_number", "No KK",
        ("nokk", "kk", "nomorkk", "nomorkartukeluarga", "kartukeluarga", "nokartukeluarga", "nikkk", "nokkkpm"),
    ),
    ColumnSpec(
        "full_name", "Nama Lengkap",
        ("namalengkap", "nama", "namakpm", "namapengurus", "namapenerima", "namapenerimamanfaat", "namaibu",
         "namaibukpm", "namalengkapkpm", "namalengkappengurus", "namasesuaiktp"),
        True,
    ),
    ColumnSpec(
        "birth_date", "Tanggal Lahir",
        ("tanggallahir", "tgllahir", "tgllhr", "tanggallhr", "tgllahirkpm", "ttl", "tempattanggallahir",
         "tempattgllahir", "tempattgllhr", "tempatdantanggallahir", "tgllahirpengurus"),
        True,
    ),
    ColumnSpec(
        "phone", "No HP",
        ("nohp", "nohpwa", "hp", "nowa", "wa", "notelp", "notelepon", "telepon", "nomorhp", "hpwa", "whatsapp",
         "nomorwa", "nomortelepon", "telp", "nohandphone", "handphone", "nomorhandphone", "nohape", "kontak",
         "nomorkontak", "nohpaktif", "wahp", "nomorhpwa"),
    ),
    ColumnSpec("address", "Alamat", ("alamat", "alamatlengkap", "alamatrumah", "alamatdomisili", "domisili")),
    ColumnSpec(
        "desa", "Desa/Kelurahan",
        ("desakelurahan", "desa", "kelurahan", "desakel", "kel", "namadesa", "kelurahandesa", "keldesa"),
        True,
    ),
    ColumnSpec("kecamatan", "Kecamatan", ("kecamatan", "kec", "namakecamatan")),
    ColumnSpec("kabupaten", "Kabupaten/Kota", ("kabupatenkota", "kabupaten", "kota", "kab", "kabkota")),
    ColumnSpec("components", "Komponen PKH", ("komponenpkh", "komponen", "komponenbansos", "kategoripkh")),
    ColumnSpec(
        "skills_text", "Keterampilan", ("keterampilan", "ketrampilan", "keahlian", "skill", "kemampuan", "bisaapa")
    ),
    ColumnSpec("interests", "Minat", ("minat", "minatusaha", "minatkerja", "cita")),
    ColumnSpec("work_experience", "Pengalaman Kerja", ("pengalamankerja", "riwayatkerja", "pengalamanbekerja")),
    ColumnSpec(
        "business_experience", "Pengalaman Usaha",
        ("pengalamanusaha", "riwayatusaha", "pengalamanberusaha", "pernahusaha"),
    ),
    ColumnSpec(
        "work_preference", "Preferensi Kerja",
        ("preferensikerja", "preferensi", "jeniskerja", "pilihankerja", "inginkerja", "keinginankerja", "maukerja",
         "ikutorang", "kerjaatauusaha"),
    ),
    ColumnSpec(
        "hours_per_week", "Jam per Minggu",
        ("jamperminggu", "jamminggu", "jam", "jamkerja", "jamseminggu", "waktuluang", "waktukerja", "jamtersedia"),
    ),
    ColumnSpec("travel_range", "Jangkauan", ("jangkauan", "jarak", "jangkauankerja", "bisakerjadi", "lokasikerja")),
    ColumnSpec(
        "home_based_only", "Hanya dari Rumah",
        ("hanyadarirumah", "darirumah", "kerjadarirumah", "dirumah", "hanyadirumah", "kerjadirumah", "drrumah",
         "rumahaja", "rumahsaja"),
    ),
    ColumnSpec("constraints", "Kendala", ("kendala", "hambatan", "kesulitan")),
    ColumnSpec(
        "assets", "Aset",
        ("aset", "asset", "asetdimiliki", "harta", "asetyangdimiliki", "barangdimiliki", "punyaapa",
         "alatyangdimiliki"),
    ),
)
# Headers that look like one of ours but are something else: her mother's name, the place of birth.
NOT_COLUMNS = frozenset({"namaibukandung", "ibukandung", "tempatlahir", "namasuami", "namaayah", "no", "nomor"})
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}
# What the reader accepts: the template's columns plus room for a register's own, blank rows
# up to as many as the data rows, and about 400 characters a row on average.
SHEET_LIMITS = SheetLimits(
    max_columns=len(COLUMNS) + 40,
    max_row_elements=2 * MAX_ROWS + HEADER_SCAN_ROWS,
    row_limit_label=f"{MAX_ROWS:,}".replace(",", "."),
    max_total_chars=20_000_000,
)
TEMPLATE_HEADERS = tuple(column.header for column in COLUMNS)
_ALIASES = {alias: column.key for column in COLUMNS for alias in column.aliases}
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def squash(text: object) -> str:
    """Lower case with every space and punctuation mark removed: ``No. HP/WA`` → ``nohpwa``."""
    return _NON_ALNUM.sub("", str(text or "").casefold())


def match_header(text: object) -> str | None:
    """The column key a header names, or None: exact alias, then a long alias it starts with, then fuzzily."""
    found = _match_header_scored(text)
    return found[0] if found else None


def _match_header_scored(text: object) -> tuple[str, int] | None:
    """The key and how sure the match is (3 exact, 2 prefix, 1 fuzzy)."""
    raw = str(text or "")
    for candidate in (squash(_PARENTHESES.sub(" ", raw)), squash(raw)):
        if not candidate:
            continue
        if candidate in NOT_COLUMNS:
            return None
        if candidate in _ALIASES:
            return _ALIASES[candidate], 3
        prefixed = [alias for alias in _ALIASES if len(alias) >= 5 and candidate.startswith(alias)]
        if prefixed:
            return _ALIASES[max(prefixed, key=len)], 2
        # A header that is a question ("Punya alat/aset", "Mau kerja ikut orang / usaha sendiri?")
        # names its column somewhere inside: taken when every alias inside names the same column.
        inside = {_ALIASES[alias] for alias in _ALIASES if len(alias) >= 4 and alias in candidate}
        if len(inside) == 1:
            return inside.pop(), 1
        if len(candidate) >= 4:
            best = process.extractOne(candidate, list(_ALIASES), scorer=fuzz.ratio, score_cutoff=HEADER_FUZZY_CUTOFF)
            if best is not None:
                return _ALIASES[best[0]], 1
    return None


# Reading files -----------------------------------------------------------------------------


@dataclass
class Table:
    """A sheet as read: its header cells, the header's row number, and data rows by sheet row number."""

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form, for keeping an upload between preview and confirmation."""
        return {"headers": self.headers, "header_row": self.header_row, "rows": [[n, cells] for n, cells in self.rows]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        """The inverse of :meth:`to_json`."""
        return cls(list(data["headers"]), int(data["header_row"]), [(int(n), list(c)) for n, c in data["rows"]])

    def component_columns(self) -> dict[int, str]:
        """Columns that each count one PKH component (``BUMIL/NIFAS``, ``SD``, ``LANSIA``…), by index."""
        used = set(self.column_map().values())
        found: dict[int, str] = {}
        for index, header in enumerate(self.headers):
            if index in used or not header:
                continue
            resolved = vocabulary.resolve("pkh_component", header)
            if len(resolved.codes) == 1 and not resolved.unrecognised and resolved.confidence == 100:
                found[index] = resolved.codes[0]
        return found

    def column_map(self) -> dict[str, int]:
        """Column key → index of the first header naming it."""
        # An exact header wins over a fuzzy one for the same column, wherever it stands.
        best: dict[str, tuple[int, int]] = {}
        for index, header in enumerate(self.headers):
            found = _match_header_scored(header)
            if found is None:
                continue
            key, quality = found
            if key not in best or quality > best[key][0]:
                best[key] = (quality, index)
        return {key: index for key, (_quality, index) in best.items()}


def _blank(cells: Iterable[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


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


_FOOTER_WORDS = frozenset({"total", "jumlah", "jml", "subtotal", "grand"})


def _is_footer(cells: list[Any]) -> bool:
    """A "TOTAL"/"JUMLAH" row under the data: its first text cell says so (a "No" number may precede it)."""
    for cell in cells:
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if isinstance(cell, int | float):
            continue
        words = re.findall(r"[a-z]+", str(cell).casefold())
        return bool(words) and words[0] in _FOOTER_WORDS

    return False


def _required_keys() -> list[str]:
    return [column.key for column in COLUMNS if column.required]


def _looks_like_header(cells: list[Any]) -> bool:
    keys = {match_header(cell) for cell in cells if isinstance(cell, str) and cell.strip()}
    keys.discard(None)
    return len(keys) >= 3 and bool({"nik", "full_name"} & keys)


# Cell values -----------------------------------------------------------------------------


class CellError(CodedError, ValueError):
    """A cell's value breaks a rule; ``code`` is a key of :mod:`.messages`."""


_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.,\-]+[^\W\d_]+)*\.?$")
_FORMULA_TAIL = re.compile(r"[(|!]")
EMPTY_MARKERS = {"-", "--", "–", "n/a", "na", "tidak ada", "tdk ada", "belum ada", "kosong"}

def cell_text(value: Any) -> str:
    """A cell as text, trimmed, with the apostrophe that keeps Excel from reading a formula removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if text.startswith("'"):
        text = text[1:].lstrip()
    return text


def is_formula(text: str) -> bool:
    """Whether a cell holds a formula or a formula-injection attempt (``=…``, ``@…``, ``+cmd|…``)."""
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and bool(_FORMULA_TAIL.search(text))


def parse_name(value: Any) -> str:
    """A woman's full name: letters with spaces, apostrophes, dots and dashes; ALL CAPS is title-cased."""
    text = cell_text(value)
    if is_formula(text):
        raise CellError("formula")
    if not text:
        raise CellError("required")
    if len(text) > 120:
        raise CellError("too_long", max=120)
    if not _NAME.match(text):
        raise CellError("name.invalid")
    # Registers often write names in capitals; a caseload reads better in title case.
    return text.title() if text.isupper() else text


def parse_date(value: Any) -> dt.date:
    """A birth date from an Excel date or serial number, or text in Indonesian or English, day first.

    ``12/3/85``, ``05-02-1990``, ``1985-03-12``, ``12 Maret 1985``, ``12 Mar 85``, and a "TTL"
    cell (``Bogor, 12-03-1985``: the place before the comma is dropped) are all read.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_date(value)
    text = cell_text(value)
    if not text:
        raise CellError("required")
    return _date_from_text(text)


def _excel_date(value: float) -> dt.date:
    if 1 <= value < 80_000:
        result = from_excel(value)
        return result.date() if isinstance(result, dt.datetime) else result
    raise CellError("date.invalid")


_NUMERIC_DATE = re.compile(r"(?:^|\s)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
}


@lru_cache(maxsize=50_000)
def _date_from_text(text: str) -> dt.date:
    """A date written as text; the common numeric forms skip the (slower) language-aware parser."""
    if "," in text:
        text = text.rsplit(",", 1)[1].strip()  # "Bogor, 12-03-1985": the place of birth goes
    found = _NUMERIC_DATE.search(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year += 1900 if 1900 + year <= dt.date.today().year - 10 else 2000
            if year > dt.date.today().year:
                year -= 100
        return _date_or_invalid(year, month, day)
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        return _date_or_invalid(year, month, day)
    if text.isdigit() and len(text) == 5:
        return _excel_date(int(text))
    import dateparser

    parsed = dateparser.parse(text, languages=["id", "en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        raise CellError("date.invalid")
    return parsed.date()


def _date_or_invalid(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError("date.invalid") from exc


def check_birth_date(born: dt.date, today: dt.date | None = None) -> dt.date:
    """Refuse birth dates in the future or more than 110 years ago."""
    today = today or dt.date.today()
    if born > today:
        raise CellError("date.future")
    if born.year < today.year - 110:
        raise CellError("date.too_old")
    return born


def parse_phone(value: Any) -> str | None:
    """An Indonesian phone number as +62…; a number cell that lost its leading 0 is repaired."""
    from ..phones import InvalidPhone, normalize_phone

    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        text = "0" + digits if digits.startswith("8") else digits
    else:
        text = cell_text(value)
    if not text or text.casefold() in EMPTY_MARKERS:
        return None
    if text[0] in "=@":
        raise CellError("formula")
    try:
        return normalize_phone(text)
    except InvalidPhone as exc:
        raise CellError("phone.invalid") from exc


@dataclass
class OptionalCell:
    """What an optional cell gave: its value (None when nothing usable), a warning code, and words kept as text."""

    value: Any = None
    warning: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    leftover: str = ""


def _optional_text(value: Any) -> tuple[str, str | None]:
    """An optional cell as text and the warning it earns: a formula is kept as plain text, never run."""
    text = cell_text(value)
    if text.casefold() in EMPTY_MARKERS:
        return "", None
    return text, ("formula_kept" if is_formula(text) else None)


def _resolved(vocab: str, value: Any) -> tuple[vocabulary.Resolution, str, str | None]:
    text, warning = _optional_text(value)
    if warning:
        return vocabulary.Resolution(unrecognised=[text]), text, warning
    return vocabulary.resolve(vocab, text[:TEXT_LIMIT]), text, None


def _unrecognised(found: vocabulary.Resolution, text: str, warning: str | None) -> OptionalCell:
    leftover = ", ".join(found.unrecognised)
    if warning:
        return OptionalCell(warning=warning, leftover=text)
    if leftover:
        return OptionalCell(warning="vocabulary.unrecognised", params={"value": leftover}, leftover=leftover)
    return OptionalCell()


def parse_components(value: Any) -> OptionalCell:
    """PKH components with counts: ``Anak SD 2, Lansia`` → ``{"anak_sd": 2, "lansia": 1}``; unknown words kept."""
    found, text, warning = _resolved("pkh_component", value)
    result = _unrecognised(found, text, warning)
    result.value = {code: count for code, count in found.counts.items() if code in found.codes} or None
    return result


def parse_choice(vocab: str, value: Any) -> OptionalCell:
    """One code of ``vocab`` from the words people write for it; unknown words kept, never refused."""
    found, text, warning = _resolved(vocab, value)
    result = _unrecognised(found, text, warning)
    if len(found.codes) > 1 and not result.warning:
        result.warning, result.params = "vocabulary.several", {"value": text}
        result.leftover = text
    result.value = found.codes[0] if found.codes else None
    if result.value is None and found.negated and vocab == "yes_no":
        result.value = "no"
    return result


def parse_yes_no(value: Any) -> OptionalCell:
    """``ya``/``tidak`` and their variants as a boolean (None when empty or not recognised)."""
    if isinstance(value, bool):
        return OptionalCell(value)
    result = parse_choice("yes_no", value)
    result.value = None if result.value is None else result.value == "yes"
    return result


_HOURS_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")
_PER_DAY = re.compile(r"\b(?:sehari|per\s*hari|perhari|/\s*hari|tiap\s*hari|setiap\s*hari|hari)\b")
DAYS_A_WEEK = 6


def parse_hours(value: Any) -> OptionalCell:
    """Hours a week she can work, 0–84: ``20 jam/minggu``, ``4 jam sehari`` (× 6 days), ``20-25`` (20), ``±15``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        text = str(value)
    else:
        text, warning = _optional_text(value)
        if not text:
            return OptionalCell()
        if warning:
            return OptionalCell(warning=warning, leftover=text)
        found = _HOURS_NUMBER.search(text)
        if found is None:
            return OptionalCell(warning="hours.unrecognised", params={"value": text}, leftover=text)
        number = float(found.group(1).replace(",", "."))
        if _PER_DAY.search(text.casefold()):
            number *= DAYS_A_WEEK
    if not 0 <= number <= 84:
        return OptionalCell(warning="hours.unrecognised", params={"value": text}, leftover=text)
    return OptionalCell(int(number))


def parse_constraints(value: Any) -> OptionalCell:
    """Constraint codes from words (``anak masih kecil; gak punya hp``); unknown words kept as text."""
    found, text, warning = _resolved("constraint", value)
    result = _unrecognised(found, text, warning)
    result.value = list(found.codes) or None
    return result


def parse_assets(value: Any) -> OptionalCell:
    """Asset codes from words (``mesin jahit, HP jadul``); ``tidak punya motor`` is no motor; the rest kept."""
    found, text, warning = _resolved("asset", value)
    result = _unrecognised(found, text, warning)
    result.value = list(found.codes) or None
    result.params["lacks"] = list(found.negated)
    return result


# Regions and skills, cached for the whole file -----------------------------------------------


_NUMERAL_WORDS = {"satu": "I", "dua": "II", "tiga": "III", "empat": "IV", "1": "I", "2": "II", "3": "III", "4": "IV"}


def _roman_numeral(name: str) -> str:
    """A village name whose last word is a numeral ("Satu", "2") with the Roman numeral registers use."""
    words = name.split()
    if len(words) > 1 and words[-1].casefold() in _NUMERAL_WORDS:
        return " ".join([*words[:-1], _NUMERAL_WORDS[words[-1].casefold()]])
    return name


class RegionLookup:
    """Resolve the desa of each row from a code or from names, with the kecamatan and kabupaten as context.

    Sheets repeat the same few dozen villages thousands of times, so results are cached.
    """

    def __init__(self, facilitator: User) -> None:
        self.areas = facilitator.area_codes
        self._cache: dict[tuple[str, str, str], tuple[str | None, str | None]] = {}
        self._areas: dict[tuple[str, str, str | None], str | None] = {}
        self._names_in: dict[str, dict[str, list[str]]] = {}

    def resolve(self, desa: str, kecamatan: str, kabupaten: str) -> tuple[str | None, str | None]:
        """``(desa code, None)`` or ``(None, error code)``; "Cibatok Satu" and "Cibatok 1" are tried as "Cibatok I"."""
        key = (squash(desa), squash(kecamatan), squash(kabupaten))
        if key not in self._cache:
            found = self._resolve(desa, kecamatan, kabupaten)
            roman = _roman_numeral(desa)
            if found[1] == "desa.unknown" and roman != desa:
                found = self._resolve(roman, kecamatan, kabupaten)
            self._cache[key] = found
        return self._cache[key]

    def _resolve(self, desa: str, kecamatan: str, kabupaten: str) -> tuple[str | None, str | None]:
        code = normalize_code(desa.replace(" ", "")) if any(ch.isdigit() for ch in desa) else None
        if code is not None:
            region = db.session.get(Region, code)
            if region is None:
                return None, "desa.unknown"
            if region.level != RegionLevel.VILLAGE:
                return None, "desa.not_village"
        else:
            code = self._by_name(desa, kecamatan, kabupaten)
            if code is None:
                return None, "desa.unknown"
        if not code_within(code, self.areas):
            return None, "desa.outside_area"
        return code, None

    def _area(self, text: str, level: str, within: str | None, context: list[str] | None) -> str | None:
        """A kecamatan or kabupaten named in its column: a few dozen names repeated on every row."""
        from ..reference.resolver import resolve_region

        key = (squash(text), level, within)
        if key not in self._areas:
            found = resolve_region(text, level=level, within=within, context=context)
            self._areas[key] = found.code if found else None
        return self._areas[key]

    def _exact(self, desa: str, scope: str) -> str | None:
        """The one desa under ``scope`` whose name is exactly ``desa`` (ignoring case and spacing)."""
        if scope not in self._names_in:
            names: dict[str, list[str]] = {}
            rows = db.session.execute(
                select(Region.code, Region.name).where(
                    Region.level == RegionLevel.VILLAGE, Region.code.startswith(scope + ".")
                )
            )
            for code, name in rows:
                names.setdefault(squash(name), []).append(code)
            self._names_in[scope] = names
        codes = self._names_in[scope].get(squash(desa), [])
        return codes[0] if len(codes) == 1 else None

    def _by_name(self, desa: str, kecamatan: str, kabupaten: str) -> str | None:
        from ..reference.resolver import resolve_region

        context = [part for part in (kecamatan, kabupaten) if part]
        kabupaten_code = self._area(kabupaten, RegionLevel.DISTRICT, None, None) if kabupaten else None
        scopes: list[str] = []
        if kecamatan:
            area_context = [kabupaten] if kabupaten else None
            found = self._area(kecamatan, RegionLevel.SUBDISTRICT, kabupaten_code, area_context)
            if found is not None:
                scopes.append(found)
        # Without a usable kecamatan (or no such desa in it), her own area is where her
        # households live; then the kabupaten named.
        scopes += [area for area in self.areas if area not in scopes]
        if kabupaten_code and kabupaten_code not in scopes:
            scopes.append(kabupaten_code)
        # Most sheets spell most villages right: an exact name needs no fuzzy search.
        for scope in scopes:
            code = self._exact(desa, scope)
            if code is not None:
                return code
        for scope in scopes:
            match = resolve_region(desa, level=RegionLevel.VILLAGE, within=scope, context=context or None)
            if match is not None:
                return match.code
        return None


class SkillLookup:
    """Canonical skill slugs suggested for a skills text, cached by text."""

    def __init__(self) -> None:
        self._cache: dict[str, list[str]] = {}
        self._known: set[str] | None = None

    def slugs(self, text: str) -> list[str]:
        """The slugs of the canonical skills resolved from ``text`` that exist in the database."""
        if not text:
            return []
        key = " ".join(text.casefold().split())
        if key not in self._cache:
            from ..reference.skill_resolver import resolve_skills

            if self._known is None:
                self._known = set(db.session.scalars(select(Skill.slug)))
            resolution = resolve_skills(text)
            self._cache[key] = [s.slug for s in resolution.skills if s.slug in self._known]
        return self._cache[key]


# Analysis ----------------------------------------------------------------------------------

# Fields a sheet can set, in the order the preview lists changes.
PROFILE_KEYS = (
    "full_name", "kk_number", "birth_date", "phone", "address", "desa_code", "components", "skills_text",
    "interests", "work_experience", "business_experience", "work_preference", "hours_per_week", "travel_range",
    "home_based_only", "constraints", "assets", "assets_text", "profile_notes",
)
FREE_TEXT_KEYS = ("skills_text", "interests", "work_experience", "business_experience")
# Changes the preview shows only by name: the values are personal data.
PERSONAL_KEYS = {"kk_number", "birth_date", "phone", "address"}


@dataclass
class Problem:
    """A problem with one cell: the column as headed in the sheet, a message code and its parameters."""

    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def message(self) -> str:
        """The problem in the current language."""
        return message(self.code, **self.params)


@dataclass
class RowResult:
    """What confirming would do with one row."""

    row: int
    status: str  # "new", "update", "skip" or "error"
    name: str = ""
    desa_code: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    skills: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Why the row waits for the facilitator's decision (a NIK that encodes a man), or "".
    held: str = ""
    old: dict[str, Any] = field(default_factory=dict)
    existing_id: int | None = None
    changes: list[str] = field(default_factory=list)
    duplicate_of_id: int | None = None
    duplicate_of_row: int | None = None

    @property
    def updatable(self) -> bool:
        """Whether the row is one of her existing households with changes: she may choose to update it."""
        return self.status in ("update", "skip") and self.existing_id is not None and bool(self.changes)

    @property
    def flagged(self) -> bool:
        """Whether the row looks like another household with a different NIK."""
        return self.status in ("new", "update") and (self.duplicate_of_id or self.duplicate_of_row) is not None


@dataclass
class Analysis:
    """The preview of a whole sheet."""

    rows: list[RowResult]
    columns: dict[str, str]
    ignored_headers: list[str]
    header_row: int

    def count(self, status: str) -> int:
        """How many rows have ``status``."""
        return sum(1 for row in self.rows if row.status == status)

    @property
    def counts(self) -> dict[str, int]:
        """The figures of the CLI's JSON summary (``errors`` is the number of rejected rows)."""
        return {
            "imported": self.count("new"),
            "updated": self.count("update"),
            "skipped": self.count("skip"),
            "flagged": sum(1 for row in self.rows if row.flagged),
            "held": self.count("held"),
            "errors": self.count("error"),
        }

    def warnings(self) -> list[dict[str, Any]]:
        """Every warning of the rows that are kept, as ``{"row", "column", "message"}``: what was kept as text."""
        return [
            {"row": row.row, "column": problem.column, "message": problem.message()}
            for row in self.rows
            if row.status != "error"
            for problem in row.warnings
        ]

    def flagged_rows(self) -> list[dict[str, Any]]:
        """Rows waiting for the facilitator's decision or looking like another household, as ``{"row", "reason"}``."""
        flagged = []
        for row in self.rows:
            if row.held:
                flagged.append({"row": row.row, "reason": message(row.held)})
            elif row.flagged:
                other = row.duplicate_of_row
                reason = message("duplicate.row", row=other) if other else message("duplicate.household")
                flagged.append({"row": row.row, "reason": reason})
        return flagged

    def errors(self) -> list[dict[str, Any]]:
        """Every problem of the rejected rows as ``{"row", "column", "message"}``, in sheet order."""
        return [
            {"row": row.row, "column": problem.column, "message": problem.message()}
            for row in self.rows
            if row.status == "error"
            for problem in row.problems
        ]

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable form, stored with the upload for the preview pages."""
        return {
            "columns": self.columns,
            "ignored_headers": self.ignored_headers,
            "header_row": self.header_row,
            "rows": [_row_json(row) for row in self.rows],
        }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _row_json(row: RowResult) -> dict[str, Any]:
    """The stored form of a row: what the preview shows, no more.

    Of the row's values only the changed fields the preview spells out are kept; the NIK,
    phone, birth date and the rest stay in the sheet's cells, which confirming re-reads.
    """
    data = asdict(row)
    data["values"] = {
        key: _json_value(row.values[key])
        for key in row.changes
        if key in row.values and key not in PERSONAL_KEYS and key != "desa_code"
    }
    return data


def row_from_json(data: dict[str, Any]) -> RowResult:
    """The inverse of the stored row form (dates stay text: the preview only displays them).

    ``values`` holds only the changed, non-personal fields (see :func:`_row_json`).
    """
    problems = [Problem(**problem) for problem in data.get("problems", [])]
    warnings = [Problem(**problem) for problem in data.get("warnings", [])]
    return RowResult(**{**data, "problems": problems, "warnings": warnings})


class _RowParser:
    """Parse one row's cells into profile values and problems."""

    def __init__(self, table: Table, facilitator: User) -> None:
        self.columns = table.column_map()
        self.component_columns = table.component_columns()
        self.headers = table.headers
        self.regions = RegionLookup(facilitator)
        self.skills = SkillLookup()
        self.kecamatan = services.kecamatan_codes()

    def header(self, key: str) -> str:
        index = self.columns.get(key)
        if index is None or not self.headers[index]:
            return COLUMN_BY_KEY[key].header
        return self.headers[index]

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.columns.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def _component_counts(self, cells: list[Any], result: RowResult) -> dict[str, int]:
        """Counts from one-column-per-component layouts: a number (0 = none) or a yes/no mark."""
        counts: dict[str, int] = {}
        for index, code in self.component_columns.items():
            value = cells[index] if index < len(cells) else None
            text = cell_text(value)
            if not text or text.casefold() in EMPTY_MARKERS:
                continue
            if text.isdigit():
                number = int(text)
            else:
                answer = parse_yes_no(value)
                if answer.value is None:
                    result.warnings.append(Problem(self.headers[index], "vocabulary.unrecognised", {"value": text}))
                    continue
                number = int(answer.value)
            if number:
                counts[code] = number
        return counts

    def parse(self, number: int, cells: list[Any]) -> RowResult:
        result = RowResult(row=number, status="new")
        values: dict[str, Any] = {}

        def attempt(key: str, parse: Callable[[Any], Any], column_key: str | None = None) -> Any:
            column_key = column_key or key
            try:
                return parse(self.cell(cells, column_key))
            except CellError as error:
                result.problems.append(Problem(self.header(column_key), error.code, error.params))
                return None

        name = attempt("full_name", parse_name)
        if name:
            values["full_name"] = result.name = name
        born = attempt("birth_date", lambda v: check_birth_date(parse_date(v)))
        if born:
            values["birth_date"] = born
        nik_value = self.cell(cells, "nik")
        nik_text = cell_text(nik_value)
        if is_formula(nik_text):
            result.problems.append(Problem(self.header("nik"), "formula"))
        elif isinstance(nik_value, int | float) and not isinstance(nik_value, bool) and nik_value >= 1e15:
            # Excel keeps 15 significant digits of a number: a 16-digit NIK typed into a number
            # cell has lost its last digit even when it shows no "E+15".
            result.problems.append(Problem(self.header("nik"), "nik.scientific"))
        else:
            check = check_nik(self.cell(cells, "nik"), kecamatan_codes=self.kecamatan, birth_date=born)
            for error in check.errors:
                result.problems.append(Problem(self.header("nik"), "nik." + error))
                if error == "birth_date_mismatch":
                    # Either cell may be the wrong one: the facilitator is pointed at both.
                    result.problems.append(Problem(self.header("birth_date"), "nik." + error))
            if check.digits:
                values["nik"] = check.digits
        kk_value = self.cell(cells, "kk_number")
        if cell_text(kk_value) and cell_text(kk_value).casefold() not in EMPTY_MARKERS:
            kk = check_kk(kk_value)
            if kk.errors:
                result.warnings += [Problem(self.header("kk_number"), "kk." + e) for e in kk.errors]
            else:
                values["kk_number"] = kk.digits
        try:
            phone = parse_phone(self.cell(cells, "phone"))
        except CellError as error:
            result.warnings.append(Problem(self.header("phone"), error.code, error.params))
            phone = None
        if phone:
            values["phone"] = phone
        desa_text = cell_text(self.cell(cells, "desa"))
        if is_formula(desa_text):
            result.problems.append(Problem(self.header("desa"), "formula"))
        elif not desa_text:
            result.problems.append(Problem(self.header("desa"), "required"))
        else:
            code, error = self.regions.resolve(
                desa_text, cell_text(self.cell(cells, "kecamatan")), cell_text(self.cell(cells, "kabupaten"))
            )
            if error:
                result.problems.append(Problem(self.header("desa"), error))
            else:
                values["desa_code"] = result.desa_code = code
        for key, limit in (("address", 255), *((k, TEXT_LIMIT) for k in FREE_TEXT_KEYS)):
            text, warning = _optional_text(self.cell(cells, key))
            if len(text) > limit:
                text, warning = text[:limit], "too_long_cut"
            if warning:
                result.warnings.append(Problem(self.header(key), warning, {"max": limit} if "cut" in warning else {}))
            if text:
                values[key] = text
        notes: list[str] = []
        optional: tuple[tuple[str, Callable[[Any], OptionalCell]], ...] = (
            ("components", parse_components),
            ("work_preference", lambda v: parse_choice("work_preference", v)),
            ("hours_per_week", parse_hours),
            ("travel_range", lambda v: parse_choice("travel_range", v)),
            ("home_based_only", parse_yes_no),
            ("constraints", parse_constraints),
            ("assets", parse_assets),
        )
        for key, parse in optional:
            found = parse(self.cell(cells, key))
            if found.value not in (None, "", [], {}):
                values[key] = found.value
            found.params.pop("lacks", None)  # an asset she lacks is simply not stored (never a constraint)
            if found.warning:
                result.warnings.append(Problem(self.header(key), found.warning, found.params))
            if found.leftover and key == "assets":
                values["assets_text"] = found.leftover
            elif found.leftover:
                notes.append(f"{self.header(key)}: {found.leftover}")
        counted = self._component_counts(cells, result)
        if counted:
            values["components"] = {**values.get("components", {}), **counted}
        if notes:
            values["profile_notes"] = "; ".join(notes)[:TEXT_LIMIT]
        nik = values.get("nik")
        decoded = nik_date(nik) if nik else None
        if decoded is not None and not decoded.female and not result.problems:
            result.held = "nik.male"
        result.values = values
        if result.problems:
            result.status = "error"
        elif values.get("skills_text"):
            result.skills = self.skills.slugs(values["skills_text"])
        return result


def analyse(
    table: Table,
    facilitator: User,
    *,
    update_existing: bool = True,
    update_rows: frozenset[int] = frozenset(),
    answered_free: frozenset[int] = frozenset(),
    accept_flagged: bool = False,
) -> Analysis:
    """Check every row and decide what confirming would do with it.

    No household is written; NIKs held by another facilitator open cases for the coordinator
    (added to the session, see :func:`_compare_with_database`). ``answered_free`` are the sheet rows
    that the preview of this same upload already showed as free: they are not checked against the
    daily limit again. A row whose NIK encodes a man is held (status ``held``) unless
    ``accept_flagged``: every PKH recipient registered here is a woman, so the facilitator decides.
    A row of her existing household with changes is an update when ``update_existing`` (the whole
    file) or when its sheet row number is in ``update_rows`` (her per-row choice), a skip otherwise;
    a number in ``update_rows`` that names no such row changes nothing.
    """
    parser = _RowParser(table, facilitator)
    # A row with none of the identity columns filled (a signature block, a note under the
    # table) is no household and not reported.
    identity = [index for key, index in parser.columns.items() if key in ("nik", "full_name", "birth_date", "desa")]
    rows = [
        parser.parse(number, cells)
        for number, cells in table.rows
        if not _blank(cells[index] for index in identity if index < len(cells))
    ]
    for row in rows:
        if row.held and row.status != "error":
            if accept_flagged:
                row.held = ""
            else:
                row.status = "held"
    nik_header = parser.header("nik")
    _mark_repeats(rows, nik_header)
    _compare_with_database(rows, facilitator, nik_header, update_existing, answered_free, update_rows)
    _flag_likely_duplicates(rows)
    mapping = parser.columns
    columns = {key: table.headers[index] for key, index in mapping.items()}
    used = set(mapping.values())
    ignored = [header for index, header in enumerate(table.headers) if header and index not in used]
    return Analysis(rows, columns, ignored, table.header_row)


def _mark_repeats(rows: list[RowResult], nik_header: str) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        nik = row.values.get("nik")
        if not nik:
            continue
        if nik in first_row:
            row.problems.append(Problem(nik_header, "nik.repeated", {"row": first_row[nik]}))
            row.status = "error"
        else:
            first_row[nik] = row.row


def _compare_with_database(rows: list[RowResult], facilitator: User, nik_header: str, update_existing: bool,
                           answered_free: frozenset[int] = frozenset(),
                           update_rows: frozenset[int] = frozenset()) -> None:
    """Rows of her own households become updates (or skips); every other NIK goes through the NIK gate.

    The gate answers in sheet order: a NIK held by another facilitator's household gets the
    neutral "cannot be registered now" and opens a case for the coordinator; past the daily
    limit every NIK outside her caseload, held or free, gets the limit message, so that a long
    sheet cannot tell held NIKs from free ones (see :mod:`.collisions`). Cases and the audit
    events are added to the session: whoever commits the analysis commits them.
    """
    candidates = {row.values["nik"]: row for row in rows if row.status != "error" and row.values.get("nik")}
    niks = list(candidates)
    existing: dict[str, Household] = {}
    for start in range(0, len(niks), CHUNK):
        chunk = niks[start : start + CHUNK]
        for household in db.session.scalars(select(Household).where(Household.nik.in_(chunk))):
            existing[household.nik] = household
    own = [household for household in existing.values() if household.facilitator_id == facilitator.id]
    linked = _linked_skills([household.id for household in own])
    gate = collisions.NikGate(facilitator, "import")
    for nik, row in candidates.items():
        household = existing.get(nik)
        if household is not None and household.facilitator_id == facilitator.id:
            row.existing_id = household.id
            if not services.can_edit(facilitator, household):
                # Hers, but outside her area now: she knows it, nothing leaks.
                row.problems.append(Problem(nik_header, "nik.taken"))
                row.status = "error"
                continue
            row.changes = _changes(household, row.values, linked.get(household.id, set()), row.skills)
            # What the preview shows as "old → new" (personal data stays out of the stored preview).
            row.old = {
                key: _json_value(getattr(household, key))
                for key in row.changes
                if key in PROFILE_KEYS and key not in PERSONAL_KEYS and key != "desa_code"
            }
            chosen = update_existing or row.row in update_rows
            row.status = "update" if chosen and row.changes else "skip"
            continue
        answer, case_id = gate.check(household, row.values, answered_free=row.row in answered_free)
        if answer == collisions.REFUSED:
            row.problems.append(Problem(nik_header, "nik.unavailable", {"case": case_id}))
            row.status = "error"
        elif answer == collisions.LIMIT:
            row.problems.append(Problem(nik_header, "nik.check_limit"))
            row.status = "error"
    gate.finish()


def _linked_skills(household_ids: list[int]) -> dict[int, set[str]]:
    linked: dict[int, set[str]] = {}
    for start in range(0, len(household_ids), CHUNK):
        chunk = household_ids[start : start + CHUNK]
        rows = db.session.execute(
            select(household_skill.c.household_id, Skill.slug)
            .join(Skill, Skill.id == household_skill.c.skill_id)
            .where(household_skill.c.household_id.in_(chunk))
        )
        for household_id, slug in rows:
            linked.setdefault(household_id, set()).add(slug)
    return linked


def _changes(household: Household, values: dict[str, Any], linked: set[str], skills: list[str]) -> list[str]:
    """Profile fields the row would change; empty cells keep what is stored."""
    changed = []
    for key in PROFILE_KEYS:
        if key not in values:
            continue
        old = getattr(household, key)
        new = values[key]
        if key == "components":
            old = {k: v for k, v in (old or {}).items() if v}
        if old != new:
            changed.append(key)
    if set(skills) - linked:
        changed.append("skills")
    return changed


def _flag_likely_duplicates(rows: list[RowResult]) -> None:
    """Flag rows that look like an existing household or an earlier row: similar name, same birth date and desa."""
    live = [row for row in rows if row.status in ("new", "update") and row.values.get("birth_date")]
    keys = {(row.values["desa_code"], row.values["birth_date"]) for row in live}
    desa_codes = sorted({desa for desa, _born in keys})
    known: dict[tuple[str, dt.date], list[tuple[int, str, str]]] = {}
    for start in range(0, len(desa_codes), CHUNK):
        chunk = desa_codes[start : start + CHUNK]
        found = db.session.execute(
            select(Household.id, Household.nik, Household.full_name, Household.desa_code, Household.birth_date).where(
                Household.desa_code.in_(chunk), Household.birth_date.is_not(None)
            )
        )
        for household_id, nik, name, desa, born in found:
            if (desa, born) in keys:
                known.setdefault((desa, born), []).append((household_id, nik, name))
    earlier: dict[tuple[str, dt.date], list[RowResult]] = {}
    for row in live:
        key = (row.values["desa_code"], row.values["birth_date"])
        nik = row.values["nik"]
        for household_id, other_nik, other_name in known.get(key, []):
            if other_nik != nik and services.names_alike(row.values["full_name"], other_name):
                row.duplicate_of_id = household_id
                break
        else:
            name = row.values["full_name"]
            for other in earlier.get(key, []):
                if other.values["nik"] != nik and services.names_alike(name, other.values["full_name"]):
                    row.duplicate_of_row = other.row
                    break
        earlier.setdefault(key, []).append(row)


# Applying ----------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an applied (or dry-run) import did."""

    counts: dict[str, int]
    errors: list[dict[str, Any]]
    analysis: Analysis

    def summary(self) -> dict[str, Any]:
        """The CLI's JSON summary."""
        return {
            "imported": self.counts["imported"],
            "updated": self.counts["updated"],
            "skipped": self.counts["skipped"],
            "flagged": self.analysis.flagged_rows(),
            "errors": self.errors,
            "warnings": self.analysis.warnings(),
        }


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


def _write(facilitator: User, analysis: Analysis) -> None:
    skill_ids = dict(db.session.execute(select(Skill.slug, Skill.id)).all())
    new_rows = [row for row in analysis.rows if row.status == "new"]
    updates = [row for row in analysis.rows if row.status == "update"]
    ids_by_row: dict[int, int] = {}
    if new_rows:
        params = []
        for row in new_rows:
            data = services.HouseholdData(**row.values)
            columns = data.as_columns()
            columns.update(facilitator_id=facilitator.id, likely_duplicate_of_id=row.duplicate_of_id)
            params.append(columns)
        # A plain executemany (no RETURNING) is what PostgreSQL drivers do fastest; the new ids
        # are then read back by NIK, which is unique.
        db.session.execute(insert(Household.__table__), params)
        id_by_nik: dict[str, int] = {}
        niks = [row.values["nik"] for row in new_rows]
        for start in range(0, len(niks), CHUNK):
            chunk = niks[start : start + CHUNK]
            found = db.session.execute(select(Household.nik, Household.id).where(Household.nik.in_(chunk)))
            id_by_nik.update({nik: household_id for nik, household_id in found})
        for row in new_rows:
            ids_by_row[row.row] = id_by_nik[row.values["nik"]]
        later = [
            {"id": ids_by_row[row.row], "likely_duplicate_of_id": ids_by_row.get(row.duplicate_of_row)}
            for row in new_rows
            if row.duplicate_of_row is not None and row.duplicate_of_row in ids_by_row
        ]
        if later:
            db.session.execute(update(Household), later)
    if updates:
        params = []
        for row in updates:
            values = {key: row.values[key] for key in PROFILE_KEYS if key in row.values and key in row.changes}
            values["id"] = row.existing_id
            if row.duplicate_of_id is not None or row.duplicate_of_row in ids_by_row:
                values["likely_duplicate_of_id"] = row.duplicate_of_id or ids_by_row.get(row.duplicate_of_row)
            params.append(values)
        # Bulk UPDATE by primary key needs the same keys in every parameter set.
        for group in _group_by_keys(params):
            db.session.execute(update(Household), group)
    linked = _linked_skills([row.existing_id for row in updates if row.existing_id])
    links = []
    for row in new_rows:
        links += [{"household_id": ids_by_row[row.row], "skill_id": skill_ids[s]} for s in row.skills if s in skill_ids]
    for row in updates:
        have = linked.get(row.existing_id or 0, set())
        links += [
            {"household_id": row.existing_id, "skill_id": skill_ids[s]}
            for s in row.skills
            if s in skill_ids and s not in have
        ]
    if links:
        db.session.execute(insert(household_skill), links)
    events = [{"household_id": ids_by_row[row.row], "actor_id": facilitator.id, "action": "imported",
               "fields": []} for row in new_rows]
    events += [{"household_id": row.existing_id, "actor_id": facilitator.id, "action": "import_updated",
                "fields": row.changes} for row in updates]
    if events:
        db.session.execute(insert(HouseholdEvent.__table__), events)


def _group_by_keys(params: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for values in params:
        groups.setdefault(tuple(sorted(values)), []).append(values)
    return list(groups.values())


# Workbooks ---------------------------------------------------------------------------------


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


# Uploads kept between the preview and the confirmation ---------------------------------------

UPLOAD_LIFETIME = dt.timedelta(hours=24)


def purge_expired_imports(now: dt.datetime | None = None) -> int:
    """Delete uploads past their expiry (they hold personal data); the caller commits."""
    from sqlalchemy import delete

    from ..models import HouseholdImport, utcnow

    result = db.session.execute(delete(HouseholdImport).where(HouseholdImport.expires_at < (now or utcnow())))
    return int(result.rowcount or 0)


def create_import(facilitator: User, content: bytes, filename: str, *, update_existing: bool = True) -> Any:
    """Read and analyse an upload and keep it for the preview; commit. Raises :class:`ImportFileError`."""
    from ..models import HouseholdImport, utcnow

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
    from ..models import HouseholdImport, utcnow

    batch = db.session.get(HouseholdImport, batch_id)
    if batch is None or batch.facilitator_id != facilitator.id or batch.expires_at < utcnow():
        return None
    return batch


def confirm_import(
    facilitator: User, batch: Any, *, update_all: bool | None = None, update_rows: frozenset[int] = frozenset(),
) -> ImportResult:
    """Apply an upload (once) in one transaction and keep its counts for the result page.

    ``update_all`` is the preview's "update all" choice; ``None`` keeps the whole-file choice made at
    upload (``batch.update_existing``). Without it, ``update_rows`` is her per-row choice: only those
    rows of her existing households are updated, the others skipped and counted so. The CLI has only
    the whole-file choice (``--skip-existing``).
    """
    from ..models import HouseholdImport, utcnow

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
