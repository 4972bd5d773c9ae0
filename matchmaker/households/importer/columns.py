"""The sheet's columns: their specs and aliases, header detection, and the table as read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from ...reference import vocabulary
from ..messages import CodedError

# A title, a subtitle, a blank line and a note can sit above the header row.
HEADER_SCAN_ROWS = 15
HEADER_FUZZY_CUTOFF = 85
TEXT_LIMIT = 2000
CHUNK = 500


class ImportFileError(CodedError):
    """The file itself cannot be imported; ``code`` is a key of ``messages.FILE_MESSAGES``."""



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
