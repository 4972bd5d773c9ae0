"""Indonesian phone numbers, parsed with ``phonenumbers`` and stored as +62…."""

from __future__ import annotations

import phonenumbers


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
    from urllib.parse import quote

    link = f"https://wa.me/{phone.lstrip('+')}"
    return f"{link}?text={quote(message)}" if message else link
