"""Small factories for matching-engine tests."""

from __future__ import annotations

from typing import Any

from matchmaker.matching.schema import HouseholdRecord, OfferRecord


def offer(oid: str, **kw: Any) -> OfferRecord:
    """An open sewing offer in desa 32.01.16.2007 unless overridden."""
    base: dict[str, Any] = dict(
        id=oid, kind="job", provider=f"Prov {oid}", provider_type="business",
        title="Dicari penjahit borongan gamis", description="Jahit gamis di konveksi, dibayar per potong.",
        skills=["jahit baju", "obras"], village_code="32.01.16.2007", home_based=False,
        reach="kabupaten", places=5, places_taken=0, hours_per_week=20, status="open",
    )
    base.update(kw)
    return OfferRecord(**base)


def household(hid: str, **kw: Any) -> HouseholdRecord:
    """A household in desa 32.01.16.2007 who can sew, unless overridden."""
    base: dict[str, Any] = dict(
        id=hid, skills="bisa jahit baju pake mesin", interests="pengen kerja jahit",
        experience="kerja di konveksi 2 thn", village_code="32.01.16.2007", work_preference="any",
        travel="kabupaten", home_based_only=False, hours_per_week=30, constraints=[], assets=["mesin jahit"],
    )
    base.update(kw)
    return HouseholdRecord(**base)
