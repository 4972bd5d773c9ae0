"""The household pages: the profile form, privacy of NIK and phone, export, and the web import."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.i18n import format_date
from matchmaker.models import AuditEvent, Household, HouseholdEvent, HouseholdImport, Role
from tests.conftest import log_in, make_user
from tests.households.messy import messy_workbook

FORM = {
    "full_name": "Imas Masitoh", "nik": "3201 1652 0385 0002", "birth_date": "1985-03-12", "phone": "0813-1111-2222",
    "desa": "Sukamaju", "desa_code": "", "components-anak_sd": "2", "components-lansia": "1",
    "skills_text": "jahit baju", "work_preference": "own_business", "travel_range": "kecamatan",
    "hours_per_week": "20", "constraints": ["childcare"], "assets": ["sewing_machine"],
    "other_assets": "Etalase, perahu",
    "income_bracket": "lt_1jt", "status": "active", "submit": "1",
}


def _errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return dict(re.findall(r'id="([\w-]+)-error" role="alert"><span aria-hidden="true">⚠</span> (.*?)</p>', html))


def test_facilitator_creates_a_household_through_the_form(caseload, client):
    """A facilitator could not register a family, or its profile would be stored wrongly."""
    log_in(client, caseload["facilitator"])
    response = client.post("/households/new", data=FORM)
    assert response.status_code == 302, _errors(response)
    household = db.session.scalar(select(Household).where(Household.nik == "3201165203850002"))
    assert household.facilitator_id == caseload["facilitator"].id
    assert household.desa_code == "32.01.16.2013"
    assert household.phone == "+6281311112222"
    assert household.components == {"anak_sd": 2, "lansia": 1}
    assert household.assets == ["sewing_machine", "display_case"] and household.assets_text == "perahu"
    assert household.constraints == ["childcare"]
    assert db.session.scalar(select(HouseholdEvent.action).where(HouseholdEvent.household_id == household.id)) == (
        "created"
    )


def test_errors_are_shown_next_to_their_fields_in_indonesian(caseload, client):
    """A facilitator would not see what is wrong with the NIK or the phone, or would read it in English."""
    log_in(client, caseload["facilitator"])
    bad = dict(FORM, nik="3201165203850002", birth_date="1985-03-13", phone="12345", desa="Atlantis")
    response = client.post("/households/new", data=bad)
    assert response.status_code == 200
    errors = _errors(response)
    assert "tidak sesuai dengan tanggal lahir" in errors["nik"]
    assert "nomor telepon Indonesia" in errors["phone"]
    assert "desa" in errors["desa"].lower()
    taken = dict(FORM, nik=caseload["other"].nik, birth_date=caseload["other"].birth_date.isoformat())
    held = _errors(client.post("/households/new", data=taken))["nik"]
    assert "koordinator akan memeriksanya" in held and "pendamping lain" not in held
    graduated = dict(FORM, status="graduated")
    assert "status" in _errors(client.post("/households/new", data=graduated))
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5


def test_suggest_skills_button_saves_nothing_and_ticks_the_suggestions(caseload, client):
    """Asking for skill suggestions would save a half-filled profile, or show no suggestion."""
    log_in(client, caseload["facilitator"])
    response = client.post("/households/new", data=dict(FORM, submit="", suggest="1"))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5
    assert re.search(r'<input checked[^>]*name="skills"', response.get_data(as_text=True))


def test_lists_mask_nik_and_the_detail_page_shows_it_to_the_owner_with_an_audit(caseload, client):
    """A full NIK would leak in a list, or be shown to her owner without leaving a trace."""
    household = caseload["own"][0]
    log_in(client, caseload["facilitator"])
    listing = client.get("/households/").get_data(as_text=True)
    assert household.nik not in listing and f"••••••••••••{household.nik[-4:]}" in listing
    # The last four digits alone repeat (0001 in every desa): her birth date tells women apart.
    assert f"lahir {format_date(household.birth_date, 'id')}" in listing
    assert "+6281234567890" not in listing
    detail = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert household.nik in detail and "+6281234567890" in detail
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "household.nik_shown"))
    owner = caseload["facilitator"].id
    assert (event.target_type, event.target_id, event.actor_id) == ("household", household.id, owner)


def test_other_roles_cannot_reach_households(app, caseload, client, login_as):
    """Another facilitator or a partner could open a family's profile."""
    colleague = app.test_client()
    log_in(colleague, caseload["colleague"])
    assert colleague.get(f"/households/{caseload['own'][0].id}").status_code == 404
    assert colleague.get(f"/households/{caseload['own'][0].id}/edit").status_code == 404
    login_as(Role.BUSINESS)
    assert client.get("/households/").status_code == 403


def test_coordinator_sees_full_identity_but_cannot_edit(caseload, client):
    """The coordinator could not check a household, or could change it."""
    coordinator = make_user(Role.COORDINATOR)
    log_in(client, coordinator)
    household = caseload["own"][1]
    assert household.nik in client.get(f"/households/{household.id}").get_data(as_text=True)
    assert client.get(f"/households/{household.id}/edit").status_code == 403
    assert client.get("/households/new").status_code == 403


def test_export_is_audited_neutralises_formulas_and_reimports(caseload, client):
    """An export would go unrecorded, carry a live formula, or not be readable by the importer."""
    household = caseload["own"][0]
    household.skills_text = "=HYPERLINK(\"http://evil.test\")"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    response = client.get("/households/export.xlsx?q=Sitti")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "NIK" and len(rows) == 2
    assert rows[1][0] == household.nik
    assert rows[1][10].startswith("'=")
    assert all(not (isinstance(cell, str) and cell[:1] in "=+-@") for row in rows for cell in row)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "household.export"))
    assert event.detail == {"households": 1, "full_identity": 1}


def test_web_import_preview_confirm_and_rejected_rows(caseload, client):
    """A facilitator could not see each row's problems before importing, or could not get the rejected rows back."""
    own = {h.nik: (h.full_name, h.birth_date, h.desa_code) for h in caseload["own"]}
    messy = messy_workbook(existing_own=own, existing_other=[caseload["other"].nik])
    log_in(client, caseload["facilitator"])
    response = client.post(
        "/households/import",
        data={"file": (io.BytesIO(messy.content), "kpm.xlsx"), "update_existing": "update"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    first_error = min(n for n, e in messy.expected.items() if e.status == "error")
    assert f"Baris {first_error}" in preview
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5  # nothing written yet
    batch = db.session.scalar(select(HouseholdImport))
    client.post(f"/households/import/{batch.id}/confirm")
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5 + messy.count("new")
    assert client.post(f"/households/import/{batch.id}/confirm").status_code == 302  # a second confirm is refused
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5 + messy.count("new")
    rejected = client.get(f"/households/import/{batch.id}/rejected.xlsx")
    rows = list(load_workbook(io.BytesIO(rejected.data)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Kesalahan" and len(rows) - 1 == messy.count("error")
    # Another facilitator cannot open her upload.
    colleague = client.application.test_client()
    log_in(colleague, caseload["colleague"])
    assert colleague.get(f"/households/import/{batch.id}").status_code == 404


def test_upload_refusals_are_shown_next_to_the_file_field(caseload, client):
    """A PDF or an empty sheet would crash the upload or be refused without a reason."""
    log_in(client, caseload["facilitator"])
    response = client.post(
        "/households/import", data={"file": (io.BytesIO(b"%PDF"), "kpm.pdf"), "update_existing": "update"},
        content_type="multipart/form-data",
    )
    assert "Excel" in _errors(response)["file"]


def test_caseload_desa_filter_lists_villages_by_kecamatan_and_filters(caseload, client):
    """The desa filter would show raw Python data and filtering by a village would find no KPM."""
    log_in(client, caseload["facilitator"])
    page = client.get("/households/").get_data(as_text=True)
    assert "[(" not in page
    assert re.search(r'<optgroup label="Kec\. Cibungbulang">', page)
    assert '<option value="32.01.16.2013">Sukamaju</option>' in page
    filtered = client.get("/households/?desa=32.01.16.2013").get_data(as_text=True)
    assert all(household.full_name in filtered for household in caseload["own"])
    assert '<option selected value="32.01.16.2013">' in filtered
    empty = client.get("/households/?desa=32.01.16.2003").get_data(as_text=True)
    assert not any(household.full_name in empty for household in caseload["own"])


def _upload_update_sheet(client, household, choice: str | None) -> str:
    workbook = Workbook()
    workbook.active.append(["NIK", "Nama Lengkap", "Tanggal Lahir", "Desa/Kelurahan", "Preferensi Kerja", "Kendala"])
    workbook.active.append([household.nik, household.full_name, household.birth_date.strftime("%d/%m/%Y"),
                            "Sukamaju", "jualan", "merawat orang tua, jauh dr pasar"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = {"file": (io.BytesIO(buffer.getvalue()), "kpm.xlsx")}
    if choice:
        data["update_existing"] = choice
    response = client.post("/households/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    return client.get(response.headers["Location"] + "?show=all").get_data(as_text=True)


def test_update_preview_shows_old_and_new_values_and_skips_unless_asked(caseload, client):
    """An existing profile would be overwritten without the facilitator seeing what changes, or choosing to."""
    household = caseload["own"][0]
    household.work_preference = "wage"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    skipped = _upload_update_sheet(client, household, None)
    assert "dilewati kecuali Anda mencentang" in skipped
    assert re.search(r'name="update_rows" value="2" form="import-confirm">', skipped)  # offered, not ticked
    preview = _upload_update_sheet(client, household, "update")
    assert "“Kerja upahan” → “Usaha sendiri”" in preview
    assert "Tidak dikenali, disimpan sebagai teks di profilnya: jauh dr pasar" in preview


def _upload_two_updates(client, households, choice: str | None = None):
    workbook = Workbook()
    workbook.active.append(["NIK", "Nama Lengkap", "Tanggal Lahir", "Desa/Kelurahan", "Preferensi Kerja"])
    for household in households:
        workbook.active.append([household.nik, household.full_name, household.birth_date.strftime("%d/%m/%Y"),
                                "Sukamaju", "jualan"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = {"file": (io.BytesIO(buffer.getvalue()), "kpm.xlsx")}
    if choice:
        data["update_existing"] = choice
    response = client.post("/households/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    return db.session.scalar(select(HouseholdImport).order_by(HouseholdImport.id.desc()))


def _preferences(households) -> list[str | None]:
    db.session.expire_all()
    return [db.session.get(Household, household.id).work_preference for household in households]


def test_per_row_update_choice_updates_only_the_ticked_row(caseload, client):
    """Ticking "Perbarui" on one row would update every existing household, or none."""
    households = caseload["own"][:2]
    for household in households:
        household.work_preference = "wage"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    batch = _upload_two_updates(client, households)
    preview = client.get(f"/households/import/{batch.id}?show=all").get_data(as_text=True)
    assert preview.count('name="update_rows"') == 2
    assert re.search(r'<label class="check"><input type="checkbox" name="update_rows" value="3"', preview)
    response = client.post(f"/households/import/{batch.id}/confirm",
                           data={"update_scope": "chosen", "update_rows": ["3"]}, follow_redirects=True)
    assert _preferences(households) == ["wage", "own_business"]  # row 2 skipped, row 3 updated
    assert db.session.get(HouseholdImport, batch.id).result["updated"] == 1
    assert db.session.get(HouseholdImport, batch.id).result["skipped"] == 1
    assert "1 diperbarui, 1 dilewati" in response.get_data(as_text=True)


def test_update_all_choice_on_the_preview_updates_every_changed_row(caseload, client):
    """Choosing "update all" on the preview would still skip her existing households."""
    households = caseload["own"][:2]
    for household in households:
        household.work_preference = "wage"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    batch = _upload_two_updates(client, households)
    client.post(f"/households/import/{batch.id}/confirm", data={"update_scope": "all"})
    assert _preferences(households) == ["own_business", "own_business"]
    assert db.session.get(HouseholdImport, batch.id).result["updated"] == 2


def test_forged_update_row_numbers_are_ignored(caseload, client):
    """A row number that is no update row (a new household, a rejected row) would be written as an update."""
    households = caseload["own"][:2]
    for household in households:
        household.work_preference = "wage"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    batch = _upload_two_updates(client, households)
    client.post(f"/households/import/{batch.id}/confirm",
                data={"update_scope": "chosen", "update_rows": ["1", "4", "999", "x"]})
    assert _preferences(households) == ["wage", "wage"]
    result = db.session.get(HouseholdImport, batch.id).result
    assert result["updated"] == 0 and result["skipped"] == 2 and result["imported"] == 0


def test_editing_a_profile_keeps_the_notes_an_import_kept(caseload, client):
    """Saving the edit form would silently erase the sheet words the import kept because no list knew them."""
    household = caseload["own"][0]
    household.profile_notes = "Kendala: ngurus mertua"
    db.session.commit()
    log_in(client, caseload["facilitator"])
    data = dict(FORM, nik=household.nik, birth_date=household.birth_date.isoformat(), full_name=household.full_name,
                hours_per_week="12")
    response = client.post(f"/households/{household.id}/edit", data=data)
    assert response.status_code == 302, _errors(response)
    db.session.expire_all()
    saved = db.session.get(Household, household.id)
    assert saved.hours_per_week == 12 and saved.profile_notes == "Kendala: ngurus mertua"
