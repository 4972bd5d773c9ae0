"""Forms for partner profiles, members, offers and the facilitators' search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from ..forms import AppForm, email_address, indonesian_phone, max_length, new_password, required
from ..i18n import current_language
from ..labels import choices, label
from ..models import OfferKind, OfferStatus, Organization, OrgKind, Reach
from ..reference.choices import home_district_code, kecamatan_choices
from ..reference.resolver import resolve_region_field
from ..reference.skills import vocabulary
from ..submissions import OnceOnlyForm
from . import search, services


class RupiahField(IntegerField):
    """A whole Rupiah amount typed the way people write it: ``Rp1.500.000``, ``1 500 000``."""

    # A number input would refuse the dots and the "Rp" people type.
    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().lower().removeprefix("rp").strip()
        # Indonesian grouping uses dots; a trailing ",00" is cents that nobody pays.
        text = text.split(",")[0]
        digits = text.replace(".", "").replace(" ", "")
        if not digits.isdigit():
            self.data = None
            raise ValueError(_l("Enter an amount in Rupiah, e.g. 1.500.000."))
        self.data = int(digits)


NO_VILLAGE_MESSAGE = _l(
    "We could not tell which village this is. Choose it from the list, or type its name "
    "with the kecamatan after a comma, e.g. \"Sukamaju, Cibungbulang\"."
)


class DesaPicker:
    """The desa picker's two fields: the typed name, and the code the picker (JavaScript) fills in.

    Without JavaScript only the name arrives; it is resolved to a desa of the home district.
    """

    desa_code = HiddenField(validators=[Optional(), max_length(16)])

    def validate_desa_name(self, field: Field) -> None:
        """Take the picked desa, or find the typed one."""
        if not (field.data or "").strip() and not self.desa_code.data:
            raise ValidationError(_l("This field is required."))
        code = resolve_region_field(field.data, self.desa_code.data, within=home_district_code())
        if code is None:
            raise ValidationError(NO_VILLAGE_MESSAGE)
        self.desa_code.data = code


class ProfileForm(DesaPicker, AppForm):
    """An organization's profile, edited by its owner."""

    name = StringField(_l("Name of the business or village office"), validators=[required(), max_length(160)])
    sector = SelectField(_l("Business sector (KBLI 2020)"), validators=[Optional()], validate_choice=True)
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), max_length(2000)],
        description=_l("What you make or do, in a few sentences."),
    )
    desa_name = StringField(_l("Village (desa/kelurahan)"), validators=[max_length(200)])
    serves_code = SelectField(
        _l("Area served"),
        validators=[required()],
        validate_choice=True,
        description=_l("The desa or the whole kecamatan your programs are for."),
    )
    address = StringField(_l("Address"), validators=[Optional(), max_length(255)])
    contact_person = StringField(_l("Contact person"), validators=[required(), max_length(120)])
    phone = TelField(
        _l("Phone / WhatsApp"),
        validators=[Optional(), indonesian_phone],
        description=_l("Facilitators contact you on WhatsApp at this number."),
    )
    email = EmailField(_l("E-mail"), validators=[Optional(), email_address(), max_length(254)])


class MemberForm(AppForm):
    """The owner adds a colleague's account."""

    name = StringField(_l("Colleague's full name"), validators=[required(), max_length(120)])
    email = EmailField(
        _l("E-mail"),
        validators=[required(), email_address(), max_length(254)],
        description=_l("She logs in with this address."),
    )
    phone = TelField(_l("Phone / WhatsApp"), validators=[Optional(), indonesian_phone])
    access = RadioField(
        _l("How will she log in the first time?"),
        choices=[
            ("code", _l("With a one-time invite code she uses to choose her password")),
            ("password", _l("With a first password I give her")),
        ],
        default="code",
        validators=[required()],
    )
    # Checked in validate_password: needed only when the owner chose to give one.
    password = PasswordField(
        _l("First password"),
        description=_l("Only if you chose a first password. She can change it after logging in."),
    )

    def validate_password(self, field: PasswordField) -> None:
        """A first password is needed only when the owner chose to give one."""
        if self.access.data != "password":
            field.data = None
            return
        if not field.data:
            raise ValidationError(_l("Type the first password, or choose an invite code."))
        new_password()(self, field)


class OfferForm(DesaPicker, OnceOnlyForm):
    """An opportunity of a business or a program of a village office."""

    kind = SelectField(_l("Kind"), validators=[required()], validate_choice=True)
    title = StringField(_l("Title"), validators=[required(), max_length(200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), max_length(4000)])
    skills_text = TextAreaField(
        _l("Skills needed or taught"),
        validators=[Optional(), max_length(1000)],
        description=_l("In your own words, separated by commas, e.g. jahit, obras, bikin kue."),
    )
    places = IntegerField(
        _l("Number of places"),
        default=1,
        validators=[required(), NumberRange(min=1, max=1000, message=_l("Between 1 and 1000 places."))],
    )
    desa_name = StringField(_l("Where it happens (desa)"), validators=[max_length(200)])
    home_based = BooleanField(_l("Can be done from home"))
    reach = SelectField(
        _l("Who may apply"), default=Reach.SUBDISTRICT, validators=[required()], validate_choice=True,
        description=_l("Holds for work done from home too: only candidates from here are proposed."),
    )
    hours_per_week = IntegerField(
        _l("Hours per week"),
        validators=[Optional(), NumberRange(min=1, max=84, message=_l("Between 1 and 84 hours."))],
    )
    schedule = StringField(
        _l("Schedule"),
        validators=[Optional(), max_length(200)],
        description=_l("e.g. Monday to Friday 08.00–12.00"),
    )
    pay_amount = RupiahField(
        _l("Pay or support (Rupiah)"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("The amount cannot be negative.")),
            NumberRange(max=services.MAX_PAY_AMOUNT, message=_l("At most Rp2.000.000.000.")),
        ],
    )
    pay_terms = StringField(
        _l("Pay terms"),
        validators=[Optional(), max_length(200)],
        description=_l("e.g. per day, paid weekly; profit sharing 70/30"),
    )
    funding_source = SelectField(_l("Funding source"), validators=[Optional()], validate_choice=True)
    start_date = DateField(_l("Start date"), validators=[Optional()])
    end_date = DateField(
        _l("End date"),
        validators=[Optional()],
        description=_l("After this date the offer closes by itself."),
    )
    status = SelectField(
        _l("Status"),
        choices=[(code, text) for code, text in choices("offer_status") if code != OfferStatus.FULL],
        default=OfferStatus.OPEN,
        validators=[required()],
        description=_l("A draft is visible only to your organization. Full is set by itself."),
    )


    def to_data(self) -> services.OfferData:
        """The validated fields as the offer services take them."""
        return services.OfferData(
            kind=self.kind.data,
            title=self.title.data,
            description=self.description.data or "",
            skills_text=self.skills_text.data or "",
            places=self.places.data,
            desa_code=self.desa_code.data,
            home_based=self.home_based.data,
            reach=self.reach.data,
            hours_per_week=self.hours_per_week.data,
            schedule=self.schedule.data,
            pay_amount=self.pay_amount.data,
            pay_terms=self.pay_terms.data,
            funding_source=self.funding_source.data if "funding_source" in self else None,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            status=self.status.data,
        )


def offer_form(organization: Organization, offer: object | None = None, **kwargs: object) -> OfferForm:
    """The offer form of ``organization``: the kinds and reaches it may choose, a funding source for programs.

    ``kwargs`` go to the form (``formdata``, ``meta``): the API fills it from a JSON body.
    """
    form = OfferForm(obj=offer, **kwargs)
    form.kind.choices = [(kind, label("offer_kind", kind)) for kind in services.allowed_kinds(organization)]
    form.reach.choices = [(reach, label("reach", reach)) for reach in services.allowed_reaches(organization)]
    if organization.kind == OrgKind.VILLAGE_OFFICE:
        form.funding_source.choices = [("", _l("— not chosen —"))] + choices("funding_source")
    else:
        del form.funding_source
    return form


class ActionForm(AppForm):
    """An empty form: a button protected by the CSRF token."""


class OfferSearchForm(AppForm):
    """Filters of the facilitators' offer search (a GET form: nothing is written)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), description=_l("Title, skill, business or village; typos are fine."))
    kind = SelectField(_l("Kind"), validators=[Optional()])
    category = SelectField(_l("Skill category"), validators=[Optional()])
    kecamatan = SelectField(_l("Sub-district (kecamatan)"), validators=[Optional()])
    show = SelectField(
        _l("Show"),
        choices=[("open", _l("Open only")), ("all", _l("Open, full and closed"))],
        default="open",
        validators=[Optional()],
    )


class PartnerSearchForm(AppForm):
    """Filters of the partner directory (a GET form)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), description=_l("Name, sector or village; typos are fine."))
    kind = SelectField(_l("Kind of partner"), validators=[Optional()])
    kecamatan = SelectField(_l("Sub-district (kecamatan)"), validators=[Optional()])


def kecamatan_filter_choices() -> list[tuple[str, str]]:
    """The sub-district filter's choices: all, then each kecamatan of the district."""
    return [("", _l("All sub-districts"))] + list(kecamatan_choices())


def offer_search_form(formdata: object) -> OfferSearchForm:
    """The offer search's filters read from ``formdata`` (the query string), with their choices."""
    form = OfferSearchForm(formdata)
    locale = current_language()
    form.kind.choices = [("", _l("All kinds"))] + [(kind, label("offer_kind", kind)) for kind in OfferKind.ALL]
    form.category.choices = [("", _l("All categories"))] + [
        (category.slug, category.label(locale)) for category in vocabulary().categories
    ]
    form.kecamatan.choices = kecamatan_filter_choices()
    return form


def search_filters(form: OfferSearchForm) -> search.OfferFilters:
    """The filters of a validated search form; a filter whose value is not a choice is left out."""
    return search.OfferFilters(
        q=form.q.data or "",
        kind=form.kind.data if not form.kind.errors else None,
        category=form.category.data if not form.category.errors else None,
        kecamatan=form.kecamatan.data if not form.kecamatan.errors else None,
        open_only=form.show.data != "all",
    )
