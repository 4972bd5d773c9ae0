"""The sentences behind the partner services' refusal codes, translated where they are shown.

:func:`services.validate_offer` and :func:`services.set_offer_status` speak in codes; the offer
form's page and ``/api/v1/offers`` turn them into the user's language here, so that the same
rule reads the same way on the page and in the API.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# Codes of services.validate_offer (services.OfferInvalid.errors), one per field.
OFFER_ERRORS = {
    "bad_kind": _l("Choose a kind from the list."),
    "required": _l("This field is required."),
    "bad_places": _l("Between 1 and 1000 places."),
    "bad_region": _l("Choose a village from the list."),
    "bad_reach": _l("Choose from the list."),
    "bad_hours": _l("Between 1 and 84 hours."),
    "bad_amount": _l("The amount cannot be negative."),
    "amount_too_large": _l("At most Rp2.000.000.000."),
    "bad_funding": _l("Choose a funding source from the list."),
    "end_before_start": _l("The end date is before the start date."),
    "ended": _l("This date has passed: move the end date to open the offer."),
    "bad_status": _l("Choose from the list."),
}

# Codes of services.set_offer_status (services.PartnerError) and of publishing while not active.
STATUS_ERRORS = {
    "not_active": _l("Your organization cannot publish while it is not verified or is suspended."),
    "ended": _l("This date has passed: move the end date to open the offer."),
}


def offer_error(code: str) -> str:
    """The message of an offer validation code, in the current language."""
    return str(OFFER_ERRORS[code])


def status_error(code: str) -> str:
    """The message of a refused status change, in the current language."""
    return str(STATUS_ERRORS.get(code, OFFER_ERRORS["bad_status"]))
