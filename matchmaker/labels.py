"""Translatable labels for the codes stored in the database.

Templates call ``label("role", user.role)``; the mapping keeps every user-facing word in
one place where the extractor finds it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, object]] = {
    "role": {
        "facilitator": _l("Facilitator"),
        "business": _l("Business"),
        "village_office": _l("Village office"),
        "coordinator": _l("Coordinator"),
        "admin": _l("Administrator"),
    },
    "user_status": {
        "pending": _l("Awaiting approval"),
        "active": _l("Active"),
        "disabled": _l("Disabled"),
    },
    "org_status": {
        "pending": _l("Awaiting verification"),
        "active": _l("Verified"),
        "rejected": _l("Rejected"),
        "suspended": _l("Suspended"),
    },
    "org_kind": {
        "business": _l("Business"),
        "village_office": _l("Village office"),
    },
    "offer_kind": {
        "job": _l("Wage job"),
        "apprenticeship": _l("Apprenticeship"),
        "supplier": _l("Supplier or reseller partnership"),
        "mentoring": _l("Business mentoring"),
        "capital": _l("Capital or equipment support"),
        "bumdes": _l("BUMDes business unit"),
        "padat_karya": _l("Padat Karya Tunai Desa"),
        "training": _l("Skills training"),
        "cooperative": _l("Cooperative / KUR facilitation"),
        "tourism_village": _l("Tourism village"),
        "village_market": _l("Village market"),
        "other_program": _l("Other program"),
    },
    "offer_status": {
        "draft": _l("Draft"),
        "open": _l("Open"),
        "full": _l("Full"),
        "closed": _l("Closed"),
    },
    "household_status": {
        "active": _l("Active"),
        "in_progress": _l("In progress"),
        "graduated": _l("Graduated"),
        "exited": _l("Exited"),
    },
    "match_status": {
        "proposed": _l("Proposed"),
        "introduced": _l("Introduced"),
        "accepted": _l("Accepted"),
        "declined": _l("Declined"),
        "started": _l("Started"),
        "completed": _l("Completed"),
        "dropped": _l("Dropped"),
    },
    "region_level": {
        "provinsi": _l("Province"),
        "kabupaten": _l("District"),
        "kecamatan": _l("Sub-district"),
        "desa": _l("Village"),
    },
    "language": {
        "id": _l("Bahasa Indonesia"),
        "en": _l("English"),
    },
}


def label(group: str, code: str | None) -> str:
    """Return the translated label of ``code`` in ``group``, or the code itself if unknown."""
    if code is None:
        return "–"
    return str(LABELS.get(group, {}).get(code, code))


def choices(group: str) -> list[tuple[str, object]]:
    """Return ``(code, lazy label)`` pairs for a WTForms select field."""
    return list(LABELS[group].items())
