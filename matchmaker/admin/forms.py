"""Forms for coordinators and the administrator."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..forms import AppForm, email_address, indonesian_phone, max_length, new_password, required

# Rows of the region picker on the account form: enough for a facilitator's usual kecamatan and desa.
AREA_ROWS = 4


class AreaEntry(Form):
    """One assigned area: the name typed in the region picker and the code it chose."""

    name = StringField(_l("Assigned area"), validators=[Optional(), max_length(200)])
    code = HiddenField()


class StaffAccountForm(AppForm):
    """Create a facilitator (or, for the admin, a coordinator) with an assigned area."""

    role = SelectField(_l("Role"), validators=[required()])
    name = StringField(_l("Full name"), validators=[required(), max_length(120)])
    email = EmailField(_l("E-mail"), validators=[required(), email_address(), max_length(254)])
    phone = TelField(_l("Phone / WhatsApp"), validators=[Optional(), indonesian_phone])
    areas = FieldList(FormField(AreaEntry), min_entries=AREA_ROWS, max_entries=AREA_ROWS)
    password = PasswordField(
        _l("First password"),
        validators=[required(), new_password()],
        description=_l("Give it to the person in private; they can change it after logging in."),
    )


class RejectOrganizationForm(AppForm):
    """The reason a registration is refused; the applicant reads it."""

    reason = TextAreaField(_l("Reason (the applicant will read this)"), validators=[required(), max_length(1000)])


class SuspendOrganizationForm(AppForm):
    """Why an organization is suspended; its members read this."""

    reason = TextAreaField(
        _l("Reason (the organization's members will read this)"), validators=[required(), max_length(1000)]
    )


class ConfirmForm(AppForm):
    """An empty form: a button protected by the CSRF token."""
