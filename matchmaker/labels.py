"""Translatable labels for the codes stored in the database.

Templates call ``label("role", user.role)``; the mapping keeps every user-facing word in
one place where the extractor finds it. The closed vocabularies of profiles and offers
(components, work preference, travel range, reach, constraints, assets, offer kinds) carry
their own Indonesian and English labels in :mod:`matchmaker.reference.vocabulary`.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from .reference import vocabulary

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
    "offer_status": {
        "draft": _l("Draft"),
        "open": _l("Open"),
        "full": _l("Full"),
        "closed": _l("Closed"),
    },
    # KBLI 2020 main categories (kategori A–U); the Indonesian names come from the catalogue.
    "kbli_sector": {
        "A": _l("Agriculture, forestry and fishing"),
        "B": _l("Mining and quarrying"),
        "C": _l("Manufacturing"),
        "D": _l("Electricity, gas, steam and air conditioning supply"),
        "E": _l("Water supply, sewerage, waste management and remediation"),
        "F": _l("Construction"),
        "G": _l("Wholesale and retail trade; repair of cars and motorcycles"),
        "H": _l("Transportation and storage"),
        "I": _l("Accommodation and food service activities"),
        "J": _l("Information and communication"),
        "K": _l("Financial and insurance activities"),
        "L": _l("Real estate activities"),
        "M": _l("Professional, scientific and technical activities"),
        "N": _l("Rental, employment, travel agency and other business support activities"),
        "O": _l("Public administration and defence; compulsory social security"),
        "P": _l("Education"),
        "Q": _l("Human health and social work activities"),
        "R": _l("Arts, entertainment and recreation"),
        "S": _l("Other service activities"),
        "T": _l("Activities of households as employers and for own use"),
        "U": _l("Activities of extraterritorial organizations and bodies"),
    },
    "funding_source": {
        "dana_desa": _l("Dana Desa (village fund)"),
        "apbd": _l("APBD (regional budget)"),
        "csr": _l("CSR (company social responsibility)"),
        "other": _l("Other funding"),
    },
    "nik_collision_status": {
        "open": _l("To decide"),
        "transferred": _l("Moved to the facilitator who asked"),
        "rejected": _l("Kept (a correction)"),
    },
    "household_status": {
        "active": _l("Active"),
        "in_progress": _l("In progress"),
        "graduated": _l("Graduated"),
        # Not "Keluar": that word is the log-out button.
        "exited": _l("Left PKH"),
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
    # Why a match was declined: by the partner (the first group) or on the household's side.
    "decline_reason": {
        "place_filled": _l("The place is already filled"),
        "skills_mismatch": _l("Skills do not match"),
        "too_far": _l("Too far away"),
        "schedule_conflict": _l("Schedule does not fit"),
        "not_interested": _l("She is not interested"),
        "family_objection": _l("Her family objects"),
        "childcare": _l("No one to look after the children"),
        "other": _l("Another reason"),
        "partner_suspended": _l("The partner was suspended or not approved"),
    },
    # Why a match was dropped after the introduction or once under way.
    "drop_reason": {
        "health": _l("Illness or pregnancy"),
        "childcare": _l("No one to look after the children"),
        "family_objection": _l("Her family objects"),
        "travel_cost": _l("Travel costs too much"),
        "income_too_low": _l("The income was too low"),
        "moved_away": _l("She moved away"),
        "partner_ended": _l("The partner ended it"),
        "found_other_work": _l("She found other work"),
        "other": _l("Another reason"),
        "partner_suspended": _l("The partner was suspended or not approved"),
    },
    "locality_tier": {
        "desa": _l("Same village"),
        "kecamatan": _l("Same sub-district"),
        "kabupaten": _l("Elsewhere in the district"),
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
    "income_bracket": {
        "lt_1jt": _l("Under Rp1 million"),
        "1_2jt": _l("Rp1–2 million"),
        "2_3jt": _l("Rp2–3 million"),
        "gt_3jt": _l("Over Rp3 million"),
    },
    "graduation_type": {
        "sejahtera_mandiri": _l("Self-reliant graduation"),
        "alamiah": _l("Natural graduation"),
    },
    "household_event": {
        "created": _l("Profile created"),
        "updated": _l("Profile edited"),
        "imported": _l("Imported from a sheet"),
        "import_updated": _l("Updated from a sheet"),
        "duplicate_cleared": _l("Marked as not a duplicate"),
        "graduated": _l("Graduation approved"),
    },
    "graduation_status": {
        "pending": _l("Waiting for approval"),
        "approved": _l("Approved"),
        "rejected": _l("Rejected"),
    },
    "school_attendance": {
        "all_attend": _l("Every school-age child goes to school"),
        "not_all": _l("Not every school-age child goes to school"),
        "none_of_age": _l("No child of school age"),
    },
    "checkin_state": {
        "overdue": _l("Overdue"),
        "due": _l("Due today"),
        "upcoming": _l("Upcoming"),
        "done": _l("Done"),
    },
}


# Groups whose labels come from the vocabulary data file.
VOCABULARY_GROUPS = frozenset({"offer_kind", "reach", "pkh_component", "constraint", "work_preference",
                               "travel_range", "asset"})


def _vocabulary_label(group: str, code: str) -> str:
    from .i18n import current_language

    return vocabulary.label(group, code, current_language())


def label(group: str, code: str | None) -> str:
    """Return the translated label of ``code`` in ``group``, or the code itself if unknown."""
    if code is None:
        return "–"
    if group in VOCABULARY_GROUPS:
        return _vocabulary_label(group, code)
    return str(LABELS.get(group, {}).get(code, code))


def choices(group: str) -> list[tuple[str, object]]:
    """Return ``(code, lazy label)`` pairs for a WTForms select field."""
    if group in VOCABULARY_GROUPS:
        return [(code, LazyString(_vocabulary_label, group, code)) for code in vocabulary.codes(group)]
    return list(LABELS[group].items())
