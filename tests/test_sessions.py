"""Sessions that end: a copied session or remember cookie opens nothing after the account's sessions end."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from matchmaker.auth.services import issue_password_reset
from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Region, Role, User
from tests.conftest import DRAMAGA, PASSWORD, log_in, make_organization, make_user

CASELOAD = "/households/"
COOKIES = ("session", "remember_token")
NEW_PASSWORD = "baru-rahasia-456"


def steal(client: FlaskClient, names: tuple[str, ...] = COOKIES) -> dict[str, str]:
    """A copy of the client's login cookies, as a thief (or another device) would hold them."""
    stolen = {}
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            stolen[name] = cookie.value
    return stolen


def replay(app: Flask, cookies: dict[str, str], path: str = CASELOAD):
    """Open ``path`` from a new browser holding only ``cookies``."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get(path)


def assert_login_page(response) -> None:
    """The response sends the browser to the login page instead of showing data."""
    assert response.status_code == 302, response.status_code
    assert "/auth/login" in response.location


def _manager_client(app: Flask, role: str = Role.COORDINATOR) -> tuple[FlaskClient, User]:
    manager_client = app.test_client()
    manager = make_user(role)
    assert log_in(manager_client, manager).status_code == 302
    return manager_client, manager


def _logout(app: Flask, client: FlaskClient, user: User) -> None:
    client.post("/auth/logout")


def _password_change(app: Flask, client: FlaskClient, user: User) -> None:
    response = client.post("/auth/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302


def _reset(app: Flask, client: FlaskClient, user: User) -> None:
    issued = issue_password_reset(user, make_user(Role.ADMIN))
    response = app.test_client().post("/auth/reset", data={
        "code": issued.code, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302


def _set_status(manager_client: FlaskClient, user: User, enable: str) -> None:
    response = manager_client.post(f"/admin/users/{user.id}/status", data={"enable": enable})
    assert response.status_code == 302


def _disable(app: Flask, client: FlaskClient, user: User) -> None:
    manager_client, _ = _manager_client(app)
    _set_status(manager_client, user, "0")


def _disable_and_enable(app: Flask, client: FlaskClient, user: User) -> None:
    manager_client, _ = _manager_client(app)
    _set_status(manager_client, user, "0")
    _set_status(manager_client, user, "1")


def _role_change(app: Flask, client: FlaskClient, user: User) -> None:
    db.session.get(User, user.id).role = Role.COORDINATOR
    db.session.commit()


def _area_change(app: Flask, client: FlaskClient, user: User) -> None:
    db.session.get(User, user.id).areas.append(db.session.get(Region, DRAMAGA))
    db.session.commit()


def _logout_everywhere(app: Flask, client: FlaskClient, user: User) -> None:
    assert client.post("/auth/logout-everywhere").status_code == 302


def _coordinator_ends_sessions(app: Flask, client: FlaskClient, user: User) -> None:
    manager_client, _ = _manager_client(app)
    assert manager_client.post(f"/admin/users/{user.id}/sessions").status_code == 302


def _admin_ends_sessions(app: Flask, client: FlaskClient, user: User) -> None:
    manager_client, _ = _manager_client(app, Role.ADMIN)
    assert manager_client.post(f"/admin/users/{user.id}/sessions").status_code == 302


EVENTS: dict[str, Callable[[Flask, FlaskClient, User], None]] = {
    "logout": _logout,
    "password change": _password_change,
    "password reset": _reset,
    "disable": _disable,
    "disable then re-enable": _disable_and_enable,
    "role change": _role_change,
    "area change": _area_change,
    "log out everywhere": _logout_everywhere,
    "coordinator ends sessions": _coordinator_ends_sessions,
    "admin ends sessions": _admin_ends_sessions,
}


@pytest.mark.parametrize("event", list(EVENTS))
@pytest.mark.parametrize("cookies", [COOKIES, ("session",), ("remember_token",)], ids=["both", "session", "remember"])
def test_a_copied_cookie_opens_nothing_after_the_sessions_end(app, client, event, cookies):
    """A cookie stolen before a logout, password change, disable… would still open her caseload."""
    user = make_user(Role.FACILITATOR)
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    stolen = steal(client, cookies)
    assert set(stolen) == set(cookies)
    assert replay(app, stolen).status_code == 200  # the copy works until the event
    EVENTS[event](app, client, user)
    assert_login_page(replay(app, stolen))


def test_after_a_password_change_only_the_current_device_stays_logged_in(app, client):
    """Changing a leaked password would leave the thief logged in, or log out the user who changed it."""
    user = make_user(Role.FACILITATOR)
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert other_device.get(CASELOAD).status_code == 200
    _password_change(app, client, user)
    assert client.get(CASELOAD).status_code == 200
    assert replay(app, steal(client, ("remember_token",))).status_code == 200  # her re-issued remember cookie
    assert_login_page(other_device.get(CASELOAD))
    assert_login_page(replay(app, steal(other_device, ("remember_token",))))


def test_each_login_gets_its_own_remember_token(app):
    """Every login on every device would carry the same remember cookie."""
    user = make_user(Role.FACILITATOR)
    tokens = []
    for _ in range(2):
        device = app.test_client()
        device.post("/auth/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
        tokens.append(steal(device, ("remember_token",))["remember_token"])
    assert tokens[0] != tokens[1]


def test_logging_in_again_after_the_sessions_ended_works(app, client):
    """After logging out everywhere she could not log in again."""
    user = make_user(Role.FACILITATOR)
    log_in(client, user)
    _logout_everywhere(app, client, user)
    assert_login_page(client.get(CASELOAD))
    assert log_in(client, user).status_code == 302
    assert client.get(CASELOAD).status_code == 200


def test_log_out_everywhere_is_on_the_account_page_and_audited(app, client, login_as):
    """The button would be missing, answer a GET, or leave no trace in the audit trail."""
    user = login_as(Role.FACILITATOR)
    page = client.get("/auth/password").get_data(as_text=True)
    assert 'action="/auth/logout-everywhere"' in page
    assert "Keluar dari semua perangkat" in page
    assert client.get("/auth/logout-everywhere").status_code == 405
    _logout_everywhere(app, client, user)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended"))
    assert (event.actor_id, event.target_type, event.target_id) == (user.id, "user", user.id)


def test_coordinator_ends_a_facilitators_sessions_and_it_is_audited(app, client):
    """A coordinator could not log out the facilitator whose phone was stolen, or nobody would know she did."""
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, facilitator)
    manager_client, manager = _manager_client(app)
    page = manager_client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{facilitator.id}/sessions"' in page
    assert "Keluarkan dari semua perangkat" in page
    manager_client.post(f"/admin/users/{facilitator.id}/sessions")
    assert_login_page(client.get(CASELOAD))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sessions_ended"))
    assert (event.actor_id, event.target_id) == (manager.id, facilitator.id)


def test_only_managers_of_the_account_can_end_its_sessions(app, client):
    """A facilitator, or a coordinator of another district, could log anyone out."""
    victim = make_user(Role.FACILITATOR)
    victim_client = app.test_client()
    log_in(victim_client, victim)
    other_facilitator = make_user(Role.FACILITATOR)
    log_in(client, other_facilitator)
    assert client.post(f"/admin/users/{victim.id}/sessions").status_code == 403
    client.post("/auth/logout")
    outsider = make_user(Role.COORDINATOR, areas=[DRAMAGA])
    log_in(client, outsider)
    assert client.post(f"/admin/users/{victim.id}/sessions").status_code == 404
    business = make_user(Role.BUSINESS, organization=make_organization())
    assert client.post(f"/admin/users/{business.id}/sessions").status_code == 404
    assert victim_client.get(CASELOAD).status_code == 200


def test_a_disabled_account_with_a_live_session_is_logged_out(app, client):
    """A disabled facilitator would keep working in the tab she had open."""
    user = make_user(Role.FACILITATOR)
    log_in(client, user)
    _disable(app, client, user)
    assert_login_page(client.get(CASELOAD))
