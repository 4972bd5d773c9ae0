"""Sheets written by someone who never read the importer (see blind/README.md): every row's exact outcome."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.households.importer import RowResult, analyse, apply_import, read_table
from matchmaker.models import Household, Region
from tests.conftest import make_user

BLIND = Path(__file__).with_name("blind")
FILES = ("sheet_own.xlsx", "export_other_system.xlsx", "old_phone.csv")
_NUMERALS = {"satu": "1", "i": "1", "dua": "2", "ii": "2", "tiga": "3", "iii": "3"}
# Optional columns whose values are coded: a warning is expected when part of one is not understood.
PROFILE_FIELDS = ("hours_per_week", "work_preference", "travel_range", "home_based_only")


def _place(name: str | None) -> str:
    """A desa or person name compared as the README says: case, spacing and numerals (1 = I = Satu) ignored."""
    words = re.findall(r"[a-z0-9]+", (name or "").casefold())
    return "".join(_NUMERALS.get(word, word) for word in words)


def row_mismatches(expected_row: dict[str, Any], row: RowResult | None, desa_names: dict[str, str]) -> list[str]:
    """What differs between the expected outcome of one sheet row and the importer's preview of it."""
    outcome = expected_row["outcome"]
    expected = expected_row.get("expected", {})
    if row is None:
        return ["row not read"]
    if outcome == "refused":
        columns = [problem.column for problem in row.problems]
        if row.status != "error":
            return [f"status {row.status}, expected refused ({expected_row['column']})"]
        return [] if expected_row["column"] in columns else [f"refused for {columns}, not {expected_row['column']}"]
    if outcome == "flagged":
        return [] if row.status == "held" else [f"status {row.status}, expected held"]
    if row.status != "new":
        return [f"status {row.status}: {[(p.column, p.code) for p in row.problems]}"]
    values = row.values
    wrong = []

    def check(label: str, got: Any, want: Any) -> None:
        if got != want:
            wrong.append(f"{label}: {got!r} != {want!r}")

    check("nik", values.get("nik"), expected["nik"])
    check("full_name", _place(values.get("full_name")), _place(expected["full_name"]))
    check("birth_date", values["birth_date"].isoformat() if values.get("birth_date") else None,
          expected["birth_date"])
    check("desa", _place(desa_names.get(row.desa_code or "")), _place(expected["desa"]))
    check("phone", values.get("phone"), expected.get("phone"))
    for key in PROFILE_FIELDS:
        if key in expected:
            check(key, values.get(key), expected[key])
    check("constraints", sorted(values.get("constraints", [])), expected.get("constraints", []))
    check("assets", sorted(values.get("assets", [])), expected.get("assets", []))
    check("components", values.get("components", {}), expected.get("components", {}))
    if "no_kk" in expected:
        check("no_kk", values.get("kk_number"), expected["no_kk"])
    for key in ("business_experience", "interests"):
        if key in expected:
            check(key, values.get(key), expected[key])
    if "constraints_text" in expected:
        kept = values.get("profile_notes", "")
        if _place(expected["constraints_text"]) not in _place(kept):
            wrong.append(f"constraints_text {expected['constraints_text']!r} not kept in {kept!r}")
    check("warnings", sorted({problem.column for problem in row.warnings}), sorted(expected.get("warnings", [])))
    return wrong


def _facilitator(areas: list[str]):
    return make_user(email="blind@example.test", areas=areas)


def expected_rows(name: str) -> dict[str, Any]:
    """The blind writer's expectation for ``name``, with this project's documented decisions (overrides.json)."""
    spec = json.loads((BLIND / f"{name}.expected.json").read_text(encoding="utf-8"))
    overrides = json.loads((BLIND / "overrides.json").read_text(encoding="utf-8")).get(name, {})
    for item in spec["rows"]:
        decision = overrides.get(str(item["row"]))
        if decision:
            item["expected"] = {**item["expected"], **decision["patch"]}
            for key in decision.get("drop", []):
                item["expected"].pop(key, None)
    return spec


def _analysis(name: str):
    spec = expected_rows(name)
    facilitator = _facilitator(spec["facilitator_area"])
    table = read_table((BLIND / name).read_bytes(), name)
    return spec, facilitator, table, analyse(table, facilitator)


def _desa_names(rows: list[RowResult]) -> dict[str, str]:
    codes = {row.desa_code for row in rows if row.desa_code}
    return dict(db.session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all())


@pytest.mark.parametrize("name", FILES)
def test_every_row_of_a_blind_sheet_gets_its_expected_outcome(app, name):
    """A facilitator's sheet in a layout nobody here designed would lose, misread or wrongly store households."""
    spec, _facilitator_user, _table, analysis = _analysis(name)
    by_row = {row.row: row for row in analysis.rows}
    names = _desa_names(analysis.rows)
    wrong = {
        item["row"]: row_mismatches(item, by_row.get(item["row"]), names)
        for item in spec["rows"]
    }
    assert {row: problems for row, problems in wrong.items() if problems} == {}
    listed = {item["row"] for item in spec["rows"]}
    assert set(by_row) == listed  # titles, blank rows, footers and signatures are not rows


@pytest.mark.parametrize("name", FILES)
def test_a_blind_sheet_stores_each_valid_household_once(app, name):
    """Importing the same sheet twice would store a household twice, or store a refused or held row."""
    spec, facilitator, table, _analysis_result = _analysis(name)
    stored = [item["expected"]["nik"] for item in spec["rows"] if item["outcome"] == "stored"]
    result = apply_import(facilitator, table)
    assert result.counts["imported"] == len(stored)
    assert sorted(db.session.scalars(select(Household.nik))) == sorted(stored)
    again = apply_import(facilitator, read_table((BLIND / name).read_bytes(), name))
    assert again.counts["imported"] == 0
    assert db.session.scalar(select(func.count()).select_from(Household)) == len(stored)
