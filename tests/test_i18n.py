"""Bahasa Indonesia first: complete translations, language switch, Indonesian formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from matchmaker.i18n import format_date, format_rupiah
from matchmaker.models import Role
from tests.conftest import log_in, make_user

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "matchmaker" / "translations" / "id" / "LC_MESSAGES" / "messages.po"


def test_every_message_has_an_indonesian_translation(tmp_path):
    """A user would meet an English sentence in the middle of the Indonesian interface."""
    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(
        [
            "pybabel", "--quiet", "extract",
            "-F", str(ROOT / "matchmaker" / "translations" / "babel.cfg"),
            "-k", "_l", "-k", "lazy_gettext", "-k", "_ln:1,2", "-k", "lazy_ngettext:1,2", "-o", str(pot), str(ROOT),
        ]
    )
    with pot.open("rb") as handle:
        template = read_po(handle)
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    untranslated = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id)
        strings = translated.string if translated is not None else None
        if isinstance(strings, tuple):
            ok = all(strings)
        else:
            ok = bool(strings)
        if not ok or (translated is not None and translated.fuzzy):
            untranslated.append(message.id)
    assert len(list(template)) > 100
    assert untranslated == [], f"messages without an Indonesian translation: {untranslated}"


def test_dates_and_amounts_are_formatted_the_indonesian_way(app):
    """Dates and Rupiah amounts would read like an English report."""
    with app.test_request_context():
        assert format_date(dt.date(2020, 8, 20)) == "20 Agu 2020"
        assert format_rupiah(1_500_000) == "Rp1.500.000"
        assert format_rupiah(None) == "–"
        assert format_date(dt.date(2020, 8, 20), locale="en") == "20 Aug 2020"


def test_language_switch_before_login_lasts_the_session(app, client):
    """A visitor who chose English would get Indonesian again on the next page."""
    client.post("/auth/language", data={"language": "en", "next": "/auth/login"})
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page
    client.post("/auth/language", data={"language": "id"})
    assert "Masuk" in client.get("/auth/login").get_data(as_text=True)


def test_language_is_remembered_on_the_account(app, client):
    """A facilitator who chose English would see Indonesian again on her next login."""
    user = make_user(Role.FACILITATOR)
    log_in(client, user)
    client.post("/auth/language", data={"language": "en"})
    client.post("/auth/logout")
    other_device = app.test_client()
    log_in(other_device, user)
    page = other_device.get("/home").get_data(as_text=True)
    assert "Toward the 10% target" in page
    assert user.preferred_language == "en"


def test_unknown_language_is_refused(app, client):
    """A tampered language value could break every page."""
    assert client.post("/auth/language", data={"language": "xx"}).status_code == 400
