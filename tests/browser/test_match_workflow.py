"""The match workflow on a phone: a facilitator proposes and introduces, a business accepts, she completes it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Match, Role
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer


def test_match_from_find_partners_to_completed_on_a_phone(live_server, new_page):
    """Any step of the journey (propose, consent, introduce, accept, start, complete) would fail at 360 px."""
    with live_server.app.app_context():
        facilitator = make_user(Role.FACILITATOR, name="Bu Nining")
        organization = make_organization(name="Konveksi Bu Ade")
        organization.contact_person = "Ade"
        organization.phone = "+6285711112222"
        partner = make_user(Role.BUSINESS, organization=organization)
        household = make_household(facilitator, full_name="Siti Aminah Lestari", phone="+6281234567890",
                                   address="Kp. Rawa Bebek RT 01/02", **SEWER)
        make_offer(organization, places=2)
        ids = {"household": household.id, "facilitator": facilitator.email, "partner": partner.email}
        db.session.remove()
    url = live_server.url

    pendamping = new_page()
    log_in_page(pendamping, url, ids["facilitator"])
    pendamping.goto(f"{url}/households/{ids['household']}")
    pendamping.get_by_role("main").get_by_role("link", name="Cari mitra").click()
    expect(pendamping.get_by_role("heading", name="Cari mitra untuk Siti Aminah Lestari")).to_be_visible()
    screenshot(pendamping, "workflow-find-partners")
    pendamping.get_by_role("button", name="Usulkan").click()
    expect(pendamping.get_by_role("status").first).to_contain_text("diusulkan")
    pendamping.get_by_role("button", name="Catat persetujuan").click()
    expect(pendamping.get_by_role("status").first).to_contain_text("Persetujuan ibu sudah dicatat")
    pendamping.get_by_role("button", name="Kirim perkenalan").click()
    expect(pendamping.get_by_role("status").first).to_contain_text("Perkenalan sudah dikirim ke mitra")
    match_url = pendamping.url

    usaha = new_page()
    log_in_page(usaha, url, ids["partner"])
    expect(usaha.get_by_role("link", name="Notifikasi 1 belum dibaca")).to_be_visible()
    usaha.locator("summary.menu__toggle").click()  # the phone menu is one button
    usaha.get_by_role("link", name="Perkenalan", exact=True).click()
    expect(usaha.get_by_role("heading", name="Perlu dijawab (1)")).to_be_visible()
    assert "0812" not in usaha.content() and "Rawa Bebek" not in usaha.content()
    usaha.get_by_role("link", name="Jawab").click()
    screenshot(usaha, "workflow-partner-introduction")
    assert "Aminah Lestari" not in usaha.content()
    usaha.get_by_role("button", name="Terima").click()
    expect(usaha.get_by_role("link", name="Kirim pesan WhatsApp ke ibu")).to_have_attribute(
        "href", re.compile(r"^https://wa\.me/6281234567890\?text="))
    expect(usaha.get_by_text("Siti Aminah Lestari")).to_be_visible()
    screenshot(usaha, "workflow-partner-accepted")

    pendamping.goto(f"{url}/notifications/")
    pendamping.get_by_role("link", name="Konveksi Bu Ade menerima Siti Aminah Lestari").click()
    assert pendamping.url == match_url
    expect(pendamping.get_by_role("link", name="Kirim pesan WhatsApp ke mitra")).to_be_visible()
    pendamping.get_by_role("button", name="Mulai pencocokan").click()
    expect(pendamping.get_by_role("status").first).to_contain_text("Pencocokan sudah berjalan")
    pendamping.get_by_text("Catat hasil").click()
    pendamping.get_by_label("Penghasilan bulanannya sekarang (Rupiah)").fill("1500000")
    pendamping.get_by_role("button", name="Tandai selesai").click()
    expect(pendamping.get_by_role("status").first).to_contain_text("pencocokan selesai")
    screenshot(pendamping, "workflow-completed")
    with live_server.app.app_context():
        match = db.session.query(Match).one()
        assert (match.status, match.income_after) == ("completed", 1_500_000)
        assert [e.to_status for e in match.events] == ["proposed", "introduced", "accepted", "started", "completed"]
        db.session.remove()
