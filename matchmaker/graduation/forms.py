"""Forms of the graduation pages, and the sentences behind the services' error codes."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, RadioField, TextAreaField
from wtforms.validators import NumberRange, Optional

from ..forms import AppForm, max_length, required
from ..labels import choices
from ..submissions import OnceOnlyForm
from .services import MAX_HOUSEHOLD_SIZE, MAX_INCOME, MAX_TEXT, AssessmentData, CheckinData, SubmissionData

MESSAGES: dict[str, Any] = {
    "graduation.size_range": _l("Enter a number of people between 1 and %(max)d.", max=MAX_HOUSEHOLD_SIZE),
    "graduation.bad_choice": _l("Not a valid choice."),
    "graduation.income_range": _l("Enter an amount in Rupiah a month, without dots (e.g. 2500000)."),
    "graduation.income_since_required": _l("Enter since when she earns this income."),
    "graduation.income_required": _l("Enter the monthly income too."),
    "graduation.date_future": _l("The date cannot be in the future."),
    "graduation.date_required": _l("Enter the graduation date."),
    "graduation.type_required": _l("Choose how the household graduates."),
    "graduation.components_remain": _l(
        "A natural graduation needs every PKH component to be gone: update the components in her profile first."
    ),
    "graduation.not_ready": _l(
        "The required items of the checklist do not all hold yet. Tick the box to submit anyway, "
        "and explain why in the evidence."
    ),
    "graduation.evidence_required": _l("Write the evidence: what shows that the household can graduate."),
    "graduation.too_long": _l("At most %(max)d characters.", max=MAX_TEXT),
    "graduation.already_graduated": _l("This household has already graduated."),
    "graduation.exited": _l("This household has left PKH."),
    "graduation.pending_exists": _l("A graduation of this household is already waiting for the coordinator."),
    "graduation.already_reviewed": _l("This graduation has already been reviewed."),
    "graduation.reason_required": _l("Write why you reject it: the facilitator reads it."),
    "graduation.override_reason_required": _l(
        "Required items of the checklist do not hold: write why you approve it anyway."
    ),
    "graduation.visit_date_required": _l("Enter the date of the visit."),
    "graduation.visit_before_graduation": _l("The visit cannot be before the graduation date."),
}


def message(code: str) -> str:
    """The translated sentence of an error code."""
    return str(MESSAGES.get(code, code))


def apply_errors(form: AppForm, errors: dict[str, str]) -> None:
    """Put the services' error codes next to their fields (or above the form)."""
    for name, code in errors.items():
        target = getattr(form, name, None) if name else None
        if target is not None:
            target.errors = list(target.errors) + [message(code)]
        else:
            form.form_errors.append(message(code))


class AssessmentForm(AppForm):
    """What the facilitator confirms for the checklist where the data cannot tell."""

    household_size = IntegerField(
        _l("People in the household"), validators=[Optional(), NumberRange(min=1, max=MAX_HOUSEHOLD_SIZE)],
        description=_l("Everyone who lives and eats together; the poverty line is counted per person."),
    )
    children_in_school = RadioField(
        _l("Children in school"), choices=[("", _l("Not confirmed yet")), *choices("school_attendance")], default="",
        validate_choice=True,
    )
    monthly_income = IntegerField(
        _l("Monthly income from all sources (Rupiah)"), validators=[Optional(), NumberRange(min=0, max=MAX_INCOME)],
        description=_l("What she and her family earn a month, e.g. 2500000. Leave empty if you do not know."),
    )
    income_since = DateField(_l("Earning this income since"), validators=[Optional()])
    livelihood_since = DateField(
        _l("Own business or job found outside the app, running since"), validators=[Optional()],
        description=_l("Jobs and programs found through the app are counted from their matches."),
    )

    def data_object(self) -> AssessmentData:
        """The form's values for the services."""
        return AssessmentData(
            household_size=self.household_size.data,
            children_in_school=self.children_in_school.data or None,
            monthly_income=self.monthly_income.data,
            income_since=self.income_since.data,
            livelihood_since=self.livelihood_since.data,
        )


class GraduateForm(OnceOnlyForm):
    """The facilitator's graduation record, sent to the coordinator."""

    graduation_type = RadioField(_l("Kind of graduation"), choices=choices("graduation_type"), validators=[required()])
    graduated_on = DateField(_l("Graduation date"), validators=[required()])
    evidence = TextAreaField(
        _l("Evidence"), validators=[required(), max_length(MAX_TEXT)],
        description=_l("What shows it: her income and since when, her business, the components that ended."),
    )
    confirm_not_ready = BooleanField(_l("Submit although the checklist's required items do not all hold yet"))

    def data_object(self) -> SubmissionData:
        """The form's values for the services."""
        return SubmissionData(
            graduation_type=self.graduation_type.data,
            graduated_on=self.graduated_on.data,
            evidence=self.evidence.data or "",
            confirm_not_ready=bool(self.confirm_not_ready.data),
        )


class ApproveForm(AppForm):
    """The coordinator's approval: one button, plus a written reason when required checklist items fail."""

    reason = TextAreaField(
        _l("Why approve although required items do not hold"), validators=[Optional(), max_length(MAX_TEXT)],
        description=_l("Kept with the graduation and shown in its history."),
    )


class RejectForm(AppForm):
    """The coordinator's rejection, with the reason the facilitator reads."""

    reason = TextAreaField(_l("Reason for rejecting"), validators=[required(), max_length(MAX_TEXT)])


class CheckinForm(AppForm):
    """A follow-up visit after graduation."""

    done_on = DateField(_l("Date of the visit"), validators=[required()])
    monthly_income = IntegerField(
        _l("Monthly income now (Rupiah)"), validators=[Optional(), NumberRange(min=0, max=MAX_INCOME)],
        description=_l("e.g. 2500000; leave empty if she did not say."),
    )
    note = TextAreaField(
        _l("What you found"), validators=[Optional(), max_length(MAX_TEXT)],
        description=_l("Is the livelihood still running? Anything the family needs?"),
    )

    def data_object(self) -> CheckinData:
        """The form's values for the services."""
        return CheckinData(done_on=self.done_on.data, monthly_income=self.monthly_income.data,
                           note=self.note.data or "")

