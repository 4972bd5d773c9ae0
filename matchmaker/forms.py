"""Form building blocks shared by the domains: validators with translated messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from flask_wtf import FlaskForm
from wtforms import Field, Form, PasswordField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from .phones import InvalidPhone, normalize_phone

MIN_PASSWORD_LENGTH = 8

# WTForms ships no Indonesian catalogue: every message it can show is listed here so that the
# extractor puts it in ours (plural ones with their plural, as WTForms asks for them with
# ngettext), and AppForm translates them through Flask-Babel. tests/test_i18n.py checks the list
# against the installed WTForms.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    _ln("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1),
    _l("Choices cannot be None."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
    _l("Not a valid date value."),
    _l("Not a valid datetime value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Invalid email address."),
    _l("Invalid input."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _ln("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
    _ln("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    _ln("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Field must be equal to %(other_name)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid field name '%s'."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("CSRF token missing."),
    _l("Invalid CSRF Token."),
)


class _BabelTranslations:
    """Route WTForms' own messages through the app's catalogue."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


# Bidirectional controls (LRE, RLE, PDF, LRO, RLO, LRI, RLI, FSI, PDI, LRM, RLM, ALM): an
# RLO makes "gpj.exe" display as "exe.jpg" and can reverse a name or a note on the coordinator's
# screen. Indonesian text never needs them.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI_DELETIONS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def strip_bidi_controls(value: object) -> object:
    """Remove bidirectional control characters from text (other values are returned as they are)."""
    if isinstance(value, str):
        return value.translate(_BIDI_DELETIONS)
    return value


class AppForm(FlaskForm):
    """Base of every form: CSRF from Flask-WTF, messages in the user's language, and every
    text field (but passwords, which are kept exactly as typed) stripped of bidirectional
    control characters."""

    class Meta:
        def get_translations(self, form: Form) -> _BabelTranslations:
            return _BabelTranslations()

        def bind_field(self, form: Form, unbound_field: UnboundField, options: dict[str, Any]) -> Field:
            field_class = unbound_field.field_class
            if issubclass(field_class, StringField) and not issubclass(field_class, PasswordField):
                filters = (*unbound_field.kwargs.get("filters", ()), strip_bidi_controls)
                options = dict(options, filters=filters)
            return unbound_field.bind(form=form, **options)


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
