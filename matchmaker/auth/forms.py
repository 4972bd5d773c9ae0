"""Forms for logging in, registering a partner and managing passwords."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TelField,
)
from wtforms.validators import Optional, ValidationError

from ..forms import AppForm, email_address, indonesian_phone, max_length, new_password, required, same_as
from ..reference.choices import home_district_code
from ..reference.forms import RegionCodeField
from ..reference.resolver import resolve_region_field


class LoginForm(AppForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[required(), max_length(254)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class PartnerRegistrationForm(AppForm):
    """A business or village office applies for an account."""

    kind = RadioField(
        _l("You register as"),
        choices=[("business", _l("A local business")), ("village_office", _l("A village office"))],
        default="business",
        validators=[required()],
    )
    organization_name = StringField(
        _l("Name of the business or village office"), validators=[required(), max_length(160)]
    )
    # The desa picker: the typed name, and the code the picker (JavaScript) fills in.
    desa_name = StringField(_l("Village (desa/kelurahan)"), validators=[max_length(200)])
    desa_code = RegionCodeField(validators=[Optional(), max_length(16)])
    contact_name = StringField(_l("Your name"), validators=[required(), max_length(120)])
    email = EmailField(_l("E-mail"), validators=[required(), email_address(), max_length(254)])
    phone = TelField(_l("Phone / WhatsApp"), validators=[Optional(), indonesian_phone])
    password = PasswordField(_l("Password"), validators=[required(), new_password()])
    password_confirm = PasswordField(_l("Repeat the password"), validators=[required(), same_as("password")])

    def validate_desa_name(self, field: Field) -> None:
        """Take the picked desa, or find the typed one (the page also works without JavaScript)."""
        if not (field.data or "").strip() and not self.desa_code.data:
            raise ValidationError(_l("This field is required."))
        code = resolve_region_field(field.data, self.desa_code.data, within=home_district_code())
        if code is None:
            raise ValidationError(NO_VILLAGE_MESSAGE)
        self.desa_code.data = code


NO_VILLAGE_MESSAGE = _l(
    "We could not tell which village this is. Choose it from the list, or type its name "
    "with the kecamatan after a comma, e.g. \"Sukamaju, Cibungbulang\"."
)


class ChangePasswordForm(AppForm):
    """A logged-in user changes her own password."""

    current_password = PasswordField(_l("Current password"), validators=[required()])
    password = PasswordField(_l("New password"), validators=[required(), new_password()])
    password_confirm = PasswordField(_l("Repeat the new password"), validators=[required(), same_as("password")])


class ResetPasswordForm(AppForm):
    """Set a new password with a code issued by a coordinator."""

    code = StringField(_l("Reset code"), validators=[required(), max_length(40)])
    password = PasswordField(_l("New password"), validators=[required(), new_password()])
    password_confirm = PasswordField(_l("Repeat the new password"), validators=[required(), same_as("password")])


class LanguageForm(AppForm):
    """Switch the interface language."""

    language = SelectField(_l("Language"), choices=[("id", "Bahasa Indonesia"), ("en", "English")])


class ApiTokenForm(AppForm):
    """A new personal access token for the API: a name, what it may do, how long it lives."""

    name = StringField(
        _l("Token name"), validators=[required(), max_length(80)],
        description=_l("Where it is used, e.g. 'Laporan kecamatan' or 'HR system'."),
    )
    scope = RadioField(
        _l("What it may do"),
        choices=[("read", _l("Read only")), ("write", _l("Read and change"))],
        default="read",
        validators=[required()],
    )
    lifetime = SelectField(
        _l("Valid for"),
        choices=[(30, _l("30 days")), (90, _l("90 days")), (365, _l("1 year"))],
        coerce=int,
        default=90,
    )


class RevokeTokenForm(AppForm):
    """The revoke button of one token (CSRF only)."""
