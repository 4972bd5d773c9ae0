"""Fixtures of the households tests: a facilitator of Cibungbulang with a few households, and skills loaded."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.extensions import db
from matchmaker.models import Role
from matchmaker.reference.skills import load_skills
from tests.conftest import make_household, make_user
from tests.households.messy import make_nik

OWN_DESA = "32.01.16.2013"  # Sukamaju


@pytest.fixture
def skills(app):
    """The canonical skills vocabulary in the database."""
    load_skills(db.session)
    db.session.commit()


@pytest.fixture
def caseload(app, skills):
    """A facilitator (Cibungbulang) with four households, and a colleague with one of her own."""
    facilitator = make_user(Role.FACILITATOR, email="bu.ani@example.test")
    colleague = make_user(Role.FACILITATOR, email="bu.euis@example.test")
    own = []
    for serial, (name, born) in enumerate(
        [("Siti Aminah", dt.date(1988, 3, 14)), ("Nur Hasanah", dt.date(1979, 11, 2)),
         ("Euis Kurniasih", dt.date(1992, 7, 21)), ("Popon Suryani", dt.date(1985, 1, 9))],
        start=1,
    ):
        own.append(make_household(facilitator, nik=make_nik(born, 7000 + serial), full_name=name, birth_date=born,
                                  desa_code=OWN_DESA, phone="+6281234567890"))
    other = make_household(colleague, nik=make_nik(dt.date(1983, 5, 5), 6001), full_name="Wati Lestari",
                           birth_date=dt.date(1983, 5, 5), desa_code=OWN_DESA)
    return {"facilitator": facilitator, "colleague": colleague, "own": own, "other": other}
