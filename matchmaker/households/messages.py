"""The sentences behind the households domain's error codes, translated when they are shown.

Services, the importer and the CLI speak in codes (``"nik.length"``); forms, the import
preview and the CLI's output turn them into the user's language here, so that the same
rule always reads the same way.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..refusals import Refusal

MESSAGES: dict[str, Any] = {
    # NIK and No. KK (see nik.NIK_ERRORS).
    "nik.empty": _l("Enter the 16-digit NIK."),
    "nik.scientific": _l(
        "The NIK was stored as a number and lost its last digits (e.g. 3.20116E+15): format the column as text."
    ),
    "nik.not_digits": _l("A NIK has digits only."),
    "nik.length": _l("A NIK has exactly 16 digits."),
    "nik.unknown_kecamatan": _l("Digits 1–6 of the NIK are not the code of any kecamatan."),
    "nik.bad_date": _l("Digits 7–12 of the NIK are not a date (DDMMYY, with 40 added to the day for women)."),
    "nik.birth_date_mismatch": _l("Digits 7–12 of the NIK do not agree with the birth date."),
    "nik.zero_serial": _l("The last four digits of a NIK are never 0000."),
    "nik.taken": _l("A household with this NIK is already registered."),
    # The one answer for a NIK held outside her caseload, whoever holds it (see collisions.py).
    "nik.unavailable": _l(
        "This NIK cannot be registered now; the coordinator will look into it (case %(case)s) and you will be "
        "notified. Keep her KTP and KK at hand."
    ),
    "nik.check_limit": _l(
        "Daily limit of NIK checks reached: no new NIK can be registered for 24 hours. Ask your coordinator if "
        "it is urgent."
    ),
    "nik.repeated": _l("This NIK already appears in row %(row)s of the file."),
    "kk.empty": _l("Enter the 16-digit family card number."),
    "kk.scientific": _l(
        "The No. KK was stored as a number and lost its last digits (e.g. 3.20116E+15): format the column as text."
    ),
    "kk.not_digits": _l("A No. KK has digits only."),
    "kk.length": _l("A No. KK has exactly 16 digits."),
    # Other fields.
    "required": _l("This field is required."),
    "name.invalid": _l("Write the name in letters (apostrophes, dots and dashes are fine)."),
    "too_long": _l("At most %(max)s characters."),
    "formula": _l("This cell holds a formula or starts with '='; type the value itself."),
    "date.invalid": _l("Write the date as dd/mm/yyyy, dd-mm-yyyy or yyyy-mm-dd."),
    "date.future": _l("The birth date is in the future."),
    "date.too_old": _l("The birth date is more than 110 years ago."),
    "phone.invalid": _l("Enter an Indonesian phone number, e.g. 0812-3456-7890."),
    "desa.unknown": _l("No desa or kelurahan of this name was found; check the spelling or the kecamatan."),
    "desa.outside_area": _l("This desa is outside your assigned area."),
    "desa.not_village": _l("Choose a desa or kelurahan, not a wider region."),
    "hours.invalid": _l("Write a whole number of hours between 0 and 84."),
    # Warnings on optional cells: the row is kept, the words are kept as text on her profile.
    "vocabulary.unrecognised": _l("Not recognised, kept as text on her profile: %(value)s. Correct it if needed."),
    "vocabulary.several": _l("Several answers in one cell (%(value)s): the first is used, the cell is kept as text."),
    "hours.unrecognised": _l("No number of hours a week (0–84) was recognised in %(value)s; kept as text."),
    "formula_kept": _l("This cell starts like a formula: it is kept as plain text and never run."),
    "too_long_cut": _l("Longer than %(max)s characters: the rest was cut off."),
    "nik.male": _l(
        "This NIK indicates a man; PKH recipients are women — check the NIK or mark him as a substitute caretaker"
    ),
    "duplicate.row": _l("Looks like the household of row %(row)s (similar name, same birth date and desa)."),
    "duplicate.household": _l("Looks like a registered household (similar name, same birth date and desa)."),
    "status.not_manual": _l("Graduation is recorded from the household page and approved by the coordinator."),
    "year_joined.invalid": _l("PKH started in 2007: enter a year between 2007 and this year."),
}

# File-level refusals of an import.
FILE_MESSAGES: dict[str, Any] = {
    "too_large": _l("The file is larger than 10 MB. Split it into smaller files."),
    "bad_type": _l("Upload an Excel workbook (.xlsx) or a CSV file."),
    "unreadable": _l("The file cannot be read as an Excel workbook or a CSV file."),
    "inflates_too_much": _l(
        "The file unpacks to far more data than a household sheet holds, so it cannot be read. "
        "Save the sheet again from Excel, or split it into smaller files."
    ),
    "too_many_columns": _l(
        "The sheet has filled cells beyond column %(limit)s. Keep the template's columns and delete the others."
    ),
    "cell_too_long": _l("A cell holds more than %(limit)s characters, so the file cannot be read."),
    "too_much_text": _l("The sheet holds more text than a household sheet can. Split it into smaller files."),
    "too_slow": _l("Reading the file took too long. Split it into smaller files."),
    "no_header": _l("No header row was found: the first rows must name the columns (NIK, Nama Lengkap, Desa…)."),
    "missing_columns": _l("The sheet has no column for: %(columns)s."),
    "no_rows": _l("The sheet has no data rows below its header."),
    "too_many_rows": _l("The sheet has more than %(limit)s rows. Split it into smaller files."),
    "already_applied": _l("This file has already been imported."),
}


class CodedError(Refusal):
    """A refusal spoken as a message code (a key of this module's tables) and its parameters."""

    def message(self) -> str:
        """The refusal in the current language."""
        return message(self.code, **self.params)


def message(code: str, **params: Any) -> str:
    """The sentence for ``code`` in the current language, with ``params`` filled in."""
    template = MESSAGES.get(code) or FILE_MESSAGES.get(code)
    if template is None:
        return code
    text = str(template)
    return text % params if params else text


def nik_message(error: str, *, kk: bool = False) -> str:
    """The sentence for a code of :func:`matchmaker.households.nik.check_nik` (or check_kk)."""
    return message(("kk." if kk else "nik.") + error)
