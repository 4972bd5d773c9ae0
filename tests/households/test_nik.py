"""NIK and No. KK checks: structure, kecamatan prefix, the birth date with +40 for women, masking."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.households.nik import check_kk, check_nik, mask_nik, nik_date

KNOWN = {"320116", "320130"}


def test_a_valid_womans_nik_passes_with_separators():
    """A correct NIK typed with spaces or dots would be refused."""
    check = check_nik("3201 1645 0290 0001", kecamatan_codes=KNOWN, birth_date=dt.date(1990, 2, 5))
    assert check.ok and check.digits == "3201164502900001"
    assert check_nik("3201.16.450290.0001", kecamatan_codes=KNOWN.__contains__).ok


@pytest.mark.parametrize(
    ("text", "born", "error"),
    [
        ("", None, "empty"),
        ("320116450290", None, "length"),
        ("3201164502900001x", None, "not_digits"),
        ("3.20116E+15", None, "scientific"),
        ("9999164502900001", None, "unknown_kecamatan"),
        ("3201163202900001", None, "bad_date"),  # day 32 without +40
        ("3201167202900001", None, "bad_date"),  # 72 - 40 = 32
        ("3201164502900001", dt.date(1990, 2, 6), "birth_date_mismatch"),
        ("3201164502900001", dt.date(1991, 2, 5), "birth_date_mismatch"),
        ("3201164502900000", None, "zero_serial"),
    ],
)
def test_invalid_niks_give_a_precise_error(text, born, error):
    """A wrong NIK would be stored, or refused with a message that does not say what is wrong."""
    assert error in check_nik(text, kecamatan_codes=KNOWN, birth_date=born).errors


def test_the_date_part_adds_forty_for_women_only():
    """A man's or a woman's NIK would be read with the wrong birth day."""
    woman = nik_date("3201164502900001")
    man = nik_date("3201160502900001")
    assert (woman.day, woman.female) == (5, True)
    assert (man.day, man.female) == (5, False)
    assert nik_date("3201166902000001") is not None  # 29 Feb 2000 exists
    assert nik_date("3201166902010001") is None  # 29 Feb 2001 does not


def test_kk_and_masking():
    """A family card number would be refused, or a list would show a full NIK."""
    assert check_kk("3201-1601-0115-0007").digits == "3201160101150007"
    assert check_kk("1234").errors == ("length",)
    assert mask_nik("3201164502900001") == "••••••••••••0001"
    assert mask_nik(None) == "–"
