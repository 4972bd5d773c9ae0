"""Analysis: each row checked, repeats inside the file, and the comparison with the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from ...extensions import db
from ...models import (
    Household,
    Skill,
    User,
    household_skill,
)
from .. import collisions, services
from ..messages import message
from ..nik import check_kk, check_nik, nik_date
from .cells import (
    EMPTY_MARKERS,
    CellError,
    OptionalCell,
    _optional_text,
    cell_text,
    check_birth_date,
    is_formula,
    parse_assets,
    parse_choice,
    parse_components,
    parse_constraints,
    parse_date,
    parse_hours,
    parse_name,
    parse_phone,
    parse_yes_no,
)
from .columns import CHUNK, COLUMN_BY_KEY, TEXT_LIMIT, Table, _blank
from .lookups import RegionLookup, SkillLookup

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
