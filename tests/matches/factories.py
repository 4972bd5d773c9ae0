"""Offers and households for the match tests (built on the shared factories)."""

from __future__ import annotations

from typing import Any

from matchmaker.extensions import db
from matchmaker.models import Offer, OfferKind, OfferStatus, Organization, Reach


def make_offer(organization: Organization, **fields: Any) -> Offer:
    """Create and commit an open sewing job in the organization's desa unless overridden."""
    values: dict[str, Any] = {
        "organization_id": organization.id,
        "kind": OfferKind.JOB,
        "title": "Dicari penjahit borongan gamis",
        "description": "Jahit gamis di konveksi, dibayar per potong.",
        "skills_text": "jahit baju, obras",
        "desa_code": organization.desa_code,
        "reach": Reach.SUBDISTRICT,
        "places": 3,
        "hours_per_week": 20,
        "status": OfferStatus.OPEN,
    }
    values.update(fields)
    offer = Offer(**values)
    db.session.add(offer)
    db.session.commit()
    return offer


SEWER: dict[str, Any] = {
    "skills_text": "bisa jahit baju pake mesin, obras",
    "interests": "pengen kerja jahit",
    "work_experience": "kerja di konveksi 2 thn",
    "travel_range": Reach.SUBDISTRICT,
    "hours_per_week": 30,
    "assets": ["mesin jahit"],
}
