"""The whole journey at 360 px: from finding a partner for a household to her graduation counting toward 10%.

The facilitator searches partners → proposes → records consent → introduces; the business accepts; the
facilitator starts the match → records the outcome → graduates the household; the coordinator approves;
the facilitator's dashboard counts it toward the 10% target. Every step goes through its page.
"""

from __future__ import annotations

from playwright.sync_api import expect

from matchmaker.clock import today as local_today
from matchmaker.extensions import db
from matchmaker.graduation.readiness import add_months
from matchmaker.models import GraduationStatus, HouseholdStatus, MatchStatus, Role
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer


def _nav(page):
    page.locator("summary.menu__toggle").click()  # at 360 px the menu sits behind one button
    return page.get_by_role("navigation", name="Menu utama")


def test_household_goes_from_partner_search_to_approved_graduation_on_a_phone(live_server, new_page):
    """Some step of the road to graduation would be unusable at 360 px, or the graduation would not count."""
    app = live_server.app
    with app.app_context():
        app.config["GRADUATION_UMK"] = 5_000_000
        facilitator = make_user(Role.FACILITATOR, name="Bu Ani")
        coordinator = make_user(Role.COORDINATOR, name="Pak Korkab")
        business = make_organization(name="Konveksi Bu Ade")
        owner = make_user(Role.BUSINESS, name="Bu Ade", organization=business)
        offer = make_offer(business, title="Penjahit gamis borongan", places=2)
        household = make_household(facilitator, full_name="Siti Aminah", has_savings=True, components={"anak_sd": 1},
                                   **SEWER)
        # Nine more households: a caseload of ten, so the 10% target is one graduation.
        for _ in range(9):
            make_household(facilitator)
        ids = {"household": household.id, "offer": offer.id}
        emails = {"facilitator": facilitator.email, "coordinator": coordinator.email, "business": owner.email}
        started_on = add_months(local_today(), -7)
        db.session.remove()

    # The facilitator finds partners for Siti and proposes the sewing job.
    her = new_page()
    log_in_page(her, live_server.url, emails["facilitator"])
    expect(her.get_by_text("0 dari 1 KPM graduasi tahun ini (0%)")).to_be_visible()
    _nav(her).get_by_role("link", name="KPM dampingan").click()
    her.get_by_role("link", name="Siti Aminah", exact=True).click()
    her.locator("#next-step").get_by_role("link", name="Cari mitra").click()
    expect(her.get_by_role("heading", name="Cari mitra untuk Siti Aminah")).to_be_visible()
    screenshot(her, "graduation-journey-1-find")
    her.get_by_role("button", name="Usulkan").click()
    # She asks Siti, records her consent, and introduces her.
    her.get_by_role("button", name="Catat persetujuan").click()
    expect(her.get_by_role("status").first).to_contain_text("Persetujuan")
    her.get_by_role("button", name="Kirim perkenalan").click()
    expect(her.get_by_role("heading", name="Penjahit gamis borongan")).to_contain_text("Diperkenalkan")
    match_url = her.url

    # The business accepts the introduction from its inbox.
    partner = new_page()
    log_in_page(partner, live_server.url, emails["business"])
    _nav(partner).get_by_role("link", name="Perkenalan").click()
    partner.get_by_role("link", name="Jawab").first.click()
    screenshot(partner, "graduation-journey-2-partner-answers")
    partner.get_by_role("button", name="Terima").click()
    expect(partner.get_by_role("heading", name="Penjahit gamis borongan")).to_contain_text("Diterima")

    # The facilitator starts the match (Siti began seven months ago) and records the outcome.
    her.goto(match_url)
    her.get_by_label("Tanggal mulai").fill(started_on.isoformat())
    her.get_by_role("button", name="Mulai pencocokan").click()
    expect(her.get_by_role("heading", name="Penjahit gamis borongan")).to_contain_text("Berjalan")
    her.get_by_text("Catat hasil").click()
    her.get_by_label("Penghasilan bulanannya sekarang (Rupiah)").fill("5500000")
    her.get_by_role("button", name="Tandai selesai").click()
    expect(her.get_by_role("heading", name="Penjahit gamis borongan")).to_contain_text("Selesai")

    # She graduates Siti: the checklist says ready, and she sends the record to the coordinator.
    her.get_by_role("link", name="← Siti Aminah").click()
    expect(her.locator("#graduation")).to_contain_text("Siap graduasi sejahtera mandiri")
    her.locator("#graduation").scroll_into_view_if_needed()
    screenshot(her, "graduation-journey-3-household")
    her.get_by_role("link", name="Graduasikan keluarga ini").click()
    expect(her.get_by_text("Skor kesiapan: 70 dari 100")).to_be_visible()  # income, livelihood, savings
    expect(her.get_by_label("Graduasi sejahtera mandiri")).to_be_checked()
    her.get_by_label("Bukti").fill("Penghasilan Rp5,5 juta/bulan dari Konveksi Bu Ade selama 7 bulan.")
    screenshot(her, "graduation-journey-4-graduate")
    her.get_by_role("button", name="Kirim untuk disetujui").click()
    expect(her.get_by_role("status").first).to_contain_text("Graduasi dikirim ke koordinator")

    # The coordinator approves it from her queue.
    boss = new_page()
    log_in_page(boss, live_server.url, emails["coordinator"])
    expect(boss.get_by_text("1 graduasi menunggu persetujuan Anda.")).to_be_visible()
    _nav(boss).get_by_role("link", name="Graduasi", exact=True).click()
    boss.get_by_role("link", name="Siti Aminah", exact=True).click()
    screenshot(boss, "graduation-journey-5-approve")
    boss.get_by_role("button", name="Setujui graduasi").click()
    expect(boss.get_by_role("status").first).to_contain_text("Siti Aminah sudah graduasi")
    _nav(boss).get_by_role("link", name="Beranda").click()
    expect(boss.get_by_role("table").first).to_contain_text("Bu Ani")
    screenshot(boss, "graduation-journey-6-coordinator-dashboard")

    # Her dashboard counts Siti toward the 10% target.
    _nav(her).get_by_role("link", name="Beranda").click()
    expect(her.get_by_text("1 dari 1 KPM graduasi tahun ini (100%)")).to_be_visible()
    screenshot(her, "graduation-journey-7-dashboard")

    with app.app_context():
        from matchmaker.models import GraduationRecord, Household, Match

        saved = db.session.get(Household, ids["household"])
        assert saved.status == HouseholdStatus.GRADUATED
        match = db.session.query(Match).filter_by(household_id=ids["household"], offer_id=ids["offer"]).one()
        assert (match.status, match.started_on, match.income_after) == (MatchStatus.COMPLETED, started_on, 5_500_000)
        record = db.session.query(GraduationRecord).filter_by(household_id=ids["household"]).one()
        assert record.status == GraduationStatus.APPROVED
        assert len(record.checkins) == 3
        db.session.remove()
