"""A facilitator's and a business's first week at 360 px: the next step is where the thumb is."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Match, MatchEvent, MatchStatus, OrgStatus, Role, utcnow
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS, log_in_page, screenshot
from tests.conftest import make_household, make_organization, make_user
from tests.matches.factories import SEWER, make_offer

TAP = 44  # px, the smallest comfortable tap target (WCAG 2.5.5)


def _world() -> dict[str, object]:
    """A facilitator with a new household and one whose introduction waits; a business; a new business."""
    facilitator = make_user(Role.FACILITATOR, name="Bu Nining")
    organization = make_organization(name="Konveksi Bu Ade")
    partner = make_user(Role.BUSINESS, organization=organization, name="Ade")
    offer = make_offer(organization)
    fresh = make_household(facilitator, full_name="Siti Aminah Lestari", **SEWER)
    waiting = make_household(facilitator, full_name="Euis Komariah", **SEWER)
    match = Match(household=waiting, offer=offer, status=MatchStatus.INTRODUCED, consent_at=utcnow(),
                  created_by_id=facilitator.id)
    match.events = [MatchEvent(actor_id=facilitator.id, to_status=MatchStatus.PROPOSED),
                    MatchEvent(actor_id=facilitator.id, from_status=MatchStatus.PROPOSED,
                               to_status=MatchStatus.INTRODUCED)]
    db.session.add(match)
    newcomer = make_user(Role.BUSINESS, organization=make_organization(name="Warung Bu Eti", status=OrgStatus.ACTIVE))
    db.session.commit()
    ids = {"facilitator": facilitator.email, "partner": partner.email, "newcomer": newcomer.email,
           "fresh": fresh.id, "waiting": waiting.id, "match": match.id}
    db.session.remove()
    return ids


def _box(locator) -> dict[str, float]:
    box = locator.bounding_box()
    assert box is not None, "element is not rendered"
    return box


def _assert_tap_target(locator) -> None:
    box = _box(locator)
    assert box["width"] >= TAP and box["height"] >= TAP, f"tap target {box['width']}x{box['height']} px"


def test_facilitator_finds_the_next_step_and_the_menu_on_a_phone(live_server, new_page):
    """At 360 px the household's next step would sit below the fold, or the menu would eat the screen."""
    with live_server.app.app_context():
        ids = _world()
    url = live_server.url
    page = new_page()
    log_in_page(page, url, ids["facilitator"])

    # The bar is one compact row; the current section is named on the menu button.
    header = page.locator("header.topbar")
    assert _box(header)["height"] <= 60
    toggle = page.locator("summary.menu__toggle")
    expect(toggle).to_contain_text("Beranda")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="KPM dampingan")).to_be_hidden()

    # The home list of households without a proposal leads straight to Cari mitra, with 44 px targets.
    unmatched = page.locator("#unmatched")
    _assert_tap_target(unmatched.get_by_role("link", name="Siti Aminah Lestari", exact=True))
    row = unmatched.locator("li", has_text="Siti Aminah Lestari")
    _assert_tap_target(row.get_by_role("link", name=re.compile("^Cari mitra")))
    screenshot(page, "field-week-facilitator-home")

    # Keyboard only: Tab to the menu button, Enter opens it, Enter on a link follows it.
    page.locator("body").focus()
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('menu__toggle')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('menu__toggle')"), "menu button not reachable"
    page.keyboard.press("Enter")
    households_link = menu.get_by_role("link", name="KPM dampingan")
    expect(households_link).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "field-week-menu-open-360.png"))
    households_link.focus()
    page.keyboard.press("Enter")
    expect(page.locator("summary.menu__toggle")).to_contain_text("KPM dampingan")
    assert _box(page.locator("header.topbar"))["height"] <= 60
    # The section's name is shown whole (not cut to "KPM damping…"), and nothing scrolls sideways.
    assert page.locator(".menu__current").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _assert_tap_target(page.get_by_role("link", name="Siti Aminah Lestari", exact=True))

    # Her page: the next step (Cari mitra) is in the first screenful; no green graduate button at 0/100.
    page.get_by_role("link", name="Siti Aminah Lestari", exact=True).click()
    next_step = page.locator("#next-step")
    find = next_step.get_by_role("link", name="Cari mitra")
    expect(find).to_be_visible()
    assert _box(find)["y"] + _box(find)["height"] <= PHONE["height"]
    graduate = page.get_by_role("link", name="Graduasikan keluarga ini")
    expect(graduate).not_to_have_class("button button--primary")
    _assert_tap_target(page.get_by_role("link", name="← KPM dampingan"))
    screenshot(page, "field-week-household")

    # A household whose introduction was sent: the box says who is waited for since when, and what to do.
    page.goto(f"{url}/households/{ids['waiting']}")
    expect(page.locator("#next-step")).to_contain_text("Menunggu jawaban Konveksi Bu Ade")
    page.locator("#next-step").get_by_role("link", name="Buka pencocokan").click()
    waiting = page.locator(".steps")
    expect(waiting).to_contain_text("Menunggu jawaban Konveksi Bu Ade sejak")
    expect(waiting).to_contain_text("carikan mitra lain untuknya jika belum ada jawaban setelah seminggu")
    expect(waiting.get_by_role("link", name="Cari mitra")).to_be_visible()
    expect(page.locator("summary.menu__toggle")).to_contain_text("KPM dampingan")
    _assert_tap_target(page.get_by_role("link", name="← Euis Komariah"))
    screenshot(page, "field-week-match-waiting")


def test_business_home_says_what_waits_and_what_to_publish(live_server, new_page):
    """A business would not see the introduction waiting for it, or a new one where to start."""
    with live_server.app.app_context():
        ids = _world()
    url = live_server.url
    page = new_page()
    log_in_page(page, url, ids["partner"])
    waiting = page.locator("#waiting")
    expect(waiting).to_contain_text("1 perkenalan menunggu jawaban Anda")
    expect(waiting).to_contain_text("menunggu sejak")
    answer = waiting.get_by_role("link", name=re.compile("^Jawab"))
    _assert_tap_target(answer)
    assert _box(answer)["y"] + _box(answer)["height"] <= PHONE["height"]
    screenshot(page, "field-week-business-home")

    newcomer = new_page()
    log_in_page(newcomer, url, ids["newcomer"])
    publish = newcomer.get_by_role("main").get_by_role("link", name="Terbitkan peluang")
    expect(publish).to_be_visible()
    expect(newcomer.get_by_role("main")).to_contain_text("Belum ada yang diterbitkan: terbitkan peluang pertama Anda")
    screenshot(newcomer, "field-week-business-new")
    publish.click()
    expect(newcomer.get_by_role("heading", name="Terbitkan peluang")).to_be_visible()
    expect(newcomer.locator("summary.menu__toggle")).to_contain_text("Peluang")


def test_wide_screen_shows_the_whole_menu_without_a_button(live_server, new_page):
    """On a desktop the menu would hide behind a phone button."""
    with live_server.app.app_context():
        ids = _world()
    page = new_page(DESKTOP)
    log_in_page(page, live_server.url, ids["facilitator"])
    expect(page.locator("summary.menu__toggle")).to_be_hidden()
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="KPM dampingan")).to_be_visible()
    expect(menu.get_by_role("link", name="Beranda")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
