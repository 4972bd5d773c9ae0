"""A coordinator proposing matches for a whole kecamatan from a phone."""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Match, Role
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer


def test_coordinator_previews_and_confirms_a_batch_on_a_phone(live_server, new_page):
    """The batch page would be unusable at 360 px, or the CSRF-protected confirmation would fail."""
    with live_server.app.app_context():
        business = make_organization(name="Konveksi Bu Ade")
        make_offer(business, places=2)
        for _ in range(3):
            make_household(None, **SEWER)
        coordinator = make_user(Role.COORDINATOR)
        email = coordinator.email
        db.session.remove()
    page = new_page()
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.locator("summary.menu__toggle").click()  # the phone menu is one button
    page.get_by_role("link", name="Usulan massal").click()
    page.get_by_label("Kecamatan").select_option(value="32.01.16")
    page.get_by_role("button", name="Lihat pratinjau").click()
    expect(page.get_by_role("heading", name="Pratinjau untuk Kec.")).to_be_visible()
    screenshot(page, "matches-batch-preview")
    page.get_by_role("button", name="Buat usulan yang dicentang").first.click()
    expect(page.get_by_role("status")).to_contain_text("2 usulan dibuat")
    with live_server.app.app_context():
        assert db.session.query(Match).count() == 2
        db.session.remove()
