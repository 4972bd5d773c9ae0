"""Indonesian phone numbers, parsed with ``phonenumbers`` and stored as +62…."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import phonenumbers

from .reference.vocabulary import Asset, Constraint


class InvalidPhone(ValueError):
    """The text is not a valid Indonesian phone number."""


def normalize_phone(text: str) -> str:
    """Return ``text`` in E.164 form (``+6281234567890``).

    Accepts what people type: ``0812-3456-7890``, ``62812…``, ``+62 812…``.
    """
    cleaned = text.strip()
    digits = "".join(ch for ch in cleaned if ch.isdigit())
    # "62812..." without the plus is common in WhatsApp exports.
    if not cleaned.startswith("+") and digits.startswith("62") and len(digits) >= 10:
        cleaned = "+" + digits
    try:
        number = phonenumbers.parse(cleaned, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(text) from exc
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise InvalidPhone(text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str | None) -> str:
    """Hide the middle of a phone number: ``+62812••••7890``."""
    if not phone:
        return "–"
    if len(phone) <= 8:
        return "•" * len(phone)
    return phone[:6] + "•" * (len(phone) - 10) + phone[-4:]


def whatsapp_link(phone: str, message: str = "") -> str:
    """A wa.me link for ``phone`` with an optional prefilled message."""
    link = f"https://wa.me/{phone.lstrip('+')}"
    return f"{link}?text={quote(message)}" if message else link


def tel_link(phone: str) -> str:
    """A ``tel:`` link that starts a phone call to ``phone``."""
    return f"tel:{phone}"


def sms_link(phone: str, message: str = "") -> str:
    """An ``sms:`` link for ``phone`` with an optional prefilled text (``?body=``, read by Android and iOS)."""
    link = f"sms:{phone}"
    return f"{link}?body={quote(message)}" if message else link


@dataclass(frozen=True)
class ContactWay:
    """One way to reach a phone number: ``kind`` is ``call``, ``sms`` or ``whatsapp``."""

    kind: str
    href: str


def contact_ways(phone: str, message: str = "", *, smartphone: bool = True) -> list[ContactWay]:
    """Call, SMS and WhatsApp links for ``phone``, the one to try first at the front.

    Without a smartphone WhatsApp may never arrive: a call comes first, then an SMS (with the
    same text as the WhatsApp message), WhatsApp last. With one, WhatsApp comes first.
    """
    call = ContactWay("call", tel_link(phone))
    sms = ContactWay("sms", sms_link(phone, message))
    whatsapp = ContactWay("whatsapp", whatsapp_link(phone, message))
    return [whatsapp, call, sms] if smartphone else [call, sms, whatsapp]


def has_smartphone(constraints: list[str] | None, assets: list[str] | None) -> bool:
    """Whether WhatsApp can reach her: no "no smartphone" constraint, and not only a basic phone among her assets."""
    constraints = constraints or []
    assets = assets or []
    if Constraint.NO_SMARTPHONE in constraints:
        return False
    return not (Asset.BASIC_PHONE in assets and Asset.SMARTPHONE not in assets)
