"""Forms of the match pages."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from ..forms import AppForm, max_length, required
from ..labels import label
from ..submissions import OnceOnlyForm
from . import workflow


class ChooseKecamatanForm(OnceOnlyForm):
    """Which kecamatan to allocate (a GET form: it only asks for a preview, so no CSRF token; its
    once-only token makes a reload or a second tap find the plan already asked for)."""

    class Meta:
        csrf = False

    kecamatan = SelectField(_l("Kecamatan"), validators=[required()],
                            description=_l("Every household of this kecamatan without a match under way is included."))


class ConfirmBatchForm(OnceOnlyForm):
    """Write the previewed allocation; the fingerprint tells whether it is still the same, the
    once-only token that a second tap writes nothing more, ``job`` names the previewed plan."""

    kecamatan = HiddenField(validators=[required()])
    fingerprint = HiddenField(validators=[required()])
    page = HiddenField()
    job = HiddenField()


# --- The match workflow -------------------------------------------------------------------------


class FindFilterForm(AppForm):
    """The filters of "Find partners" for a household (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Kind"), default="")
    tier = SelectField(_l("Distance"), default="")


# Largest row id a form may name: the 32-bit integer columns of PostgreSQL.
MAX_ROW_ID = 2**31 - 1


class ProposeForm(OnceOnlyForm):
    """Propose one ranked offer (or, for a partner, ask for one candidate).

    Only the target is posted: the position and score it was shown at are computed again
    by the server (never taken from the page), from the list and filters shown.
    """

    target = IntegerField(validators=[required(), NumberRange(min=1, max=MAX_ROW_ID)], widget=HiddenInput())


class StepForm(AppForm):
    """A step without input: record consent, introduce, accept."""

    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(500)])


class ApproveForm(AppForm):
    """Approve a partner's request: her consent and the introduction in one step."""

    consent = BooleanField(_l("She agreed that her profile is shared with this partner"),
                           validators=[InputRequired(message=_l("Tick this box once she has agreed."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(500)])


class DeclineForm(AppForm):
    """Decline: a reason from the list, plus free text."""

    reason = SelectField(_l("Reason"), validators=[required()])
    note = TextAreaField(_l("More detail (optional)"), validators=[Optional(), max_length(500)])


class StartForm(AppForm):
    """Start an accepted match on a date."""

    started_on = DateField(_l("Start date"), validators=[InputRequired(message=_l("Enter the start date."))])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(500)])


class CompleteForm(AppForm):
    """Record the outcome of a match that went to its end."""

    income_after = IntegerField(
        _l("Her monthly income now (Rupiah)"),
        validators=[InputRequired(message=_l("Enter her monthly income after the match, in Rupiah (0 if none).")),
                    NumberRange(min=0, max=100_000_000,
                                message=_l("Enter an amount between 0 and 100,000,000 Rupiah."))],
        description=_l("Digits only, e.g. 1500000."),
    )
    ended_on = DateField(_l("End date"), validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), max_length(500)])


class DropForm(AppForm):
    """Stop a match: a reason from the list, plus free text."""

    reason = SelectField(_l("Reason"), validators=[required()])
    note = TextAreaField(_l("More detail (optional)"), validators=[Optional(), max_length(500)])


# Each named step's form (see ``workflow.STEP_TARGETS``), and the reasons a step's form offers.
STEP_FORMS: dict[str, type[AppForm]] = {
    "consent": StepForm,
    "introduce": StepForm,
    "approve": ApproveForm,
    "refuse": DeclineForm,
    "accept": StepForm,
    "decline": DeclineForm,
    "start": StartForm,
    "complete": CompleteForm,
    "drop": DropForm,
}
STEP_REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "refuse": ("decline_reason", workflow.HOUSEHOLD_DECLINE_REASONS),
    "decline": ("decline_reason", workflow.PARTNER_DECLINE_REASONS),
    "drop": ("drop_reason", workflow.DROP_REASONS),
}


def prepare_step_form(action: str, form: AppForm) -> None:
    """Give a step's form the reasons its side may pick from (a label group's codes)."""
    if action in STEP_REASONS:
        group, codes = STEP_REASONS[action]
        form.reason.choices = [("", _("Choose a reason"))] + [(code, label(group, code)) for code in codes]
