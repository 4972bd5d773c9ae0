"""A business registers, is approved, publishes an opportunity; a facilitator finds it misspelled."""

from __future__ import annotations

import re
from urllib.parse import quote

from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Role
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_user


def test_business_publishes_and_facilitator_finds_it_misspelled(live_server, new_page):
    """A new business could not get an opportunity in front of facilitators who mistype its words."""
    with live_server.app.app_context():
        coordinator_email = make_user(Role.COORDINATOR).email
        facilitator_email = make_user(Role.FACILITATOR, name="Rina Pendamping").email
        db.session.remove()

    business = new_page()
    business.goto(f"{live_server.url}/auth/register")
    business.get_by_label("Usaha lokal").check()
    business.get_by_label("Nama usaha atau kantor desa").fill("Konveksi Berkah")
    business.get_by_role("combobox", name="Desa/kelurahan").fill("Sukamaju")
    business.get_by_role("option", name="Sukamaju Cibungbulang, Kab. Bogor, Jawa Barat").click()
    business.get_by_label("Nama Anda").fill("Imas Masitoh")
    business.get_by_label("E-mail").fill("imas@berkah.test")
    business.get_by_label("Telepon / WhatsApp").fill("0813 2222 3333")
    business.get_by_label("Kata sandi", exact=True).fill("kue-enak-2026")
    business.get_by_label("Ulangi kata sandi").fill("kue-enak-2026")
    business.get_by_role("button", name="Kirim pendaftaran").click()
    expect(business.locator("h1")).to_have_text("Pendaftaran diterima")

    coordinator = new_page()
    log_in_page(coordinator, live_server.url, coordinator_email)
    coordinator.locator("summary.menu__toggle").click()  # the phone menu is one button
    coordinator.get_by_role("link", name="Verifikasi mitra").click()
    coordinator.get_by_role("button", name="Setujui Konveksi Berkah").click()
    expect(coordinator.get_by_role("status").first).to_contain_text("sudah terverifikasi")

    log_in_page(business, live_server.url, "imas@berkah.test", "kue-enak-2026")
    business.locator("summary.menu__toggle").click()  # the phone menu is one button
    business.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Peluang").click()
    business.get_by_role("link", name="Terbitkan peluang").click()
    business.get_by_label("Jenis").select_option(label="Lowongan kerja")
    business.get_by_label("Judul").fill("Penjahit gamis borongan")
    business.get_by_label("Deskripsi").fill("Menjahit gamis di rumah, bahan dan pola disediakan.")
    business.get_by_label("Keterampilan yang dibutuhkan atau diajarkan").fill("jahit, obras")
    business.get_by_label("Jumlah tempat").fill("3")
    # The desa picker starts on the business's own desa.
    expect(business.get_by_role("combobox", name="Lokasi kegiatan (desa)")).to_have_value(re.compile("^Sukamaju"))
    business.get_by_label("Bisa dikerjakan dari rumah").check()
    business.get_by_label("Upah atau bantuan (Rupiah)").fill("Rp1.200.000")
    business.get_by_label("Ketentuan pembayaran").fill("per bulan")
    business.get_by_label("Tanggal selesai").fill("2027-06-30")
    screenshot(business, "partners-offer-form")
    business.get_by_role("button", name="Simpan").click()
    expect(business.locator("h1")).to_contain_text("Penjahit gamis borongan")
    expect(business.get_by_text("Rp1.200.000")).to_be_visible()
    screenshot(business, "partners-offer-owner")

    facilitator = new_page()
    log_in_page(facilitator, live_server.url, facilitator_email)
    facilitator.locator("summary.menu__toggle").click()  # the phone menu is one button
    facilitator.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Cari mitra").click()
    facilitator.get_by_role("searchbox", name="Cari").fill("penjhit gamiss")
    facilitator.get_by_role("button", name="Cari").click()
    expect(facilitator.get_by_role("status")).to_have_text("1 hasil")
    screenshot(facilitator, "partners-search")
    facilitator.get_by_role("link", name="Penjahit gamis borongan").click()
    whatsapp = facilitator.get_by_role("link", name="Kirim pesan WhatsApp")
    message = (
        "Halo Imas Masitoh, saya Rina Pendamping, pendamping PKH. Saya melihat “Penjahit gamis borongan” "
        "di Mitra Graduasi dan ingin bertanya apakah masih ada tempat. Terima kasih."
    )
    expect(whatsapp).to_have_attribute("href", "https://wa.me/6281322223333?text=" + quote(message))
    screenshot(facilitator, "partners-offer-facilitator")
