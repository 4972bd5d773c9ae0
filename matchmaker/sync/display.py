"""How the conflict page names and shows each field of both versions, in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..i18n import format_date
from ..labels import label

# Fields of the profile form not named on the import preview (whose labels are reused).
PROFILE_LABELS = {
    "nik": _l("NIK"), "pkh_participant_id": _l("PKH participant ID"), "year_joined": _l("Year joined PKH"),
    "assets_text": _l("Other assets"), "income_bracket": _l("Monthly household income"),
    "has_savings": _l("Has a savings account"), "status": _l("Status"),
    "graduation_type": _l("Graduation"), "graduated_on": _l("Graduation"),
}
CHECKIN_LABELS = {
    "done_on": _l("Date of the visit"), "monthly_income": _l("Monthly income now (Rupiah)"),
    "note": _l("What you found"),
}
# Which labels group turns each coded value into words.
CODED = {"work_preference": "work_preference", "travel_range": "travel_range", "income_bracket": "income_bracket",
         "status": "household_status", "graduation_type": "graduation_type"}
CODED_LISTS = {"constraints": "constraint", "assets": "asset"}


def field_label(kind: str, name: str) -> str:
    """The label of field ``name`` of a ``profile`` or ``checkin``, as on its form."""
    if kind == "checkin":
        return str(CHECKIN_LABELS.get(name, name))
    from ..households.views import FIELD_LABELS

    return str(FIELD_LABELS.get(name) or PROFILE_LABELS.get(name) or name)


def show_value(name: str, value: Any) -> str:
    """A stored or submitted value as words: labels for codes, "Ya"/"Tidak", dates, "–" for nothing."""
    if value in (None, "", [], {}):
        return "–"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, dt.date):
        return format_date(value)
    if name == "components":
        return ", ".join(f"{label('pkh_component', code)} {count}" for code, count in sorted(value.items()))
    if name == "skills":
        from ..households.views import _skill_name

        return ", ".join(_skill_name(slug) for slug in value)
    if name in CODED_LISTS:
        return ", ".join(label(CODED_LISTS[name], item) for item in value)
    if name in CODED:
        return label(CODED[name], value)
    return str(value)
