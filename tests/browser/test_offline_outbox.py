"""Without signal in a real browser: a visit and a profile edit wait on the phone, then reach the server once."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import HomeVisit, Household, Role
from matchmaker.reference.skills import load_skills
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_household, make_user

READ_OUTBOX = """async (name) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const items = await new Promise((resolve) => {
    const request = db.transaction("actions").objectStore("actions").getAll();
    request.onsuccess = () => resolve(request.result);
  });
  db.close();
  return JSON.stringify(items);
}"""


def _facilitator_with_household(app) -> tuple[str, int]:
    """A facilitator and one household of hers whose profile the edit form accepts as stored."""
    with app.app_context():
        load_skills(db.session)
        db.session.commit()
        facilitator = make_user(Role.FACILITATOR, name="Bu Ani")
        household = make_household(facilitator, full_name="Siti Aminah", travel_range="desa",
                                   interests="menjahit", hours_per_week=10)
        nik = household.nik  # digits 7-12: her birth date, the day plus 40 for a woman
        household.birth_date = dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
        db.session.commit()
        result = facilitator.email, household.id
        db.session.remove()
    return result


def _household(app, household_id: int) -> Household:
    with app.app_context():
        household = db.session.get(Household, household_id)
        db.session.expunge(household)
        return household


def test_visit_and_profile_edit_made_offline_are_sent_when_the_signal_returns(live_server, new_page):
    """At a door without signal the facilitator's visit and profile edit would be lost, or not sent once back online."""
    email, household_id = _facilitator_with_household(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, email)
    page.goto(f"{base}/households/{household_id}")
    count = page.locator("[data-outbox-count]")
    expect(count).to_have_text("Tidak ada yang menunggu dikirim.")
    edit = page.context.new_page()  # her profile form, opened while there was signal
    edit.goto(f"{base}/households/{household_id}/edit")

    page.context.set_offline(True)
    # What needs the server says so instead of failing.
    page.get_by_role("link", name="Cari mitra").first.click()
    expect(page.get_by_text("Perlu sinyal: lakukan saat online.")).to_be_visible()
    expect(page).to_have_url(f"{base}/households/{household_id}")

    page.get_by_label("Catatan").fill("Usaha kue jalan, pesanan naik menjelang lebaran.")
    page.get_by_label("Apa yang berubah (boleh kosong)").fill("Beli oven baru.")
    page.get_by_role("button", name="Catat kunjungan").click()
    expect(page.get_by_text("Tersimpan di ponsel ini: akan dikirim saat ada sinyal.")).to_be_visible()
    expect(count).to_have_text("Menunggu dikirim: 1")

    edit.get_by_label("Minat").fill("menjahit, membuat kue")
    edit.get_by_label("Jam kerja yang bisa ia berikan per minggu").fill("25")
    edit.get_by_role("button", name="Simpan", exact=True).click()
    expect(edit.locator("[data-outbox-count]")).to_have_text("Menunggu dikirim: 2")
    expect(count).to_have_text("Menunggu dikirim: 2")
    screenshot(page, "offline-outbox-queued")
    edit.close()
    # What waits on the phone is in her own IndexedDB database, without the full NIK she did not change.
    name = "mg-outbox-" + page.locator("[data-outbox]").get_attribute("data-user")
    stored = page.evaluate(READ_OUTBOX, name)
    assert "Beli oven baru." in stored and "menjahit, membuat kue" in stored
    assert _household(live_server.app, household_id).nik not in stored
    with live_server.app.app_context():
        assert db.session.scalar(select(HomeVisit)) is None

    page.context.set_offline(False)
    expect(count).to_have_text("Tidak ada yang menunggu dikirim.", timeout=15_000)
    with live_server.app.app_context():
        visits = list(db.session.scalars(select(HomeVisit)))
        assert [(visit.notes, visit.changes) for visit in visits] == [
            ("Usaha kue jalan, pesanan naik menjelang lebaran.", "Beli oven baru.")]
        db.session.remove()
    household = _household(live_server.app, household_id)
    assert (household.interests, household.hours_per_week) == ("menjahit, membuat kue", 25)
    # With nothing waiting there is no "Kirim sekarang" to press, and a reload sends nothing again.
    expect(page.get_by_role("button", name="Kirim sekarang")).to_be_hidden()
    page.reload()
    expect(page.get_by_text("Usaha kue jalan, pesanan naik menjelang lebaran.")).to_be_visible()
    with live_server.app.app_context():
        assert len(list(db.session.scalars(select(HomeVisit)))) == 1
    # With signal the same form is sent as usual (after a quick check that the server answers).
    page.get_by_label("Catatan").fill("Kunjungan kedua, dengan sinyal.")
    page.get_by_role("button", name="Catat kunjungan").click()
    expect(page.get_by_text("Kunjungan sudah dicatat.")).to_be_visible()
    expect(page.get_by_text("Kunjungan kedua, dengan sinyal.")).to_be_visible()
    expect(count).to_have_text("Tidak ada yang menunggu dikirim.")


def test_conflicting_offline_edit_is_resolved_field_by_field(live_server, new_page):
    """An offline edit would overwrite a change made on the server meanwhile, or she could not choose what to keep."""
    email, household_id = _facilitator_with_household(live_server.app)
    base = live_server.url
    page = new_page()
    log_in_page(page, base, email)
    page.goto(f"{base}/households/{household_id}/edit")
    page.context.set_offline(True)
    # "Sarankan keterampilan" needs the server: offline it says so and queues nothing.
    page.get_by_role("button", name="Sarankan keterampilan").click()
    expect(page.get_by_text("Perlu sinyal: lakukan saat online.")).to_be_visible()
    expect(page.locator("[data-outbox-count]")).to_have_text("Tidak ada yang menunggu dikirim.")
    page.get_by_label("Minat").fill("membuat kue")
    page.get_by_role("button", name="Simpan", exact=True).click()
    count = page.locator("[data-outbox-count]")
    expect(count).to_have_text("Menunggu dikirim: 1")
    # Meanwhile the profile changes on the server (her other phone, an import).
    with live_server.app.app_context():
        household = db.session.get(Household, household_id)
        household.interests = "berdagang sayur"
        household.hours_per_week = 30
        db.session.commit()
        db.session.remove()

    page.context.set_offline(False)
    page.get_by_role("button", name="Kirim sekarang").click()
    item = page.locator("[data-outbox-item='conflict']")
    expect(item).to_contain_text("sudah diubah di server: pilih yang disimpan")
    expect(count).to_have_text("Menunggu dikirim: 1")
    household = _household(live_server.app, household_id)
    assert (household.interests, household.hours_per_week) == ("berdagang sayur", 30)

    item.get_by_role("link", name="Pilih yang disimpan").click()
    expect(page.get_by_role("heading", name="Pilih yang disimpan")).to_be_visible()
    interests = page.get_by_role("group", name="Minat")
    expect(interests.get_by_role("radio", name="Versi Anda: membuat kue")).to_be_checked()
    hours = page.get_by_role("group", name="Jam kerja yang bisa ia berikan per minggu")
    expect(hours.get_by_role("radio", name="Versi di server: 30")).to_be_checked()
    screenshot(page, "offline-conflict")
    # With the keyboard: keep the server's interests after all.
    interests.get_by_role("radio", name="Versi Anda: membuat kue").focus()
    page.keyboard.press("ArrowDown")
    expect(interests.get_by_role("radio", name="Versi di server: berdagang sayur")).to_be_checked()
    interests.get_by_role("radio", name="Versi Anda: membuat kue").check()
    page.get_by_role("button", name="Simpan pilihan saya").click()
    expect(page.get_by_text("Pilihan Anda sudah disimpan.")).to_be_visible()
    household = _household(live_server.app, household_id)
    assert (household.interests, household.hours_per_week) == ("membuat kue", 30)
    # The outbox hears that its edit is settled (it tries again as the page loads) and lets it go:
    # nothing waits, so there is nothing to send either.
    expect(count).to_have_text("Tidak ada yang menunggu dikirim.")
    expect(page.get_by_role("button", name="Kirim sekarang")).to_be_hidden()
