"""Load the Kemendagri list of Indonesian regions into the ``region`` table.

The list (``data/regions.csv``, see ``data/LICENSE-regions.txt``) has one ``code,name`` row
per region. A region's level follows from the number of dotted parts of its code
(``32`` › ``32.01`` › ``32.01.16`` › ``32.01.16.2013``) and its parent is its code less the
last part, so neither is stored in the file.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..models import Region, RegionLevel, display_region_name

REGIONS_CSV = Path(__file__).resolve().parent / "data" / "regions.csv"

# Small enough to keep each statement's parameter list modest on PostgreSQL, large enough
# that 91k rows take a couple of dozen round trips.
CHUNK_SIZE = 5_000

_LEVELS = {index + 1: level for index, level in enumerate(RegionLevel.ALL)}
_DOTTED_CODE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
# Some exports drop the dots; their part widths (2, 2, 2, 4) let us put them back.
_BARE_CODE = re.compile(r"\d{2}|\d{4}|\d{6}|\d{10}")
_NAME_MAX = Region.__table__.c.name.type.length or 120

ProgressCallback = Callable[[int, int], None]


class RegionDataError(ValueError):
    """Raised when the regions file cannot be loaded as it stands."""


@dataclass(frozen=True)
class RegionRow:
    """One region as read from the file: code, cleaned name, and what follows from the code."""

    code: str
    name: str

    @property
    def depth(self) -> int:
        """1 for a province down to 4 for a village."""
        return self.code.count(".") + 1

    @property
    def level(self) -> str:
        """The :class:`~matchmaker.models.RegionLevel` value."""
        return _LEVELS[self.depth]

    @property
    def parent_code(self) -> str | None:
        """The enclosing region's code, ``None`` for a province."""
        return self.code.rsplit(".", 1)[0] if "." in self.code else None

    def as_params(self) -> dict[str, str | None]:
        """The row as insert/update parameters."""
        return {"code": self.code, "name": self.name, "level": self.level, "parent_code": self.parent_code}


def normalize_code(raw: str) -> str | None:
    """Return the dotted form of a region code (``3201162013`` → ``32.01.16.2013``), or None."""
    code = raw.strip()
    if _DOTTED_CODE.fullmatch(code):
        return code
    if _BARE_CODE.fullmatch(code):
        parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
        return ".".join(part for part in parts if part)
    return None


def clean_name(name: str, depth: int) -> str:
    """Tidy a name from the file without changing what it says.

    Collapses stray whitespace, writes the district prefix ``KAB`` consistently as ``KAB.``
    (two rows of the source lack the dot) and capitalises the few village names that the
    source has in lower case, so that lists sort and read consistently.
    """
    name = " ".join(name.split())
    if depth == 2 and name.startswith("KAB "):
        name = "KAB. " + name[4:]
    if depth >= 3 and name.islower():
        name = " ".join(word[:1].upper() + word[1:] for word in name.split(" "))
    return name


def read_region_rows(csv_path: str | Path | None = None) -> list[RegionRow]:
    """Read and validate the regions file, parents before children.

    Tolerates a byte-order mark, a header line, blank lines, quoted names with commas,
    surrounding whitespace and undotted codes. An exact duplicate row is ignored; the same
    code with two different names, a malformed code, or a region whose parent is missing
    raises :class:`RegionDataError` naming the line. The parsed file is cached per process
    (keyed on its modification time), since tests load subsets of it many times.
    """
    path = Path(csv_path) if csv_path else REGIONS_CSV
    stat = path.stat()
    return list(_parse_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _parse_cached(path_str: str, mtime_ns: int, size: int) -> tuple[RegionRow, ...]:
    """Parse the file at ``path_str``; the stat values only make the cache key."""
    del mtime_ns, size
    path = Path(path_str)
    rows: dict[str, RegionRow] = {}
    # utf-8-sig strips a BOM if present; newline="" lets csv handle quoted fields itself.
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line_no, record in enumerate(csv.reader(handle), start=1):
            if not record or not "".join(record).strip():
                continue
            if len(record) < 2:
                raise RegionDataError(f"{path.name}:{line_no}: expected 'code,name', got {record!r}")
            code = normalize_code(record[0])
            if code is None:
                if line_no == 1:
                    continue  # a header such as "code,name" or "kode,nama"
                raise RegionDataError(f"{path.name}:{line_no}: malformed region code {record[0]!r}")
            # A name with an unquoted comma spills into extra fields: keep it whole.
            name = clean_name(",".join(record[1:]), code.count(".") + 1)
            if not name:
                raise RegionDataError(f"{path.name}:{line_no}: region {code} has no name")
            if len(name) > _NAME_MAX:
                raise RegionDataError(f"{path.name}:{line_no}: name of {code} is longer than {_NAME_MAX}")
            previous = rows.get(code)
            if previous is not None and previous.name != name:
                raise RegionDataError(
                    f"{path.name}:{line_no}: code {code} appears twice ({previous.name!r}, {name!r})"
                )
            rows[code] = RegionRow(code, name)
    for code in rows:
        parent = code.rpartition(".")[0]
        if parent and parent not in rows:
            raise RegionDataError(f"{path.name}: region {code} has no parent {parent} in the file")
    # Each level's codes have a fixed length (2, 5, 8, 13), so length orders parents first.
    return tuple(sorted(rows.values(), key=lambda row: (len(row.code), row.code)))


def load_regions(
    session: Session,
    csv_path: str | Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    commit: bool = True,
) -> int:
    """Insert every region of the file that the database lacks; return how many were inserted.

    Idempotent: regions already present are not inserted again, but a region whose name
    (or, improbably, level or parent) changed in the file is updated. Regions in the
    database that the file no longer lists are kept, because households and offers may
    point at them. Runs as one transaction, committed unless ``commit`` is false.
    ``progress(done, total)`` is called after each chunk written.
    """
    return _write_rows(session, read_region_rows(csv_path), progress, commit)


def load_regions_subset(
    session: Session,
    prefixes: Sequence[str],
    csv_path: str | Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    commit: bool = True,
) -> int:
    """Load only the regions under the given codes, plus all their ancestors.

    A prefix matches whole code parts: ``"32.01"`` loads Kab. Bogor with its kecamatan and
    desa, and Jawa Barat above it, but never ``32.010…``. Undotted prefixes
    (``"3201"``) are accepted. Raises :class:`RegionDataError` for a prefix that matches
    nothing, since that is almost always a typo. Returns the number of rows inserted.
    """
    wanted: list[str] = []
    for prefix in prefixes:
        code = normalize_code(prefix)
        if code is None:
            raise RegionDataError(f"malformed region code prefix {prefix!r}")
        wanted.append(code)
    rows = read_region_rows(csv_path)
    by_code = {row.code: row for row in rows}
    selected: set[str] = set()
    for code in wanted:
        matched = [row.code for row in rows if row.code == code or row.code.startswith(code + ".")]
        if not matched:
            raise RegionDataError(f"no region matches the prefix {code!r}")
        selected.update(matched)
        selected.update(_ancestors(code))
    subset = [by_code[code] for code in selected]
    subset.sort(key=lambda row: (row.depth, row.code))
    return _write_rows(session, subset, progress, commit)


def region_path(region: Region) -> str:
    """The region and its ancestors, narrowest first: ``Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat``.

    Follows ``region.parent`` (one query per level unless already loaded).
    """
    names: list[str] = []
    current: Region | None = region
    while current is not None:
        names.append(display_region_name(current.name, current.level))
        current = current.parent
    return ", ".join(names)


def list_regions(
    session: Session,
    *,
    level: str | None = None,
    within: str | None = None,
    parent: str | None = None,
    after: str | None = None,
    limit: int = 25,
) -> list[Region]:
    """Regions in code order, one page at a time: those of ``level``, below ``within`` (a dotted
    code), children of ``parent``, and after the code ``after`` (the last of the previous page)."""
    statement = select(Region).order_by(Region.code).limit(limit)
    if level:
        statement = statement.where(Region.level == level)
    if within:
        statement = statement.where(Region.code.startswith(within + "."))
    if parent:
        statement = statement.where(Region.parent_code == parent)
    if after:
        statement = statement.where(Region.code > after)
    return list(session.scalars(statement))


def parent_code_of(code: str) -> str | None:
    """``32.01.16`` → ``32.01``; a province has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else None


def cached_region_path(code: str | None) -> str | None:
    """:func:`region_path` of the region ``code`` (None when unknown), cached: regions are reference data."""
    if not code:
        return None
    from ..caching import REFERENCE, remember
    from ..extensions import db

    def read() -> str | None:
        region = db.session.get(Region, code)
        return region_path(region) if region is not None else None

    return remember(f"region-path:{code}", read, tables=["region"], timeout=REFERENCE)


def _ancestors(code: str) -> Iterable[str]:
    """``32.01.16`` → ``32``, ``32.01``."""
    parts = code.split(".")
    return (".".join(parts[:index]) for index in range(1, len(parts)))


def _write_rows(
    session: Session, rows: list[RegionRow], progress: ProgressCallback | None, commit: bool
) -> int:
    """Insert missing rows and update changed ones, in chunks, parents first."""
    table = Region.__table__
    # Reading every existing row once is far cheaper than a per-row existence check,
    # and lets a second run skip everything without touching the database again.
    existing = {
        code: (name, level, parent)
        for code, name, level, parent in session.execute(
            select(table.c.code, table.c.name, table.c.level, table.c.parent_code)
        )
    }
    missing = [row.as_params() for row in rows if row.code not in existing]
    changed = [
        row.as_params()
        for row in rows
        if row.code in existing and existing[row.code] != (row.name, row.level, row.parent_code)
    ]
    # A child may only be inserted once its parent exists (PostgreSQL checks the foreign
    # key per statement): a parent absent from both the file slice and the database is an error.
    known = set(existing) | {row["code"] for row in missing}
    for params in missing:
        parent = params["parent_code"]
        if parent is not None and parent not in known:
            raise RegionDataError(f"region {params['code']} has no parent {parent} in the file or database")

    total = len(missing) + len(changed)
    done = 0
    try:
        # Core statements through the session: one executemany per chunk, in the session's
        # transaction, without building 91k ORM objects.
        for start in range(0, len(missing), CHUNK_SIZE):
            chunk = missing[start : start + CHUNK_SIZE]
            session.execute(insert(table), chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
        for start in range(0, len(changed), CHUNK_SIZE):
            chunk = changed[start : start + CHUNK_SIZE]
            session.execute(
                update(table)
                .where(table.c.code == bindparam("b_code"))
                .values(name=bindparam("b_name"), level=bindparam("b_level"), parent_code=bindparam("b_parent_code")),
                [{f"b_{key}": value for key, value in params.items()} for params in chunk],
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        if commit:
            session.commit()
        else:
            session.flush()
    except Exception:
        session.rollback()
        raise
    return len(missing)

