"""A first field week at 360 px: the coordinator's batch preview, accounts and area picker; the letter; approvals."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.graduation import services as graduation
from matchmaker.models import HouseholdStatus, Match, MatchEvent, MatchStatus, Role, User, utcnow
from matchmaker.phones import normalize_phone
from tests.browser.conftest import PHONE, log_in_page, screenshot
from tests.conftest import DRAMAGA, SUKAMAJU, make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer


def _scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_batch_preview_is_paged_untickable_and_its_button_is_at_the_top(live_server, new_page):
    """The coordinator would scroll a 21,000 px page to a single all-or-nothing button at 360 px."""
    with live_server.app.app_context():
        offer = make_offer(make_organization(name="Konveksi Bu Ade"), places=30)
        for number in range(26):
            make_household(None, full_name=f"Euis Kurniasih {number}", **SEWER)
        email = make_user(Role.COORDINATOR).email
        offer_id = offer.id
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.goto(f"{live_server.url}/matches/batch")
    page.get_by_label("Kecamatan").select_option(value="32.01.16")
    page.get_by_role("button", name="Lihat pratinjau").click()
    expect(page.get_by_text("26 ibu mendapat usulan")).to_be_visible()
    top_button = page.get_by_role("button", name="Buat usulan yang dicentang").first
    box = top_button.bounding_box()
    assert box is not None and box["y"] + box["height"] < 3 * PHONE["height"], box
    assert page.evaluate("document.documentElement.scrollHeight") < 12_000
    assert _scroll_width(page) <= 360
    boxes = page.get_by_role("checkbox")
    expect(boxes).to_have_count(20)
    screenshot(page, "field-week-batch-preview")
    boxes.nth(1).uncheck()
    top_button.click()
    expect(page.get_by_role("status").first).to_contain_text("19 usulan dibuat")
    with live_server.app.app_context():
        assert db.session.query(Match).filter_by(offer_id=offer_id).count() == 19
        db.session.remove()
    # What is left is proposed again on a fresh preview: the unticked woman and the six of page 2.
    expect(page.get_by_text("7 ibu mendapat usulan")).to_be_visible()


def test_accounts_page_fits_360_px(live_server, new_page):
    """At 360 px the Status and Actions columns of the accounts page would be off-screen."""
    with live_server.app.app_context():
        for number in range(4):
            make_user(Role.FACILITATOR, name=f"Pendamping Dengan Nama Panjang Sekali {number}",
                      email=f"pendamping.dengan.alamat.panjang.{number}@kemensos.example.test")
        make_user(Role.BUSINESS, organization=make_organization(name="Konveksi Bu Ade"))
        email = make_user(Role.COORDINATOR).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.goto(f"{live_server.url}/admin/users")
    expect(page.get_by_role("heading", name="Akun")).to_be_visible()
    assert _scroll_width(page) <= 360
    disable = page.get_by_role("button", name="Nonaktifkan Pendamping Dengan Nama Panjang Sekali 0")
    box = disable.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    screenshot(page, "field-week-accounts")


def test_areas_are_assigned_with_the_region_picker(live_server, new_page):
    """The coordinator would pick areas from a 475-item multi-select on a phone."""
    with live_server.app.app_context():
        email = make_user(Role.COORDINATOR).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.goto(f"{live_server.url}/admin/users/new")
    expect(page.locator("select[multiple]")).to_have_count(0)
    page.get_by_label("Nama lengkap").fill("Rina Marlina")
    page.get_by_label("E-mail").fill("rina@example.test")
    first = page.get_by_role("combobox", name="Wilayah tugas 1")
    first.fill("Sukamaju")
    page.get_by_role("option", name="Sukamaju Cibungbulang, Kab. Bogor, Jawa Barat").click()
    second = page.get_by_role("combobox", name="Wilayah tugas 2")
    second.fill("Dramaga")
    page.get_by_role("listbox").get_by_role("option").filter(has_text="Kab. Bogor").first.wait_for()
    options = page.get_by_role("listbox").get_by_role("option")
    texts = options.all_inner_texts()
    options.nth(next(i for i, text in enumerate(texts) if text.startswith("Dramaga") and "Jawa Barat" in text
                     and text.count(",") == 1)).click()
    page.get_by_label("Kata sandi awal").fill("mulai-12345")
    assert _scroll_width(page) <= 360
    screenshot(page, "field-week-area-picker")
    page.get_by_role("button", name="Buat akun", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text("Rina Marlina")
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == "rina@example.test"))
        assert sorted(user.area_codes) == sorted([SUKAMAJU, DRAMAGA])
        db.session.remove()


def test_letter_prints_without_the_page_tools_and_contact_offers_a_call_first(live_server, new_page):
    """The letter would print the app's links, or a partner would only see WhatsApp for a woman without a smartphone."""
    with live_server.app.app_context():
        facilitator = make_user(Role.FACILITATOR, name="Nining Suryani")
        facilitator.phone = normalize_phone("0813 9999 8888")
        organization = make_organization(name="Konveksi Bu Ade")
        organization.contact_person, organization.phone = "Ade", normalize_phone("0857 1111 2222")
        partner = make_user(Role.BUSINESS, organization=organization)
        household = make_household(facilitator, full_name="Euis Kurniasih", phone=normalize_phone("0812 3456 7890"),
                                   constraints=["no_smartphone"], **SEWER)
        match = Match(household=household, offer=make_offer(organization), status=MatchStatus.ACCEPTED,
                      consent_at=utcnow(), created_by_id=facilitator.id)
        for before, after in ((None, MatchStatus.PROPOSED), (MatchStatus.PROPOSED, MatchStatus.INTRODUCED),
                              (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED)):
            match.events.append(MatchEvent(actor_id=facilitator.id, from_status=before, to_status=after))
        db.session.add(match)
        db.session.commit()
        match_id, partner_email, facilitator_email = match.id, partner.email, facilitator.email
        db.session.remove()
    business = new_page()
    log_in_page(business, live_server.url, partner_email)
    business.goto(f"{live_server.url}/matches/{match_id}")
    call = business.get_by_role("link", name="Telepon ibu")
    expect(call).to_have_attribute("href", "tel:+6281234567890")
    expect(call).to_have_class("button button--primary")
    expect(business.get_by_role("link", name="Kirim SMS ke ibu")).to_have_attribute("href", "sms:+6281234567890?body="
                                                                                    + business.get_by_role(
        "link", name="Kirim pesan WhatsApp ke ibu").get_attribute("href").split("?text=")[1])
    assert _scroll_width(business) <= 360
    screenshot(business, "field-week-partner-contact")

    page = new_page()
    log_in_page(page, live_server.url, facilitator_email)
    page.goto(f"{live_server.url}/matches/{match_id}")
    page.get_by_role("link", name="Surat perkenalan untuk dicetak").click()
    expect(page.get_by_role("heading", name="Surat perkenalan")).to_be_visible()
    expect(page.get_by_text("Euis Kurniasih").first).to_be_visible()
    expect(page.get_by_role("button", name="Cetak surat")).to_be_visible()
    assert _scroll_width(page) <= 360
    screenshot(page, "field-week-letter")
    page.emulate_media(media="print")
    expect(page.locator(".letter-tools")).to_be_hidden()
    expect(page.get_by_text("Nining Suryani").first).to_be_visible()
    screenshot(page, "field-week-letter-print")


def test_approval_of_an_unready_graduation_shows_what_fails_and_asks_why(live_server, new_page):
    """A 0/100 graduation would be approved in one tap without seeing the failing required items."""
    with live_server.app.app_context():
        facilitator = make_user(Role.FACILITATOR)
        household = make_household(facilitator, full_name="Euis Kurniasih", status=HouseholdStatus.IN_PROGRESS,
                                   components={"anak_sd": 1})
        record = graduation.submit(facilitator, household, graduation.SubmissionData(
            graduation_type="sejahtera_mandiri", graduated_on=graduation.today(),
            evidence="Warung kelontong berjalan 5 bulan.", confirm_not_ready=True))
        record_id = record.id
        email = make_user(Role.COORDINATOR).email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.goto(f"{live_server.url}/graduation/records/{record_id}")
    expect(page.get_by_text("2 butir wajib pada daftar periksa tidak terpenuhi")).to_be_visible()
    assert _scroll_width(page) <= 360
    screenshot(page, "field-week-approval")
    page.get_by_role("button", name="Tetap setujui").click()
    expect(page.get_by_text("tulis alasan Anda tetap menyetujuinya").first).to_be_visible()
    page.get_by_label("Alasan tetap menyetujui walau butir wajib tidak terpenuhi").fill(
        "Suaminya kini bekerja tetap; survei desa menguatkan.")
    page.get_by_role("button", name="Tetap setujui").click()
    expect(page.get_by_role("status").first).to_contain_text("Euis Kurniasih")
