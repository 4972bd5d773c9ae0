"""Personal access tokens: created on the account page and shown once, stored hashed, scoped, revocable, expiring."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from matchmaker.auth.tokens import TOKEN_PREFIX, hash_token
from matchmaker.extensions import db
from matchmaker.models import ApiToken, AuditEvent, UserStatus
from tests.api.helpers import call, token_for
from tests.conftest import log_in, make_household, make_user

TOKEN_PATTERN = re.compile(re.escape(TOKEN_PREFIX) + r"[A-Za-z0-9_-]{43}")


def test_account_page_creates_a_token_shown_once_and_stores_only_its_hash(client, login_as):
    """A token would be recoverable from the database, or shown again to whoever opens the page later."""
    user = login_as("facilitator")
    page = client.get("/auth/password")
    assert page.status_code == 200 and 'id="api-tokens"' in page.get_data(as_text=True)
    created = client.post("/auth/tokens", data={"name": "Laporan kecamatan", "scope": "read", "lifetime": "90"})
    assert created.status_code == 200
    secret = TOKEN_PATTERN.search(created.get_data(as_text=True)).group(0)
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.name == "Laporan kecamatan" and stored.scope == "read"
    assert stored.token_hash == hash_token(secret) and secret not in stored.token_hash
    assert stored.display_prefix == secret[: len(stored.display_prefix)]
    assert dt.timedelta(days=89) < stored.expires_at - stored.created_at <= dt.timedelta(days=90)
    listing = client.get("/auth/password").get_data(as_text=True)
    assert "Laporan kecamatan" in listing and stored.display_prefix in listing and secret not in listing
    assert call(client, "GET", "/api/v1/households", secret).status_code == 200


def test_token_form_explains_a_missing_name_in_indonesian(client, login_as):
    """A token without a name could not be told apart from the others on her list."""
    login_as("facilitator")
    response = client.post("/auth/tokens", data={"name": "", "scope": "write", "lifetime": "30"})
    assert response.status_code == 400
    assert "Kolom ini wajib diisi." in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_token_forms_need_their_csrf_token(app):
    """Another site could create or revoke a token in a logged-in user's name."""
    from tests.conftest import make_app

    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        db.create_all()
        user = make_user("facilitator", areas=[])
        client = application.test_client()
        log_in_page = client.get("/auth/login").get_data(as_text=True)
        csrf_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', log_in_page).group(1)
        client.post("/auth/login", data={"email": user.email, "password": "rahasia-123", "csrf_token": csrf_token})
        assert client.post("/auth/tokens", data={"name": "x", "scope": "read", "lifetime": "30"}).status_code == 400
        token = token_for(user)
        token_id = db.session.scalar(select(ApiToken.id))
        assert client.post(f"/auth/tokens/{token_id}/revoke").status_code == 400
        assert db.session.get(ApiToken, token_id).revoked is False and token
        db.session.remove()
        db.engine.dispose()


def test_revoked_token_stops_working_and_another_user_cannot_revoke_it(client, login_as):
    """A leaked token would keep working after she revoked it, or anyone could revoke hers."""
    owner = make_user("facilitator")
    secret = token_for(owner)
    token_id = db.session.scalar(select(ApiToken.id))
    login_as("facilitator")
    assert client.post(f"/auth/tokens/{token_id}/revoke").status_code == 404
    assert call(client, "GET", "/api/v1/households", secret).status_code == 200
    other = client.application.test_client()
    log_in(other, owner)
    assert other.post(f"/auth/tokens/{token_id}/revoke").status_code == 302
    token = db.session.get(ApiToken, token_id)
    assert token.revoked and token.revoked_at is not None
    response = call(client, "GET", "/api/v1/households", secret)
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "api_token.revoked")) is not None


def test_expired_token_and_disabled_owner_are_refused(client):
    """A token would outlive its expiry, or a disabled facilitator could go on working through the API."""
    user = make_user("facilitator")
    expired = token_for(user)
    token = db.session.scalar(select(ApiToken))
    token.expires_at = token.created_at - dt.timedelta(seconds=1)
    db.session.commit()
    assert call(client, "GET", "/api/v1/households", expired).status_code == 401
    live = token_for(user)
    assert call(client, "GET", "/api/v1/households", live).status_code == 200
    user.status = UserStatus.DISABLED
    db.session.commit()
    assert call(client, "GET", "/api/v1/households", live).status_code == 401


def test_read_token_cannot_write(client):
    """A token given to a reporting script could change or create households."""
    user = make_user("facilitator")
    household = make_household(user)
    secret = token_for(user, scope="read")
    response = call(client, "POST", "/api/v1/households", secret, json={"full_name": "Imas"}, language="en")
    assert response.status_code == 403
    assert "may only read" in response.get_json()["detail"]
    response = call(client, "PATCH", f"/api/v1/households/{household.id}", secret, json={"address": "x"},
                    headers={"If-Match": "*"})
    assert response.status_code == 403


def test_session_cookie_does_not_authenticate_the_api(client, login_as):
    """A page on another site could make a logged-in browser read or change households through the API."""
    user = login_as("facilitator")
    household = make_household(user)
    assert client.get("/api/v1/households").status_code == 401
    assert client.post("/api/v1/households", json={"full_name": "Imas"}).status_code == 401
    assert client.patch(f"/api/v1/households/{household.id}", json={"address": "x"}).status_code == 401
    assert call(client, "GET", "/api/v1/households", "mg_pat_not-a-real-token").status_code == 401
