"""Cell parsing: names, dates, hours, phones and the optional cells read through the vocabularies."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from openpyxl.utils.datetime import from_excel

from ... import clock
from ...reference import vocabulary
from ..messages import CodedError
from .columns import TEXT_LIMIT


class CellError(CodedError, ValueError):
    """A cell's value breaks a rule; ``code`` is a key of :mod:`.messages`."""


_NAME = re.compile(r"^[^\W\d_]+(?:[ '’.,\-]+[^\W\d_]+)*\.?$")
_FORMULA_TAIL = re.compile(r"[(|!]")
EMPTY_MARKERS = {"-", "--", "–", "n/a", "na", "tidak ada", "tdk ada", "belum ada", "kosong"}

def cell_text(value: Any) -> str:
    """A cell as text, trimmed, with the apostrophe that keeps Excel from reading a formula removed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if text.startswith("'"):
        text = text[1:].lstrip()
    return text


def is_formula(text: str) -> bool:
    """Whether a cell holds a formula or a formula-injection attempt (``=…``, ``@…``, ``+cmd|…``)."""
    if not text:
        return False
    if text[0] in "=@":
        return True
    return text[0] in "+-" and bool(_FORMULA_TAIL.search(text))


def parse_name(value: Any) -> str:
    """A woman's full name: letters with spaces, apostrophes, dots and dashes; ALL CAPS is title-cased."""
    text = cell_text(value)
    if is_formula(text):
        raise CellError("formula")
    if not text:
        raise CellError("required")
    if len(text) > 120:
        raise CellError("too_long", max=120)
    if not _NAME.match(text):
        raise CellError("name.invalid")
    # Registers often write names in capitals; a caseload reads better in title case.
    return text.title() if text.isupper() else text


def parse_date(value: Any) -> dt.date:
    """A birth date from an Excel date or serial number, or text in Indonesian or English, day first.

    ``12/3/85``, ``05-02-1990``, ``1985-03-12``, ``12 Maret 1985``, ``12 Mar 85``, and a "TTL"
    cell (``Bogor, 12-03-1985``: the place before the comma is dropped) are all read.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_date(value)
    text = cell_text(value)
    if not text:
        raise CellError("required")
    return _date_from_text(text)


def _excel_date(value: float) -> dt.date:
    if 1 <= value < 80_000:
        result = from_excel(value)
        return result.date() if isinstance(result, dt.datetime) else result
    raise CellError("date.invalid")


_NUMERIC_DATE = re.compile(r"(?:^|\s)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_DATEPARSER_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DATES_FROM": "past",
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PARSERS": ["absolute-time"],
}


@lru_cache(maxsize=50_000)
def _date_from_text(text: str) -> dt.date:
    """A date written as text; the common numeric forms skip the (slower) language-aware parser."""
    if "," in text:
        text = text.rsplit(",", 1)[1].strip()  # "Bogor, 12-03-1985": the place of birth goes
    found = _NUMERIC_DATE.search(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
        if len(found.group(3)) == 2:
            year += 1900 if 1900 + year <= clock.today().year - 10 else 2000
            if year > clock.today().year:
                year -= 100
        return _date_or_invalid(year, month, day)
    found = _ISO_DATE.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        return _date_or_invalid(year, month, day)
    if text.isdigit() and len(text) == 5:
        return _excel_date(int(text))
    import dateparser

    parsed = dateparser.parse(text, languages=["id", "en"], settings=_DATEPARSER_SETTINGS)
    if parsed is None:
        raise CellError("date.invalid")
    return parsed.date()


def _date_or_invalid(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError("date.invalid") from exc


def check_birth_date(born: dt.date, today: dt.date | None = None) -> dt.date:
    """Refuse birth dates in the future or more than 110 years ago."""
    today = today or clock.today()
    if born > today:
        raise CellError("date.future")
    if born.year < today.year - 110:
        raise CellError("date.too_old")
    return born


def parse_phone(value: Any) -> str | None:
    """An Indonesian phone number as +62…; a number cell that lost its leading 0 is repaired."""
    from ...phones import InvalidPhone, normalize_phone

    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        text = "0" + digits if digits.startswith("8") else digits
    else:
        text = cell_text(value)
    if not text or text.casefold() in EMPTY_MARKERS:
        return None
    if text[0] in "=@":
        raise CellError("formula")
    try:
        return normalize_phone(text)
    except InvalidPhone as exc:
        raise CellError("phone.invalid") from exc


@dataclass
class OptionalCell:
    """What an optional cell gave: its value (None when nothing usable), a warning code, and words kept as text."""

    value: Any = None
    warning: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    leftover: str = ""


def _optional_text(value: Any) -> tuple[str, str | None]:
    """An optional cell as text and the warning it earns: a formula is kept as plain text, never run."""
    text = cell_text(value)
    if text.casefold() in EMPTY_MARKERS:
        return "", None
    return text, ("formula_kept" if is_formula(text) else None)


def _resolved(vocab: str, value: Any) -> tuple[vocabulary.Resolution, str, str | None]:
    text, warning = _optional_text(value)
    if warning:
        return vocabulary.Resolution(unrecognised=[text]), text, warning
    return vocabulary.resolve(vocab, text[:TEXT_LIMIT]), text, None


def _unrecognised(found: vocabulary.Resolution, text: str, warning: str | None) -> OptionalCell:
    leftover = ", ".join(found.unrecognised)
    if warning:
        return OptionalCell(warning=warning, leftover=text)
    if leftover:
        return OptionalCell(warning="vocabulary.unrecognised", params={"value": leftover}, leftover=leftover)
    return OptionalCell()


def parse_components(value: Any) -> OptionalCell:
    """PKH components with counts: ``Anak SD 2, Lansia`` → ``{"anak_sd": 2, "lansia": 1}``; unknown words kept."""
    found, text, warning = _resolved("pkh_component", value)
    result = _unrecognised(found, text, warning)
    result.value = {code: count for code, count in found.counts.items() if code in found.codes} or None
    return result


def parse_choice(vocab: str, value: Any) -> OptionalCell:
    """One code of ``vocab`` from the words people write for it; unknown words kept, never refused."""
    found, text, warning = _resolved(vocab, value)
    result = _unrecognised(found, text, warning)
    if len(found.codes) > 1 and not result.warning:
        result.warning, result.params = "vocabulary.several", {"value": text}
        result.leftover = text
    result.value = found.codes[0] if found.codes else None
    if result.value is None and found.negated and vocab == "yes_no":
        result.value = "no"
    return result


def parse_yes_no(value: Any) -> OptionalCell:
    """``ya``/``tidak`` and their variants as a boolean (None when empty or not recognised)."""
    if isinstance(value, bool):
        return OptionalCell(value)
    result = parse_choice("yes_no", value)
    result.value = None if result.value is None else result.value == "yes"
    return result


_HOURS_NUMBER = re.compile(r"(\d+(?:[.,]\d+)?)")
_PER_DAY = re.compile(r"\b(?:sehari|per\s*hari|perhari|/\s*hari|tiap\s*hari|setiap\s*hari|hari)\b")
DAYS_A_WEEK = 6


def parse_hours(value: Any) -> OptionalCell:
    """Hours a week she can work, 0–84: ``20 jam/minggu``, ``4 jam sehari`` (× 6 days), ``20-25`` (20), ``±15``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        text = str(value)
    else:
        text, warning = _optional_text(value)
        if not text:
            return OptionalCell()
        if warning:
            return OptionalCell(warning=warning, leftover=text)
        found = _HOURS_NUMBER.search(text)
        if found is None:
            return OptionalCell(warning="hours.unrecognised", params={"value": text}, leftover=text)
        number = float(found.group(1).replace(",", "."))
        if _PER_DAY.search(text.casefold()):
            number *= DAYS_A_WEEK
    if not 0 <= number <= 84:
        return OptionalCell(warning="hours.unrecognised", params={"value": text}, leftover=text)
    return OptionalCell(int(number))


def parse_constraints(value: Any) -> OptionalCell:
    """Constraint codes from words (``anak masih kecil; gak punya hp``); unknown words kept as text."""
    found, text, warning = _resolved("constraint", value)
    result = _unrecognised(found, text, warning)
    result.value = list(found.codes) or None
    return result


def parse_assets(value: Any) -> OptionalCell:
    """Asset codes from words (``mesin jahit, HP jadul``); ``tidak punya motor`` is no motor; the rest kept."""
    found, text, warning = _resolved("asset", value)
    result = _unrecognised(found, text, warning)
    result.value = list(found.codes) or None
    result.params["lacks"] = list(found.negated)
    return result
