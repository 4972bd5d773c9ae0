"""The desa picker in a real browser at phone width: typing, the keyboard, and the page without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Organization
from tests.browser.conftest import PHONE, screenshot
from tests.conftest import SUKAMAJU


def _fill_rest_of_registration(page, email: str) -> None:
    page.get_by_label("Usaha lokal").check()
    page.get_by_label("Nama usaha atau kantor desa").fill("Kerupuk Bu Enok")
    page.get_by_label("Nama Anda").fill("Enok Sumiati")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill("kerupuk-renyah-7")
    page.get_by_label("Ulangi kata sandi").fill("kerupuk-renyah-7")


def test_picker_is_driven_by_keyboard_at_phone_width(live_server, new_page):
    """At 360 px, typing a village and choosing it with the arrow keys and Enter would not set its code."""
    page = new_page()
    page.goto(f"{live_server.url}/auth/register")
    box = page.get_by_role("combobox", name="Desa/kelurahan")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.click()
    page.keyboard.type("Sukamaju")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("Sukamaju")
    texts = options.all_inner_texts()
    target = next(i for i, text in enumerate(texts) if "Cibungbulang" in text)
    for _ in range(target + 1):
        page.keyboard.press("ArrowDown")
    expect(options.nth(target)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", f"desa_name-option-{target}")
    screenshot(page, "region-picker-open")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat")
    expect(page.locator("#desa_code")).to_have_value(SUKAMAJU)
    expect(page.get_by_role("status").filter(has_text="Dipilih")).to_have_count(1)
    screenshot(page, "region-picker-chosen")

    page.keyboard.type("x")  # editing the name forgets the picked code
    expect(page.locator("#desa_code")).to_have_value("")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    expect(box).to_have_value("")


def test_picker_result_registers_the_business(live_server, new_page):
    """A village chosen in the picker would not be the one the registration is filed under."""
    page = new_page()
    page.goto(f"{live_server.url}/auth/register")
    _fill_rest_of_registration(page, "enok@kerupuk.test")
    page.get_by_role("combobox", name="Desa/kelurahan").fill("Soekamadjoe, Tjiboeng")
    page.get_by_role("option").first.click()
    expect(page.locator("#desa_code")).to_have_value(SUKAMAJU)
    page.get_by_role("button", name="Kirim pendaftaran").click()
    expect(page.locator("h1")).to_have_text("Pendaftaran diterima")
    with live_server.app.app_context():
        organization = db.session.scalar(select(Organization).where(Organization.name == "Kerupuk Bu Enok"))
        assert organization.desa_code == SUKAMAJU
        db.session.remove()


def test_registration_works_without_javascript(live_server, browser):
    """On a phone with JavaScript off, a business could not register its village."""
    context = browser.new_context(viewport=PHONE, locale="id-ID", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/auth/register")
        _fill_rest_of_registration(page, "nojs@kerupuk.test")
        page.get_by_label("Desa/kelurahan").fill("Sukamaju")
        page.get_by_role("button", name="Kirim pendaftaran").click()
        expect(page.get_by_role("alert").filter(has_text="Kami belum bisa memastikan")).to_be_visible()
        screenshot(page, "region-picker-nojs-ambiguous")
        page.get_by_label("Desa/kelurahan").fill("Sukamaju, Cibungbulang")
        page.get_by_label("Kata sandi", exact=True).fill("kerupuk-renyah-7")
        page.get_by_label("Ulangi kata sandi").fill("kerupuk-renyah-7")
        page.get_by_role("button", name="Kirim pendaftaran").click()
        expect(page.locator("h1")).to_have_text("Pendaftaran diterima")
    finally:
        context.close()
