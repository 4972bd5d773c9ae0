"""Logging in and out, partner registration, approval, passwords and role access."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import AuditEvent, Organization, OrgStatus, PasswordReset, Role, User, UserStatus
from tests.conftest import PASSWORD, SUKAMAJU, log_in, make_organization, make_user

REGISTRATION = {
    "kind": "business",
    "organization_name": "Konveksi Berkah Cibatok",
    "desa_code": SUKAMAJU,
    "contact_name": "Dedi Supriadi",
    "email": "Dedi@Konveksi.test",
    "phone": "0812-3456-7890",
    "password": "jahit-rapi-99",
    "password_confirm": "jahit-rapi-99",
}


def test_login_page_speaks_indonesian(client):
    """A newcomer would meet an English login page instead of Bahasa Indonesia."""
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Masuk" in page
    assert "Kata sandi" in page


def test_login_with_right_password_reaches_home(app, client):
    """A facilitator could not get into the app with her own password."""
    user = make_user(Role.FACILITATOR, email="bidan.rina@example.test")
    response = client.post("/auth/login", data={"email": "BIDAN.Rina@example.test ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/home")
    assert user.name in client.get("/home").get_data(as_text=True)


def test_wrong_password_gives_clear_message(app, client):
    """A mistyped password would give no explanation, or tell which part was wrong."""
    user = make_user()
    page = client.post("/auth/login", data={"email": user.email, "password": "salah"}).get_data(as_text=True)
    assert "Alamat e-mail atau kata sandi tidak benar." in page
    unknown = client.post("/auth/login", data={"email": "nobody@x.test", "password": "salah"}).get_data(as_text=True)
    assert "Alamat e-mail atau kata sandi tidak benar." in unknown


def test_missing_fields_are_reported_next_to_them(app, client):
    """An empty login form would fail silently."""
    page = client.post("/auth/login", data={}).get_data(as_text=True)
    assert page.count("Kolom ini wajib diisi.") == 2


def test_anonymous_user_is_sent_to_login_and_back(app, client):
    """After logging in, a user who followed a link would land on the wrong page."""
    user = make_user(Role.COORDINATOR)
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert "/auth/login?next=%2Fadmin%2Fusers" in response.location
    response = client.post(
        "/auth/login?next=%2Fadmin%2Fusers", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location.endswith("/admin/users")


def test_login_refuses_to_redirect_off_site(app, client):
    """A crafted link could send a user to a phishing site after she logs in."""
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(f"/auth/login?next={target}", data={"email": user.email, "password": PASSWORD})
        assert response.location.endswith("/home")
        client.post("/auth/logout")


def test_logout_needs_post_and_ends_the_session(app, client, login_as):
    """A link on another site could log users out, or logging out would not work."""
    login_as(Role.FACILITATOR)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/home").status_code == 302


def test_each_role_has_its_own_home_page(app, client):
    """A role would land on an error or on another role's page after logging in."""
    expectations = {
        Role.FACILITATOR: "Menuju target 10%",
        Role.BUSINESS: "Peluang Anda",
        Role.VILLAGE_OFFICE: "Program Anda",
        Role.COORDINATOR: "Pendamping dan target 10%",
        Role.ADMIN: "Administrasi",
    }
    for role, marker in expectations.items():
        organization = None
        if role == Role.BUSINESS:
            organization = make_organization("business")
        if role == Role.VILLAGE_OFFICE:
            organization = make_organization("village_office")
        user = make_user(role, organization=organization)
        log_in(client, user)
        page = client.get("/home")
        assert page.status_code == 200, role
        assert marker in page.get_data(as_text=True), role
        client.post("/auth/logout")


def test_other_roles_get_403_on_coordinator_pages(app, client, login_as):
    """A facilitator or a business could open the coordinator's verification queue."""
    for role in (Role.FACILITATOR, Role.BUSINESS, Role.VILLAGE_OFFICE):
        login_as(role)
        assert client.get("/admin/organizations").status_code == 403
        assert client.get("/admin/users").status_code == 403
        client.post("/auth/logout")


def test_business_registers_and_waits_for_approval(app, client):
    """A business could not register, or could act before a coordinator checked it."""
    response = client.post("/auth/register", data=REGISTRATION)
    assert response.status_code == 200
    assert "Pendaftaran diterima" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "dedi@konveksi.test"))
    assert user.status == UserStatus.PENDING
    assert user.role == Role.BUSINESS
    assert user.phone == "+6281234567890"
    assert user.organization.status == OrgStatus.PENDING
    assert user.organization.owner_id == user.id
    page = client.post("/auth/login", data={"email": "dedi@konveksi.test", "password": "jahit-rapi-99"})
    assert "masih menunggu persetujuan" in page.get_data(as_text=True)


def test_registration_rejects_bad_input_without_writing(app, client):
    """A bad registration would be half-stored or give no clear reason."""
    data = dict(REGISTRATION, email="bukan-email", phone="12", password="pendek", password_confirm="lain")
    page = client.post("/auth/register", data=data).get_data(as_text=True)
    assert "Masukkan alamat e-mail yang benar" in page
    assert "Masukkan nomor telepon Indonesia" in page
    assert "Kata sandi minimal 8 karakter." in page
    assert db.session.scalar(select(Organization).where(Organization.name == REGISTRATION["organization_name"])) is None


def test_registration_with_a_used_email_answers_like_a_new_one(app, client):
    """The form would tell a stranger which addresses have an account, or make a second account."""
    owner = make_user(Role.FACILITATOR, email="dedi@konveksi.test")
    hash_before = owner.password_hash
    page = client.post("/auth/register", data=REGISTRATION).get_data(as_text=True)
    fresh = client.post("/auth/register", data=dict(REGISTRATION, email="baru@konveksi.test")).get_data(as_text=True)
    assert "Sudah ada akun" not in page
    assert "Pendaftaran diterima" in page
    # The pages differ only in the CSRF token, which is signed with the time of the request.
    token = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')
    assert token.sub(r'\1…"', page) == token.sub(r'\1…"', fresh.replace("baru@konveksi.test", "dedi@konveksi.test"))
    accounts = db.session.scalars(select(User).where(User.email == "dedi@konveksi.test")).all()
    assert [user.id for user in accounts] == [owner.id]
    assert (owner.role, owner.status, owner.password_hash) == (Role.FACILITATOR, UserStatus.ACTIVE, hash_before)
    assert log_in(client, owner).status_code == 302
    organizations = db.session.scalars(
        select(Organization).where(Organization.name == REGISTRATION["organization_name"])
    ).all()
    assert len(organizations) == 1  # only the one registered with the new address
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "registration_email_taken"))
    assert (event.actor_id, event.target_type, event.target_id) == (None, "user", owner.id)


def test_unknown_and_known_addresses_cost_the_same_password_check(app, client, monkeypatch):
    """Login time would tell an attacker which e-mail addresses have an account."""
    import matchmaker.auth.services as account_services

    calls = []
    real_check = account_services.check_password_hash

    def counting_check(stored: str, password: str) -> bool:
        calls.append(stored.split("$")[0])
        return real_check(stored, password)

    monkeypatch.setattr(account_services, "check_password_hash", counting_check)
    user = make_user()
    client.post("/auth/login", data={"email": "nobody@example.test", "password": "salah-sekali"})
    client.post("/auth/login", data={"email": user.email, "password": "salah-sekali"})
    assert calls == [user.password_hash.split("$")[0]] * 2  # one scrypt check each, same parameters


def test_coordinator_approval_lets_the_business_log_in(app, client):
    """An approved business would still be locked out."""
    client.post("/auth/register", data=REGISTRATION)
    organization = db.session.scalar(select(Organization).where(Organization.name == REGISTRATION["organization_name"]))
    coordinator = make_user(Role.COORDINATOR)
    log_in(client, coordinator)
    queue = client.get("/admin/organizations").get_data(as_text=True)
    assert REGISTRATION["organization_name"] in queue
    client.post(f"/admin/organizations/{organization.id}/approve")
    client.post("/auth/logout")
    db.session.refresh(organization)
    assert organization.status == OrgStatus.ACTIVE and organization.is_verified
    response = client.post("/auth/login", data={"email": "dedi@konveksi.test", "password": "jahit-rapi-99"})
    assert response.status_code == 302
    assert "Terverifikasi" in client.get("/home").get_data(as_text=True)


def test_rejected_applicant_reads_the_reason(app, client):
    """A rejected business would never learn why."""
    client.post("/auth/register", data=REGISTRATION)
    organization = db.session.scalar(select(Organization).where(Organization.name == REGISTRATION["organization_name"]))
    log_in(client, make_user(Role.COORDINATOR))
    client.post(f"/admin/organizations/{organization.id}/reject", data={"reason": "Alamat usaha tidak ditemukan"})
    client.post("/auth/logout")
    page = client.post("/auth/login", data={"email": "dedi@konveksi.test", "password": "jahit-rapi-99"})
    assert "Alamat usaha tidak ditemukan" in page.get_data(as_text=True)


def test_coordinator_cannot_review_outside_her_district(app, client):
    """A coordinator could approve partners of another district."""
    organization = make_organization(status=OrgStatus.PENDING)
    coordinator = make_user(Role.COORDINATOR, areas=["32.01.30"])  # only Dramaga
    log_in(client, coordinator)
    assert client.post(f"/admin/organizations/{organization.id}/approve").status_code == 404
    assert organization.name not in client.get("/admin/organizations").get_data(as_text=True)


def test_user_changes_own_password(app, client, login_as):
    """A user could not change her password, or could without knowing the old one."""
    user = login_as(Role.FACILITATOR)
    page = client.post(
        "/auth/password",
        data={"current_password": "salah", "password": "baru-12345", "password_confirm": "baru-12345"},
    ).get_data(as_text=True)
    assert "Kata sandi saat ini tidak benar." in page
    response = client.post(
        "/auth/password",
        data={"current_password": PASSWORD, "password": "baru-12345", "password_confirm": "baru-12345"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("baru-12345")


def test_password_reset_code_works_once(app, client):
    """A forgotten password could not be recovered without e-mail, or a code would work twice."""
    coordinator = make_user(Role.COORDINATOR)
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, coordinator)
    page = client.post(f"/admin/users/{facilitator.id}/reset").get_data(as_text=True)
    code = page.split('data-testid="reset-code">')[1].split("<")[0]
    assert len(code) == 10
    assert db.session.scalar(select(PasswordReset.token_hash)) != code  # stored hashed
    client.post("/auth/logout")
    data = {"code": code.lower(), "password": "lupa-lagi-1", "password_confirm": "lupa-lagi-1"}
    assert client.post("/auth/reset", data=data).status_code == 302
    assert log_in(client, facilitator, "lupa-lagi-1").status_code == 302
    client.post("/auth/logout")
    again = client.post("/auth/reset", data=dict(data, password="x-12345678", password_confirm="x-12345678"))
    assert "Kode ini tidak berlaku" in again.get_data(as_text=True)


def test_expired_reset_code_is_refused(app, client):
    """A reset code found weeks later could still take over an account."""
    coordinator = make_user(Role.COORDINATOR)
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, coordinator)
    page = client.post(f"/admin/users/{facilitator.id}/reset").get_data(as_text=True)
    code = page.split('data-testid="reset-code">')[1].split("<")[0]
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = reset.created_at - dt.timedelta(minutes=1)
    db.session.commit()
    client.post("/auth/logout")
    data = {"code": code, "password": "lupa-lagi-1", "password_confirm": "lupa-lagi-1"}
    assert "Kode ini tidak berlaku" in client.post("/auth/reset", data=data).get_data(as_text=True)


def test_disabled_account_cannot_log_in(app, client):
    """A facilitator who left the programme could still open families' data."""
    coordinator = make_user(Role.COORDINATOR)
    facilitator = make_user(Role.FACILITATOR)
    log_in(client, coordinator)
    client.post(f"/admin/users/{facilitator.id}/status", data={"enable": "0"})
    client.post("/auth/logout")
    page = log_in(client, facilitator).get_data(as_text=True)
    assert "Akun ini telah dinonaktifkan" in page
