"""Hostile input and leaks: redirect targets, caching, SQL errors in logs, bidi controls, English messages."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from wtforms import PasswordField, StringField

import matchmaker
from matchmaker.extensions import db
from matchmaker.forms import BIDI_CONTROLS, AppForm
from matchmaker.models import Organization, Role
from tests.conftest import CIBUNGBULANG, PASSWORD, make_household, make_user
from tests.test_auth import REGISTRATION

CATALOG = Path(matchmaker.__file__).parent / "translations" / "id" / "LC_MESSAGES" / "messages.po"
NIK = "3201164503850001"


# --- Redirect targets ---------------------------------------------------------------------------


@pytest.mark.parametrize("target", [
    "/home%0D%0AX-Injected:1", "/home%0AX-Injected:1", "/%5Cevil.example", "/%09/evil.example",
    "https://evil.example/", "//evil.example", "javascript:alert(1)",
])
def test_login_ignores_a_next_target_that_is_off_site_or_splits_headers(app, client, target):
    """A crafted link would crash the login (500), inject a header, or send her to another site."""
    user = make_user()
    response = client.post(f"/auth/login?next={target}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/home"
    assert "X-Injected" not in response.headers


def test_login_still_follows_a_next_path_of_this_site(app, client):
    """After logging in from a link she would land on the home page instead of the page she asked for."""
    user = make_user(Role.COORDINATOR)
    response = client.post("/auth/login?next=%2Fadmin%2Fusers%3Fpage%3D2",
                           data={"email": user.email, "password": PASSWORD})
    assert response.location == "/admin/users?page=2"


# --- Caching ------------------------------------------------------------------------------------


def test_pages_and_exports_for_a_logged_in_user_are_never_stored(app, client, login_as):
    """Her caseload, a full NIK or an export would stay in the browser cache of a shared phone."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator, nik=NIK)
    for path in ("/home", "/households/", f"/households/{household.id}", "/households/export.xlsx",
                 "/households/import/template.xlsx", "/auth/password"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_the_reset_code_page_is_never_stored(app, client, login_as):
    """A reset code shown to the coordinator would stay in her browser cache."""
    login_as(Role.COORDINATOR)
    facilitator = make_user(Role.FACILITATOR, areas=[CIBUNGBULANG])
    response = client.post(f"/admin/users/{facilitator.id}/reset")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_anonymous_pages_are_not_stored_but_static_files_keep_their_caching(app, client):
    """The login form would be cached with its token, or the stylesheet downloaded again on every page."""
    assert client.get("/auth/login").headers["Cache-Control"] == "no-store"
    stylesheet = client.get("/static/app.css")
    assert stylesheet.status_code == 200
    assert "no-store" not in stylesheet.headers.get("Cache-Control", "")
    assert stylesheet.headers.get("ETag") or stylesheet.headers.get("Last-Modified")
    stylesheet.close()


# --- SQL errors ---------------------------------------------------------------------------------


def test_a_failed_statement_names_no_values_in_its_error_or_the_log(app, client, caplog):
    """A database error would write a woman's NIK into the server log."""

    insert = text("INSERT INTO form_submission (token, created_at) VALUES (:token, CURRENT_TIMESTAMP)")

    @app.get("/_test/failing-sql")
    def failing_sql():
        db.session.execute(insert, {"token": NIK})
        db.session.execute(insert, {"token": NIK})  # the token is unique: an IntegrityError
        return "unreachable"

    with pytest.raises(IntegrityError) as raised:
        db.session.execute(insert, {"token": NIK})
        db.session.execute(insert, {"token": NIK})
    db.session.rollback()
    assert NIK not in str(raised.value)
    assert "hidden" in str(raised.value)
    app.testing = False  # let the error handler log it as in production
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.DEBUG):
        assert client.get("/_test/failing-sql").status_code == 500
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "form_submission" in logged  # the statement is logged …
    assert NIK not in logged  # … without its values


# --- Bidirectional control characters -----------------------------------------------------------


def _all_form_classes() -> list[type[AppForm]]:
    for module in pkgutil.walk_packages(matchmaker.__path__, "matchmaker."):
        if module.name.endswith((".forms", ".submissions")):
            importlib.import_module(module.name)
    found, pending = [], [AppForm]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass)
            pending.append(subclass)
    return found


def test_every_text_field_of_every_form_drops_bidi_controls(app):
    """A right-to-left override typed into any free-text field would reverse text on others' screens."""
    hostile = "Ab" + BIDI_CONTROLS + "c"
    checked = 0
    forms = _all_form_classes()
    assert len(forms) > 20
    for form_class in forms:
        with app.test_request_context():
            names = [field.name for field in form_class(formdata=None, meta={"csrf": False})]
        with app.test_request_context(method="POST", data=dict.fromkeys(names, hostile)):
            form = form_class(meta={"csrf": False})
            for field in form:
                if not isinstance(field, StringField) or field.name == "submission_token":
                    continue
                expected = hostile if isinstance(field, PasswordField) else "Abc"
                assert field.data == expected, (form_class.__name__, field.name)
                checked += 1
    assert checked > 40


def test_a_registration_is_stored_without_bidi_controls(app, client):
    """An organization name with a right-to-left override would show reversed to the coordinator."""
    data = dict(REGISTRATION, organization_name="Konveksi \u202eBerkah\u202c Cibatok\u200f",
                contact_name="Dedi\u2066 Supriadi\u2069")
    assert client.post("/auth/register", data=data).status_code == 200
    organization = db.session.scalar(select(Organization))
    assert organization.name == "Konveksi Berkah Cibatok"
    assert organization.contact_person == "Dedi Supriadi"


# --- WTForms messages in Indonesian -------------------------------------------------------------


def test_an_unknown_choice_is_explained_in_indonesian(app, client, login_as):
    """A facilitator would read "'31.71' is not a valid choice for this field." in English."""
    login_as(Role.FACILITATOR)
    page = client.post("/households/new", data={
        "full_name": "Rina", "nik": "3201164503850001", "constraints": "31.71",
    }).get_data(as_text=True)
    assert "&#39;31.71&#39; bukan pilihan yang valid untuk kolom ini." in page
    assert "not a valid choice" not in page


def test_every_wtforms_message_has_an_indonesian_translation():
    """Some WTForms check (a length, a date, a choice) would answer in English."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in Path(wtforms.__file__).parent.rglob("*.py"))
    singles = set(re.findall(r'gettext\(\s*"([^"]+)"\s*\)', source))
    plurals = set(re.findall(r'ngettext\(\s*"([^"]+)",\s*"([^"]+)",', source))
    assert "Not a valid choice." in singles and len(plurals) >= 4
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="id")
    for message_id in singles:
        entry = catalog.get(message_id)
        assert entry is not None and entry.string and not entry.fuzzy, message_id
    for singular, plural in plurals:
        entry = catalog.get(singular)
        assert entry is not None and entry.id == (singular, plural) and all(entry.string), singular


def test_a_length_message_of_wtforms_is_in_indonesian(app):
    """A field limited by WTForms' own length check would answer in English."""
    from wtforms.validators import Length

    class ShortForm(AppForm):
        code = StringField("Code", validators=[Length(min=3)])

    with app.test_request_context(method="POST", data={"code": "ab"}):
        form = ShortForm(meta={"csrf": False})
        assert not form.validate()
        assert form.code.errors == ["Isian minimal 3 karakter."]

