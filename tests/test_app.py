"""Start-up configuration and the basics every page relies on."""

from __future__ import annotations

import pytest

from matchmaker import ConfigurationError, create_app


def test_app_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    """A production server could run with a guessable session key."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr("matchmaker.INSTANCE_DIR", tmp_path)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_session_cookie_is_httponly_and_samesite(app, client, login_as):
    """Session cookies could be read by scripts or sent along with cross-site requests."""
    login_as("facilitator")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
    assert cookie.same_site == "Lax"


def test_forms_are_refused_without_a_csrf_token(app):
    """Another website could submit forms on a logged-in user's behalf."""
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.post("/auth/login", data={"email": "a@b.test", "password": "x"})
    assert page.status_code == 400
    assert "Formulir sudah kedaluwarsa" in page.get_data(as_text=True)


def test_unknown_page_gets_a_friendly_404(client):
    """A mistyped address would show a bare English error."""
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_static_assets_are_served_by_the_app(client):
    """Pages would lose their styling where no CDN can be reached."""
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert "text/css" in response.content_type
