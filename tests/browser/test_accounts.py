"""A person in a real browser: logging in per role, registering a business, switching language."""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import OrgKind, Role
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import PASSWORD, make_organization, make_user

HOME_HEADINGS = {
    Role.FACILITATOR: "Halo,",
    Role.BUSINESS: "Mitra",
    Role.VILLAGE_OFFICE: "Mitra",
    Role.COORDINATOR: "Halo,",
    Role.ADMIN: "Administrasi",
}


def test_each_role_logs_in_and_sees_its_home_page(live_server, new_page):
    """Some role could not log in through the real form, or would land on a broken page."""
    with live_server.app.app_context():
        users = {}
        for role in HOME_HEADINGS:
            organization = None
            if role in Role.PARTNERS:
                kind = OrgKind.BUSINESS if role == Role.BUSINESS else OrgKind.VILLAGE_OFFICE
                organization = make_organization(kind)
            user = make_user(role, organization=organization)
            users[role] = (user.email, user.name)
        db.session.remove()
    for role, (email, _name) in users.items():
        page = new_page()
        log_in_page(page, live_server.url, email)
        expect(page).to_have_url(f"{live_server.url}/home")
        expect(page.locator("h1")).to_contain_text(HOME_HEADINGS[role])
        screenshot(page, f"home-{role}")


def test_business_registers_and_coordinator_approves(live_server, new_page):
    """A new local business could not get from the registration form to a verified account."""
    with live_server.app.app_context():
        coordinator = make_user(Role.COORDINATOR)
        coordinator_email = coordinator.email
        db.session.remove()
    page = new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_role("link", name="Daftar sebagai mitra").click()
    page.get_by_label("Usaha lokal").check()
    page.get_by_label("Nama usaha atau kantor desa").fill("Warung Kue Bu Imas")
    # The combobox role appears once the deferred picker script has run: typing earlier would be missed.
    page.get_by_role("combobox", name="Desa/kelurahan").fill("Sukamaju")
    page.get_by_role("option", name="Sukamaju Cibungbulang, Kab. Bogor, Jawa Barat").click()
    page.get_by_label("Nama Anda").fill("Imas Masitoh")
    page.get_by_label("E-mail").fill("imas@warungkue.test")
    page.get_by_label("Telepon / WhatsApp").fill("0813 2222 3333")
    page.get_by_label("Kata sandi", exact=True).fill("kue-enak-2026")
    page.get_by_label("Ulangi kata sandi").fill("kue-enak-2026")
    screenshot(page, "register-filled")
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expect(page.locator("h1")).to_have_text("Pendaftaran diterima")

    coordinator_page = new_page()
    log_in_page(coordinator_page, live_server.url, coordinator_email)
    coordinator_page.locator("summary.menu__toggle").click()  # the phone menu is one button
    coordinator_page.get_by_role("link", name="Verifikasi mitra").click()
    expect(coordinator_page.get_by_role("heading", name="Warung Kue Bu Imas")).to_be_visible()
    screenshot(coordinator_page, "verification-queue")
    coordinator_page.get_by_role("button", name="Setujui Warung Kue Bu Imas").click()
    expect(coordinator_page.get_by_role("status").first).to_contain_text("sudah terverifikasi")

    log_in_page(page, live_server.url, "imas@warungkue.test", "kue-enak-2026")
    expect(page.locator("h1")).to_have_text("Warung Kue Bu Imas")
    expect(page.get_by_text("Terverifikasi")).to_be_visible()
    screenshot(page, "business-home-verified")


def test_language_switches_to_english_and_back(live_server, new_page):
    """A facilitator who prefers English could not switch, or could not come back."""
    with live_server.app.app_context():
        email = make_user(Role.FACILITATOR).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    expect(page.get_by_role("heading", name="Menuju target 10%")).to_be_visible()
    page.locator("summary.menu__toggle").click()  # the phone menu is one button
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Toward the 10% target")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "home-facilitator-english")
    page.reload()
    expect(page.get_by_role("heading", name="Toward the 10% target")).to_be_visible()
    page.locator("summary.menu__toggle").click()  # the phone menu is one button
    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Menuju target 10%")).to_be_visible()


def test_login_form_works_from_the_keyboard(live_server, new_page):
    """Someone who cannot use a touch screen or mouse could not log in."""
    with live_server.app.app_context():
        email = make_user(Role.FACILITATOR).email
        db.session.remove()
    page = new_page()
    page.goto(f"{live_server.url}/auth/login")
    expect(page.get_by_label("E-mail")).to_be_focused()
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/home")
