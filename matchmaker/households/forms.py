"""Forms of the households domain: the profile, the caseload filters, the import upload."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as BaseForm
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import clock
from ..forms import AppForm, _BabelTranslations, indonesian_phone, max_length, required
from ..labels import choices
from ..models import HouseholdStatus
from ..reference import vocabulary
from ..submissions import OnceOnlyForm
from . import services
from .importer import CellError, check_birth_date, parse_name
from .messages import message, nik_message
from .nik import check_kk, check_nik

OTHER_ASSETS_HINT = _l("Other assets, separated by commas.")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (rendered inside a fieldset by the households form macros)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _SubForm(BaseForm):
    """A nested form whose WTForms messages are translated like :class:`AppForm`'s."""

    class Meta:
        def get_translations(self, form: BaseForm) -> _BabelTranslations:
            return _BabelTranslations()


def _count_field(text: Any) -> IntegerField:
    return IntegerField(
        text,
        default=0,
        validators=[Optional(), NumberRange(min=0, max=20, message=_l("Number must be between %(min)s and %(max)s."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": 20},
    )


class ComponentsForm(_SubForm):
    """How many members the family has in each PKH component."""

    ibu_hamil = _count_field(_l("Pregnant or post-partum mother"))
    anak_usia_dini = _count_field(_l("Early-childhood child (0–6)"))
    anak_sd = _count_field(_l("Primary-school child"))
    anak_smp = _count_field(_l("Junior-high-school child"))
    anak_sma = _count_field(_l("Senior-high-school child"))
    lansia = _count_field(_l("Elderly person"))
    disabilitas_berat = _count_field(_l("Person with severe disability"))


def _year_choices_limit() -> int:
    return clock.today().year


class HouseholdForm(OnceOnlyForm):
    """The household profile, as the facilitator fills it in."""

    # Identity.
    nik = StringField(
        _l("NIK"), validators=[required()], description=_l("16 digits, from her KTP."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24},
    )
    kk_number = StringField(
        _l("No. KK (family card)"), validators=[Optional()], description=_l("16 digits, from the Kartu Keluarga."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24},
    )
    full_name = StringField(
        _l("Full name"), validators=[required(), max_length(120)], render_kw={"autocomplete": "off"}
    )
    birth_date = DateField(_l("Birth date"), validators=[required()])
    phone = StringField(
        _l("Phone / WhatsApp"), validators=[indonesian_phone], description=_l("e.g. 0812-3456-7890"),
        render_kw={"inputmode": "tel", "autocomplete": "off"},
    )
    address = StringField(_l("Address"), validators=[Optional(), max_length(255)], render_kw={"autocomplete": "off"})
    desa = StringField(_l("Desa/kelurahan"))
    desa_code = HiddenField()
    # PKH.
    pkh_participant_id = StringField(_l("PKH participant ID"), validators=[Optional(), max_length(40)])
    components = FormField(ComponentsForm, label=_l("PKH components"))
    year_joined = IntegerField(
        _l("Year joined PKH"), validators=[Optional()], render_kw={"inputmode": "numeric", "min": 2007},
    )
    # Livelihood.
    skills_text = TextAreaField(
        _l("Skills"), validators=[Optional(), max_length(2000)],
        description=_l("In her words, e.g. 'jahit baju, bikin kue'."),
    )
    skills = MultiCheckboxField(_l("Skills recognised"), choices=[], validate_choice=False)
    suggest = SubmitField(_l("Suggest skills"))
    interests = TextAreaField(_l("Interests"), validators=[Optional(), max_length(2000)])
    work_experience = TextAreaField(_l("Work experience"), validators=[Optional(), max_length(2000)])
    business_experience = TextAreaField(_l("Business experience"), validators=[Optional(), max_length(2000)])
    work_preference = RadioField(_l("Preferred work"), choices=choices("work_preference"), default="any")
    hours_per_week = IntegerField(
        _l("Hours per week she can work"), validators=[Optional(), NumberRange(min=0, max=84)],
        render_kw={"inputmode": "numeric", "min": 0, "max": 84},
    )
    travel_range = RadioField(_l("How far she can travel"), choices=choices("travel_range"), default="desa")
    home_based_only = BooleanField(_l("Home-based work only"))
    constraints = MultiCheckboxField(_l("Constraints"), choices=choices("constraint"))
    assets = MultiCheckboxField(_l("Assets"), choices=choices("asset"))
    other_assets = StringField(
        _l("Other assets"), validators=[Optional(), max_length(255)], description=OTHER_ASSETS_HINT
    )
    income_bracket = SelectField(
        _l("Monthly household income"), choices=[("", _l("Not recorded")), *choices("income_bracket")], default=""
    )
    has_savings = BooleanField(_l("Has a savings account"))
    # Status.
    # In progress and graduated follow from matches and approved graduations, never from this form.
    status = SelectField(
        _l("Status"),
        choices=[(code, text) for code, text in choices("household_status") if code in services.MANUAL_STATUSES],
        default=HouseholdStatus.ACTIVE,
    )
    submit = SubmitField(_l("Save"))

    def validate_full_name(self, field: StringField) -> None:
        """Letters only (and the punctuation of names)."""
        try:
            field.data = parse_name(field.data)
        except CellError as exc:
            raise ValidationError(message(exc.code, **exc.params)) from exc

    def validate_birth_date(self, field: DateField) -> None:
        """Not in the future, not more than 110 years ago."""
        if field.data is None:
            return
        try:
            check_birth_date(field.data)
        except CellError as exc:
            raise ValidationError(message(exc.code)) from exc

    def validate_nik(self, field: StringField) -> None:
        """16 digits, a known kecamatan, and a date part agreeing with the birth date."""
        born = self.birth_date.data if not self.birth_date.errors else None
        check = check_nik(field.data, kecamatan_codes=services.is_known_kecamatan, birth_date=born)
        if check.errors:
            raise ValidationError(" ".join(nik_message(error) for error in check.errors))
        field.data = check.digits

    def validate_kk_number(self, field: StringField) -> None:
        """16 digits when given."""
        if not (field.data or "").strip():
            field.data = None
            return
        check = check_kk(field.data)
        if check.errors:
            raise ValidationError(" ".join(nik_message(error, kk=True) for error in check.errors))
        field.data = check.digits

    def validate_year_joined(self, field: IntegerField) -> None:
        """PKH began in 2007."""
        if field.data is not None and not 2007 <= field.data <= _year_choices_limit():
            raise ValidationError(message("year_joined.invalid"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the desa (resolved within her area) and the graduation details."""
        ok = super().validate(extra_validators)
        user = getattr(self, "facilitator", None)
        self.resolved_desa_code = None
        if user is not None:
            code = services.resolve_desa_input(user, self.desa.data, self.desa_code.data)
            if code is None:
                error = "required" if not (self.desa.data or self.desa_code.data) else "desa.unknown"
                self.desa.errors.append(message(error))
                ok = False
            elif not services.desa_in_area(user, code):
                self.desa.errors.append(message("desa.outside_area"))
                ok = False
            else:
                self.resolved_desa_code = code
        return ok

    def all_assets(self) -> tuple[list[str], str]:
        """The ticked assets plus those recognised in the other assets typed, and the typed words no code covers."""
        assets = list(self.assets.data or [])
        found = vocabulary.resolve("asset", self.other_assets.data or "")
        assets += [code for code in found.codes if code not in assets]
        return assets, ", ".join(found.unrecognised)

    def to_data(self, desa_code: str) -> services.HouseholdData:
        """The validated form as a :class:`~matchmaker.households.services.HouseholdData`."""
        components = {key: int(value or 0) for key, value in (self.components.data or {}).items()}
        assets, assets_text = self.all_assets()
        return services.HouseholdData(
            nik=self.nik.data,
            full_name=self.full_name.data,
            desa_code=desa_code,
            birth_date=self.birth_date.data,
            kk_number=self.kk_number.data or None,
            phone=self.phone.data or None,
            address=(self.address.data or "").strip() or None,
            pkh_participant_id=(self.pkh_participant_id.data or "").strip() or None,
            components=components,
            year_joined=self.year_joined.data,
            skills_text=(self.skills_text.data or "").strip(),
            interests=(self.interests.data or "").strip(),
            work_experience=(self.work_experience.data or "").strip(),
            business_experience=(self.business_experience.data or "").strip(),
            work_preference=self.work_preference.data or "any",
            hours_per_week=self.hours_per_week.data,
            travel_range=self.travel_range.data or "desa",
            home_based_only=bool(self.home_based_only.data),
            constraints=list(self.constraints.data or []),
            assets=assets,
            assets_text=assets_text,
            income_bracket=self.income_bracket.data or None,
            has_savings=bool(self.has_savings.data),
            status=self.status.data,
        )


class ImportForm(AppForm):
    """Upload of a household sheet."""

    file = FileField(
        _l("Sheet (.xlsx or .csv, at most 10 MB)"),
        render_kw={"accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"},
    )
    update_existing = RadioField(
        _l("When a NIK is already in your caseload"),
        choices=[("skip", _l("Skip the row")), ("update", _l("Update her profile with the sheet's values"))],
        default="skip",
    )
    submit = SubmitField(_l("Check the file"))

    def validate_file(self, field: FileField) -> None:
        """A file must be chosen."""
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(message("required"))


class CollisionDecisionForm(AppForm):
    """The coordinator's decision on a NIK case: move the household to the facilitator who asked, or keep it."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            ("transferred", _l("Move the household to the facilitator who submitted the NIK (she moved)")),
            ("rejected", _l("Keep it where it is: a typing error or a wrong NIK (a correction)")),
        ],
        validators=[required()],
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), max_length(1000)],
        description=_l("Required to keep it: what was wrong. Kept with the case."),
    )


class ConfirmForm(AppForm):
    """A bare form for POST buttons (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class FilterForm(AppForm):
    """The caseload filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField(_l("Search by name or NIK"), render_kw={"type": "search", "autocomplete": "off"})
    desa = SelectField(_l("Desa/kelurahan"), choices=[], validate_choice=False)
    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    skill_category = SelectField(_l("Skill category"), choices=[], validate_choice=False)
    work_preference = SelectField(_l("Preferred work"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Filter"))

    def filters(self) -> services.CaseloadFilters:
        """The filters as the services take them."""
        return services.CaseloadFilters(
            desa=self.desa.data or "",
            status=self.status.data or "",
            skill_category=self.skill_category.data or "",
            work_preference=self.work_preference.data or "",
            q=(self.q.data or "").strip()[:100],
        )
