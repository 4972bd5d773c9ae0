"""A whole day without signal (issue 17 §4): kept pages and the outbox together, from login to logout."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import HomeVisit
from tests.browser.conftest import log_in_page, screenshot
from tests.browser.test_offline_outbox import _facilitator_with_household, _household
from tests.browser.test_offline_reading import FILLED, MG_NAMES

WAITING_NONE = "Tidak ada yang menunggu dikirim."


def test_visit_and_edit_made_on_kept_pages_survive_a_reload_and_reach_the_server_once(live_server, new_page):
    """At a door without signal she could not open her kept pages, lost what she wrote on reload, or sent it twice."""
    email, household_id = _facilitator_with_household(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, email)
    page.wait_for_function(FILLED, timeout=30_000)

    page.context.set_offline(True)
    page.goto(f"{base}/households/")
    expect(page.locator("#mg-offline-banner")).to_be_visible()
    page.get_by_role("link", name="Siti Aminah").click()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siti Aminah")
    count = page.locator("[data-outbox-count]")
    expect(count).to_have_text(WAITING_NONE)
    page.get_by_label("Catatan").fill("Pesanan kue naik, butuh oven.")
    page.get_by_role("button", name="Catat kunjungan").click()
    expect(count).to_have_text("Menunggu dikirim: 1")

    page.goto(f"{base}/households/{household_id}/edit")
    expect(page.locator("#mg-offline-banner")).to_be_visible()
    page.get_by_label("Minat").fill("membuat kue")
    page.get_by_label("Jam kerja yang bisa ia berikan per minggu").fill("18")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(count).to_have_text("Menunggu dikirim: 2")
    # A reload without signal loses nothing: the queue lives in IndexedDB, the page in Cache Storage.
    page.reload()
    expect(page.locator("[data-outbox-count]")).to_have_text("Menunggu dikirim: 2")
    screenshot(page, "offline-end-to-end-queued")

    # Logging out now would erase what waits: the first press warns, and nothing is erased.
    page.locator("summary.menu__toggle").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_text("2 tindakan belum terkirim.", exact=False)).to_be_visible()
    assert any(name.startswith("mg-outbox-") for name in page.evaluate(MG_NAMES)["dbs"])
    with live_server.app.app_context():
        assert db.session.scalar(select(HomeVisit)) is None
        db.session.remove()

    page.context.set_offline(False)
    expect(page.locator("[data-outbox-count]")).to_have_text(WAITING_NONE, timeout=15_000)
    with live_server.app.app_context():
        assert [visit.notes for visit in db.session.scalars(select(HomeVisit))] == ["Pesanan kue naik, butuh oven."]
        db.session.remove()
    household = _household(live_server.app, household_id)
    assert (household.interests, household.hours_per_week) == ("membuat kue", 18)

    # With nothing waiting, logging out goes through at once and clears the phone.
    page.goto(f"{base}/home")
    page.locator("summary.menu__toggle").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    page.wait_for_function("() => document.body.dataset.mgCleared === '1'")
    assert page.evaluate(MG_NAMES) == {"caches": [], "dbs": []}
    with live_server.app.app_context():
        assert len(list(db.session.scalars(select(HomeVisit)))) == 1
