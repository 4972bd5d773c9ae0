"""NIK and No. KK: structure checks, the kecamatan prefix, the birth date hidden in a NIK, masking.

Pure functions without the database: the caller passes the known kecamatan codes (a set of
six-digit codes such as ``"320116"``, or a callable answering for one code). Errors are
short codes (see :data:`NIK_ERRORS`) that forms and the importer turn into sentences.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

NIK_LENGTH = 16
# What people type between the digits: spaces, dots, dashes; an apostrophe that Excel users
# put in front so that the number stays text.
_SEPARATORS = re.compile(r"[\s.\-']")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")

# The codes returned by :func:`check_nik` and :func:`check_kk`.
NIK_ERRORS = (
    "empty",  # nothing given
    "scientific",  # Excel turned the number into 3.20116E+15 and lost digits
    "not_digits",  # letters or symbols other than separators
    "length",  # not 16 digits
    "unknown_kecamatan",  # digits 1-6 are no known kecamatan code
    "bad_date",  # digits 7-12 are no date, even after taking 40 off the day
    "birth_date_mismatch",  # digits 7-12 disagree with the birth date given
    "zero_serial",  # digits 13-16 are 0000, which is never issued
)

KecamatanCodes = Collection[str] | Callable[[str], bool]


@dataclass(frozen=True)
class NikDate:
    """The birth date part of a NIK: day, month, two-digit year and whether 40 was added."""

    day: int
    month: int
    year2: int
    female: bool

    def matches(self, birth_date: dt.date) -> bool:
        """True when ``birth_date`` has this day, month and two-digit year."""
        return (birth_date.day, birth_date.month, birth_date.year % 100) == (self.day, self.month, self.year2)


@dataclass(frozen=True)
class NikCheck:
    """The outcome of a check: the cleaned digits (when they could be read) and error codes."""

    digits: str | None
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not self.errors


def clean_digits(text: object) -> str:
    """Strip the separators people type (``3201.1645-0290.0001``) and surrounding spaces."""
    if text is None:
        return ""
    if isinstance(text, int) and not isinstance(text, bool):
        return str(text)
    return _SEPARATORS.sub("", str(text).strip())


def nik_date(digits: str) -> NikDate | None:
    """Decode digits 7-12 of a 16-digit NIK, or None when they are no calendar date."""
    if len(digits) != NIK_LENGTH or not digits.isdigit():
        return None
    day, month, year2 = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    female = day > 40
    if female:
        day -= 40
    # 2000 is a leap year and every two-digit year could be 20xx, so 29 Feb is accepted
    # whenever 20xx allows it; the birth date comparison settles the century.
    try:
        dt.date(2000 + year2, month, day)
    except ValueError:
        try:
            dt.date(1900 + year2, month, day)
        except ValueError:
            return None
    return NikDate(day=day, month=month, year2=year2, female=female)


def _known(kecamatan_codes: KecamatanCodes, code: str) -> bool:
    if callable(kecamatan_codes):
        return bool(kecamatan_codes(code))
    return code in kecamatan_codes


def check_nik(
    text: object,
    *,
    kecamatan_codes: KecamatanCodes | None = None,
    birth_date: dt.date | None = None,
) -> NikCheck:
    """Check a NIK as typed; return its 16 digits and every problem found.

    ``kecamatan_codes`` (six-digit codes without dots) enables the prefix check;
    ``birth_date`` enables the agreement check of digits 7-12 (DDMMYY, DD + 40 for women).
    """
    shape = check_kk(text)
    if shape.digits is None:
        return shape
    digits = shape.digits
    errors: list[str] = []
    if kecamatan_codes is not None and not _known(kecamatan_codes, digits[:6]):
        errors.append("unknown_kecamatan")
    decoded = nik_date(digits)
    if decoded is None:
        errors.append("bad_date")
    elif birth_date is not None and not decoded.matches(birth_date):
        errors.append("birth_date_mismatch")
    if digits[12:] == "0000":
        errors.append("zero_serial")
    return NikCheck(digits, tuple(errors))


def check_kk(text: object) -> NikCheck:
    """Check a No. KK (family card number): 16 digits, separators tolerated.

    A NIK has the same shape, so :func:`check_nik` starts from this check.
    """
    raw = "" if text is None else str(text).strip()
    if not raw:
        return NikCheck(None, ("empty",))
    if _SCIENTIFIC.match(raw):
        return NikCheck(None, ("scientific",))
    digits = clean_digits(raw)
    if not digits.isdigit():
        return NikCheck(None, ("not_digits",))
    if len(digits) != NIK_LENGTH:
        return NikCheck(None, ("length",))
    return NikCheck(digits, ())


def mask_nik(nik: str | None) -> str:
    """Hide all but the last four digits of a NIK: ``••••••••••••0001``.

    Lists show it beside her birth date, which tells two women apart. The first digits are not
    shown: they name the region, the same for a whole caseload, and with the birth date (digits
    7-12) they would give the whole number away.
    """
    if not nik:
        return "–"
    if len(nik) <= 8:
        return "•" * len(nik)
    return "•" * (len(nik) - 4) + nik[-4:]
