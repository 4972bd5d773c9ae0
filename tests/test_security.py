"""Security controls: CSRF, login throttling, response headers, cookies, error pages, upload size."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from matchmaker import create_app
from matchmaker.extensions import db
from matchmaker.models import Household, Role
from matchmaker.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, log_in, make_user

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def _example_url(app: Flask, rule) -> str:
    """The rule's URL with every variable filled in (ids that may not exist: CSRF is checked first)."""
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        values[name] = 1 if converter == "IntegerConverter" else "consent"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, client):
    """A page on another site could make a logged-in facilitator's browser change data in her name."""
    user = make_user(Role.ADMIN)
    log_in(client, user)
    app.config["WTF_CSRF_ENABLED"] = True
    rules = [rule for rule in app.url_map.iter_rules() if rule.methods & STATE_CHANGING]
    assert len(rules) > 30
    for rule in rules:
        url = _example_url(app, rule)
        for method in sorted(rule.methods & STATE_CHANGING):
            response = client.open(url, method=method, data={"email": "x@example.test"})
            if url.startswith("/api/v1/"):
                # The API ignores session cookies altogether: without a bearer token it refuses (401).
                assert response.status_code == 401, f"{method} {url} answered {response.status_code} to a session"
                continue
            assert response.status_code == 400, f"{method} {url} answered {response.status_code} without a token"
            assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True), url


def test_forms_with_the_page_token_are_accepted(app, client):
    """With CSRF on, nobody could log in: the token on the page would not match the session."""
    user = make_user(Role.FACILITATOR)
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def _fail_login(client, email: str, address: str = "127.0.0.1"):
    return client.post("/auth/login", data={"email": email, "password": "salah-sekali"},
                       environ_base={"REMOTE_ADDR": address})


def test_five_failed_logins_on_one_account_make_her_wait(app, client):
    """Someone could try thousands of passwords on a facilitator's account, from as many addresses."""
    user = make_user(Role.FACILITATOR)
    for attempt in range(5):
        assert _fail_login(client, user.email, f"10.0.0.{attempt}").status_code == 200
    blocked = client.post("/auth/login", data={"email": user.email.upper(), "password": PASSWORD},
                          environ_base={"REMOTE_ADDR": "10.0.1.1"})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    html = blocked.get_data(as_text=True)
    assert "Terlalu banyak percobaan yang gagal" in html and "detik" in html
    assert user.email.upper() in html, "the login form should stay filled in"
    other = make_user(Role.FACILITATOR)
    assert log_in(client, other).status_code == 302, "another account from another address is not affected"


def test_five_failed_logins_from_one_address_make_it_wait(app, client):
    """Someone could try one password on every account from one machine."""
    for number in range(5):
        assert _fail_login(client, f"orang{number}@example.test", "192.0.2.7").status_code == 200
    assert _fail_login(client, "orang9@example.test", "192.0.2.7").status_code == 429
    assert _fail_login(client, "orang9@example.test", "192.0.2.8").status_code == 200


def test_the_wait_ends_after_a_minute(app, client, monkeypatch):
    """A facilitator who mistyped her password five times would be locked out for good."""
    user = make_user(Role.FACILITATOR)
    for _ in range(5):
        _fail_login(client, user.email)
    assert log_in(client, user).status_code == 429
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert log_in(client, user).status_code == 302


def test_successful_logins_do_not_count_towards_the_limit(app, client):
    """Facilitators sharing a village office's connection would be locked out by logging in normally."""
    user = make_user(Role.FACILITATOR)
    for _ in range(8):
        assert log_in(client, user).status_code == 302
        client.post("/auth/logout")


def test_reset_codes_cannot_be_guessed_quickly(app, client):
    """A password-reset code (six characters) could be guessed by trying many in a row."""
    for number in range(5):
        response = client.post("/auth/reset", data={"code": f"ZZZZ{number:02d}", "password": "baru-12345",
                                                    "confirm": "baru-12345"})
        assert response.status_code == 200
    assert client.post("/auth/reset", data={"code": "ZZZZ99", "password": "baru-12345",
                                            "confirm": "baru-12345"}).status_code == 429


def test_wrong_current_passwords_are_throttled_per_account(app, client):
    """Someone at an unlocked phone could guess the owner's password on the change-password form."""
    log_in(client, make_user(Role.FACILITATOR))
    form = {"current_password": "bukan-ini", "password": "baru-12345", "confirm": "baru-12345"}
    for _ in range(5):
        assert client.post("/auth/password", data=form).status_code == 200
    assert client.post("/auth/password", data=dict(form, current_password=PASSWORD)).status_code == 429


@pytest.mark.parametrize("path", ["/auth/login", "/static/app.css", "/healthz", "/nowhere"])
def test_security_headers_are_on_every_response(client, path):
    """Another site could frame the app to trick clicks, or a browser could run injected script."""
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert directives == {key: value for key, value in CONTENT_SECURITY_POLICY.items()}


def test_json_api_carries_the_headers_too(client, login_as):
    """The search API would be open to MIME sniffing or framing while the pages are not."""
    login_as(Role.FACILITATOR)
    response = client.get("/api/regions/search?q=suka")
    assert response.status_code == 200 and response.is_json
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_templates_have_no_inline_script_style_or_event_handler():
    """A template with inline script or style would break under the policy (or need it weakened)."""
    offenders = []
    patterns = {
        "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
        "style element": re.compile(r"<style\b", re.I),
        "style attribute": re.compile(r"\sstyle\s*=", re.I),
        "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
        "javascript: URL": re.compile(r"javascript:", re.I),
    }
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {what}")
    assert offenders == []


def test_session_cookie_is_http_only_and_same_site(app, client):
    """A script or another site could read or send the session cookie."""
    user = make_user(Role.FACILITATOR)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session = next(cookie for cookie in cookies if cookie.startswith("session="))
    remember = next(cookie for cookie in cookies if cookie.startswith("remember_token="))
    for cookie in (session, remember):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # only when SESSION_COOKIE_SECURE is set (see the next test)


def test_session_cookie_is_secure_when_served_over_https():
    """Behind HTTPS the session could still be sent in clear over a plain-HTTP link."""
    from tests.conftest import make_app

    application = make_app(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    with application.app_context():
        db.create_all()
        user = make_user(Role.FACILITATOR, areas=[])
        response = application.test_client().post(
            "/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"},
            base_url="https://localhost",
        )
        cookies = response.headers.getlist("Set-Cookie")
        assert cookies and all("Secure" in cookie for cookie in cookies)
        db.session.remove()
        db.engine.dispose()


def test_unexpected_errors_show_no_traceback(app, client):
    """A crash would show a Python traceback (code, paths, data) to a facilitator in the field."""

    def explode():
        raise RuntimeError("secret internals 3201165203850002")

    app.add_url_rule("/explode", "explode", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Terjadi kesalahan" in html or "kesalahan" in html.lower()
    assert "Traceback" not in html and "secret internals" not in html and "3201165203850002" not in html
    assert client.get("/console").status_code == 404


def test_production_app_is_not_in_debug_mode(monkeypatch):
    """The interactive debugger would let anyone run code on the server."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    application = create_app({"SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert application.debug is False and application.testing is False
    assert not application.config.get("PROPAGATE_EXCEPTIONS")


def test_uploads_over_the_limit_are_refused_and_nothing_is_saved(app, client, login_as):
    """A huge upload would tie up the server or fill its disk."""
    login_as(Role.FACILITATOR)
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert limit <= 16 * 1024 * 1024
    import io

    response = client.post(
        "/households/import", data={"file": (io.BytesIO(b"0" * (limit + 1)), "besar.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True) or "terlalu besar" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0
