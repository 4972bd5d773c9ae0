"""Form building blocks shared by the domains: validators with translated messages."""

from __future__ import annotations

from collections.abc import Callable

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from .phones import InvalidPhone, normalize_phone

MIN_PASSWORD_LENGTH = 8

# WTForms ships no Indonesian catalogue: its built-in messages are listed here so that
# the extractor puts them in ours, and AppForm translates them through Flask-Babel.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("'%(value)s' is not a valid choice for this field."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
)


class _BabelTranslations:
    """Route WTForms' own messages through the app's catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class AppForm(FlaskForm):
    """Base of every form: CSRF from Flask-WTF, messages in the user's language."""

    class Meta:
        def get_translations(self, form: Form) -> _BabelTranslations:
            return _BabelTranslations()


def required() -> InputRequired:
    """A required-field validator with a translated message."""
    return InputRequired(message=_l("This field is required."))


def email_address() -> Callable[[Form, Field], None]:
    """Validate an e-mail address and store its normalised form.

    No DNS look-up (villages have weak signal), and the reserved ``.test`` domain is
    accepted because the demo district's accounts use it.
    """

    def validate(form: Form, field: Field) -> None:
        try:
            result = validate_email(field.data or "", check_deliverability=False, test_environment=True)
        except EmailNotValidError as exc:
            raise ValidationError(_l("Enter a valid e-mail address, e.g. nama@contoh.id.")) from exc
        field.data = result.normalized

    return validate


def max_length(limit: int) -> Length:
    """A length limit with a translated message."""
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def new_password() -> Length:
    """The password policy: at least eight characters."""
    return Length(
        min=MIN_PASSWORD_LENGTH,
        max=200,
        message=_l("The password needs at least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
    )


def same_as(field_name: str) -> EqualTo:
    """Confirmation must equal ``field_name``."""
    return EqualTo(field_name, message=_l("The two passwords are not the same."))


def indonesian_phone(form: Form, field: Field) -> None:
    """Validate an optional Indonesian phone number and store it as +62…."""
    if not field.data:
        field.data = None
        return
    try:
        field.data = normalize_phone(field.data)
    except InvalidPhone as exc:
        raise ValidationError(_l("Enter an Indonesian phone number, e.g. 0812-3456-7890.")) from exc
