"""Writing an analysed sheet: new households, updates, skills and events in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update

from ...extensions import db
from ...models import (
    Household,
    HouseholdEvent,
    Skill,
    User,
    household_skill,
)
from .. import services
from .analysis import PROFILE_KEYS, Analysis, _linked_skills
from .columns import CHUNK


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
