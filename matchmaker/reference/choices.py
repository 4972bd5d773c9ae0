"""Region choices for forms, scoped to the district this installation serves."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Region, RegionLevel


def home_district_code() -> str:
    """The kabupaten this installation serves (``HOME_DISTRICT``, Kab. Bogor by default)."""
    return current_app.config["HOME_DISTRICT"]


def desa_choices(district_code: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """Every desa of the district grouped by kecamatan, for a select with optgroups."""
    district_code = district_code or home_district_code()
    kecamatan = aliased(Region)
    rows = db.session.execute(
        select(Region.code, Region.name, kecamatan.name)
        .join(kecamatan, Region.parent_code == kecamatan.code)
        .where(Region.level == RegionLevel.VILLAGE, kecamatan.parent_code == district_code)
        .order_by(kecamatan.name, Region.name)
    )
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, name, kecamatan_name in rows:
        grouped.setdefault(f"Kec. {kecamatan_name}", []).append((code, name))
    return grouped


def kecamatan_choices(district_code: str | None = None) -> list[tuple[str, str]]:
    """Every kecamatan of the district, by name."""
    from ..caching import REFERENCE, remember

    district_code = district_code or home_district_code()

    def read() -> list[tuple[str, str]]:
        rows = db.session.execute(
            select(Region.code, Region.name)
            .where(Region.level == RegionLevel.SUBDISTRICT, Region.parent_code == district_code)
            .order_by(Region.name)
        )
        return [(code, name) for code, name in rows]

    # Reference data, on every search and form: read once per process and a few minutes.
    return list(remember(f"kecamatan-choices:{district_code}", read, tables=["region"], timeout=REFERENCE))
