"""Forms of the match pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField

from ..forms import AppForm, required


class ChooseKecamatanForm(AppForm):
    """Which kecamatan to allocate (a GET form: it only shows a preview, so no CSRF token)."""

    class Meta:
        csrf = False

    kecamatan = SelectField(_l("Kecamatan"), validators=[required()],
                            description=_l("Every household of this kecamatan without a match under way is included."))


class ConfirmBatchForm(AppForm):
    """Write the previewed allocation; the fingerprint tells whether it is still the same."""

    kecamatan = HiddenField(validators=[required()])
    fingerprint = HiddenField(validators=[required()])
