"""The home visit form and the sentences behind the visit service's error codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DateField, TextAreaField
from wtforms.validators import Optional

from ..forms import AppForm, max_length
from ..submissions import OnceOnlyForm
from .services import MAX_TEXT, VisitData

MESSAGES: dict[str, Any] = {
    "visit.date_required": _l("Enter the date of the visit."),
    "visit.date_future": _l("The date of the visit cannot be in the future."),
    "visit.notes_required": _l("Write what you saw or talked about."),
    "visit.too_long": _l("At most %(max)d characters.", max=MAX_TEXT),
}


def message(code: str) -> str:
    """The translated sentence of a visit error code."""
    return str(MESSAGES.get(code, code))


class VisitForm(OnceOnlyForm):
    """A home visit: when, what she noted, what changed. Dates and texts are checked by the service."""

    visited_on = DateField(_l("Date of the visit"), validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[max_length(MAX_TEXT)],
                          description=_l("What you saw and talked about."))
    changes = TextAreaField(_l("What changed (optional)"), validators=[Optional(), max_length(MAX_TEXT)],
                            description=_l("Since the last visit: work, income, family, needs."))

    def data_object(self) -> VisitData:
        """The form's values for the service."""
        return VisitData(visited_on=self.visited_on.data, notes=self.notes.data or "", changes=self.changes.data or "")


def apply_errors(form: AppForm, errors: dict[str, str]) -> None:
    """Put the service's error codes next to their fields (or above the form)."""
    for name, code in errors.items():
        target = getattr(form, name, None) if name else None
        if target is not None:
            target.errors = list(target.errors) + [message(code)]
        else:
            form.form_errors.append(message(code))
