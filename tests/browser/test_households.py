"""A facilitator on a 360 px phone: registers a household with the desa picker, imports a filled template."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.households.importer import template_workbook
from matchmaker.models import Role
from matchmaker.reference.skills import load_skills
from tests.browser.conftest import log_in_page, screenshot
from tests.conftest import make_user


def _filled_template(path) -> None:
    """The downloadable template with its example row replaced by three households."""
    workbook = load_workbook(io.BytesIO(template_workbook()))
    sheet = workbook.active
    sheet.delete_rows(2)
    rows = [
        ["3201165203850002", "", "Imas Masitoh", "12/03/1985", "0813-1111-2222", "Kp. Pasir", "Sukamaju",
         "Cibungbulang", "Kab. Bogor", "Anak SD 1", "bikin kue", "", "", "", "usaha sendiri", 20, "desa", "ya",
         "mengasuh anak", "oven"],
        ["3201164107900003", "", "Entin Suryani", "01-07-1990", "", "", "Tjibatok II", "Cibungbulang", "",
         "Lansia 1", "jahit", "", "", "", "keduanya", "", "kecamatan", "tidak", "", ""],
        ["3201169999900004", "", "Salah Tanggal", "01/01/1990", "", "", "Galuga", "", "", "", "", "", "", "",
         "", "", "", "", "", ""],
    ]
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def test_facilitator_adds_a_household_and_imports_a_sheet_on_a_phone(live_server, new_page, tmp_path):
    """On her phone a facilitator could not register a family with the desa picker or import her sheet."""
    with live_server.app.app_context():
        load_skills(db.session)
        db.session.commit()
        facilitator = make_user(Role.FACILITATOR, name="Bu Ani")
        email = facilitator.email
        db.session.remove()
    page = new_page()
    log_in_page(page, live_server.url, email)
    page.locator("summary.menu__toggle").click()  # the phone menu is one button
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="KPM dampingan").click()
    page.get_by_role("link", name="Tambah KPM").click()
    page.get_by_label("Nama lengkap").fill("Siti Aminah")
    page.get_by_label("NIK", exact=True).fill("3201164502900001")
    page.get_by_label("Tanggal lahir").fill("1990-02-05")
    page.get_by_label("Telepon / WhatsApp").fill("0812 3456 7890")
    picker = page.get_by_role("combobox", name="Desa/kelurahan")
    picker.fill("Sukam")
    page.get_by_role("option").filter(has_text="Sukamaju").first.click()
    page.get_by_label("Anak SD").fill("2")
    page.get_by_label("Keterampilan", exact=True).fill("jahit baju, bikin kue")
    page.get_by_role("button", name="Sarankan keterampilan").click()
    expect(page.get_by_role("group", name="Keterampilan yang dikenali")).to_be_visible()
    page.get_by_label("Usaha sendiri").check()
    page.get_by_label("Mengasuh anak kecil").check()
    page.get_by_label("Mesin jahit").check()
    screenshot(page, "household-form")
    page.get_by_role("button", name="Simpan").last.click()
    expect(page.locator("h1")).to_contain_text("Siti Aminah")
    expect(page.get_by_text("3201164502900001")).to_be_visible()
    expect(page.get_by_text("Sukamaju, Cibungbulang")).to_be_visible()
    screenshot(page, "household-detail")

    page.get_by_role("link", name="KPM dampingan").first.click()
    expect(page.get_by_text("••••••••••••0001")).to_be_visible()
    page.get_by_role("link", name="Impor berkas").click()
    sheet = tmp_path / "kpm.xlsx"
    _filled_template(sheet)
    page.get_by_label("Berkas (.xlsx atau .csv, maksimal 10 MB)").set_input_files(str(sheet))
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.locator("h1")).to_have_text("Pratinjau impor")
    expect(page.get_by_text("Baris 4", exact=False)).to_be_visible()
    expect(page.get_by_text("Digit 7–12 NIK bukan tanggal", exact=False)).to_be_visible()
    screenshot(page, "household-import-preview")
    page.get_by_role("button", name="Impor 2 baris").click()
    expect(page.get_by_role("status").first).to_contain_text("2 ditambahkan")
    expect(page.get_by_role("link", name="Unduh baris yang ditolak (.xlsx)")).to_be_visible()
    screenshot(page, "household-import-result")
    page.get_by_role("link", name="Ke daftar KPM dampingan").click()
    expect(page.get_by_role("link", name="Entin Suryani")).to_be_visible()
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
