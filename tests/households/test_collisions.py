"""No NIK oracle: a NIK held elsewhere gets one neutral answer, a case for the coordinator, and a daily limit."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select, update

from matchmaker.extensions import db
from matchmaker.households import importer
from matchmaker.models import (
    AuditEvent,
    Household,
    HouseholdEvent,
    HouseholdImport,
    NikCollision,
    NikCollisionStatus,
    Notification,
    Role,
)
from matchmaker.notifications import Kind, text_of
from tests.conftest import DRAMAGA, log_in, make_household, make_user
from tests.households.messy import make_nik

from .test_views import FORM, _errors

SUKADAMAI = "32.01.30.2001"  # a desa of Kec. Dramaga
CASE = re.compile(r"\d+")


def _form(nik: str) -> dict:
    born = dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
    return dict(FORM, nik=nik, birth_date=born.isoformat())


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def holders(caseload):
    """Households holding NIKs: a colleague's in her area, one in Dramaga, one without facilitator."""
    far = make_user(Role.FACILITATOR, email="bu.dramaga@example.test", areas=[DRAMAGA])
    born = dt.date(1981, 9, 17)
    return {
        "colleague": caseload["other"],
        "far": make_household(far, nik=make_nik(born, 6101, "320130"), full_name="Yuyun Wahyuni", birth_date=born,
                              desa_code=SUKADAMAI, phone="+6281322220001"),
        "orphan": make_household(None, nik=make_nik(born, 6102, "320130"), full_name="Enok Sumiati",
                                 birth_date=born, desa_code=SUKADAMAI),
    }


def test_a_held_nik_gets_one_neutral_answer_whoever_holds_it(caseload, holders, client):
    """The form would tell a facilitator that a NIK is another facilitator's KPM, or where she lives."""
    log_in(client, caseload["facilitator"])
    answers = []
    for key, household in holders.items():
        message = _errors(client.post("/households/new", data=_form(household.nik)))["nik"]
        answers.append(CASE.sub("#", message))
        for secret in (household.full_name, "Dramaga", "pendamping lain", household.facilitator.name
                       if household.facilitator else "Sukadamai"):
            assert secret not in message, (key, secret)
    assert len(set(answers)) == 1 and "koordinator akan memeriksanya" in answers[0]
    cases = db.session.scalars(select(NikCollision).order_by(NikCollision.id)).all()
    assert [case.household_id for case in cases] == [household.id for household in holders.values()]
    first = cases[0]
    assert first.requester_id == caseload["facilitator"].id and first.source == "form"
    assert first.status == NikCollisionStatus.OPEN and first.desa_code == "32.01.16.2013"
    assert first.submitted["full_name"] == "Imas Masitoh" and first.submitted["nik"] == holders["colleague"].nik
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "household.nik_collision")).all()
    assert sorted(event.target_id for event in audits) == sorted(case.id for case in cases)
    assert _count(Household) == 7  # nothing registered


def test_her_own_duplicate_is_said_plainly_and_opens_no_case(caseload, client):
    """A facilitator typing a NIK of her own caseload again would be sent to the coordinator for nothing."""
    log_in(client, caseload["facilitator"])
    own = caseload["own"][0]
    message = _errors(client.post("/households/new", data=_form(own.nik)))["nik"]
    assert "sudah terdaftar" in message
    assert _count(NikCollision) == 0


def test_a_refused_nik_keeps_the_form_usable_and_the_case_survives(caseload, holders, client):
    """After the neutral answer the corrected form could be taken for a double tap, or the case be lost."""
    log_in(client, caseload["facilitator"])
    token = "tok_" + "a" * 28
    refused = client.post("/households/new", data=dict(_form(holders["far"].nik), submission_token=token))
    assert refused.status_code == 200
    saved = client.post("/households/new", data=dict(FORM, submission_token=token))
    assert saved.status_code == 302 and "/households/" in saved.headers["Location"]
    assert db.session.scalar(select(Household).where(Household.nik == "3201165203850002")) is not None
    assert _count(NikCollision) == 1


def test_changing_a_nik_on_edit_to_a_held_one_opens_a_case_and_changes_nothing(caseload, holders, client):
    """Editing a profile would be the oracle the new-household form no longer is."""
    log_in(client, caseload["facilitator"])
    own = caseload["own"][1]
    data = dict(_form(holders["far"].nik), full_name=own.full_name)
    response = client.post(f"/households/{own.id}/edit", data=data)
    assert response.status_code == 200
    assert "koordinator akan memeriksanya" in _errors(response)["nik"]
    db.session.expire_all()
    assert db.session.get(Household, own.id).nik != holders["far"].nik
    assert db.session.scalar(select(NikCollision.source)) == "edit"


def test_past_the_daily_limit_every_new_nik_is_refused_alike(app, caseload, holders, client):
    """A facilitator could test NIKs one by one without end, or tell held ones from free ones past the limit."""
    app.config["NIK_COLLISION_DAILY_LIMIT"] = 2
    log_in(client, caseload["facilitator"])
    client.post("/households/new", data=_form(holders["colleague"].nik))
    client.post("/households/new", data=_form(holders["far"].nik))
    held = _errors(client.post("/households/new", data=_form(holders["orphan"].nik)))["nik"]
    free = _errors(client.post("/households/new", data=FORM))["nik"]
    assert held == free and "Batas harian pemeriksaan NIK tercapai" in held
    assert _count(NikCollision) == 2 and _count(Household) == 7
    limits = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "household.nik_check_limit")).all()
    assert len(limits) == 2 and all(event.detail["refused"] == 1 for event in limits)
    # An open case's NIK is one she already knows about: the same neutral answer, not a new case.
    again = _errors(client.post("/households/new", data=_form(holders["far"].nik)))["nik"]
    assert "koordinator akan memeriksanya" in again and _count(NikCollision) == 2
    # A day later the window has moved on.
    db.session.execute(update(NikCollision).values(created_at=NikCollision.created_at - dt.timedelta(hours=25)))
    db.session.commit()
    assert client.post("/households/new", data=FORM).status_code == 302


def _sheet(niks: list[str]) -> bytes:
    lines = ["NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan,Kecamatan"]
    for number, nik in enumerate(niks):
        born = dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
        lines.append(f"{nik},Warga Ke {chr(65 + number)},{born:%d/%m/%Y},Sukamaju,Cibungbulang")
    return ("\n".join(lines) + "\n").encode()


def test_an_upload_reveals_at_most_the_limit_and_nothing_after_it(app, caseload, holders):
    """A 50,000-NIK upload would read from the preview which NIKs are other caseloads' KPM."""
    app.config["NIK_COLLISION_DAILY_LIMIT"] = 2
    free = [make_nik(dt.date(1990, 1, 1 + n), 8800 + n) for n in range(4)]
    held = [holders["colleague"].nik, holders["far"].nik, holders["orphan"].nik]
    order = [free[0], held[0], free[1], held[1], free[2], held[2], free[3]]
    batch = importer.create_import(caseload["facilitator"], _sheet(order), "kpm.csv")
    rows = [importer.row_from_json(row) for row in batch.preview["rows"]]
    codes = [(row.status, [problem.code for problem in row.problems]) for row in rows]
    assert codes == [
        ("new", []), ("error", ["nik.unavailable"]), ("new", []), ("error", ["nik.unavailable"]),
        ("error", ["nik.check_limit"]), ("error", ["nik.check_limit"]), ("error", ["nik.check_limit"]),
    ]
    # Past the limit a held NIK and a free one read the same; nothing names a holder.
    assert rows[4].problems[0].message() == rows[5].problems[0].message() == rows[6].problems[0].message()
    assert all(row.existing_id is None for row in rows)
    assert _count(NikCollision) == 2
    limit_audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "household.nik_check_limit")).one()
    assert limit_audit.detail["refused"] == 3
    # Confirming keeps the preview's answers: the two free rows are imported, no new case opens.
    result = importer.confirm_import(caseload["facilitator"], db.session.get(HouseholdImport, batch.id))
    assert result.counts["imported"] == 2 and result.counts["errors"] == 5
    assert _count(NikCollision) == 2


def test_the_preview_page_shows_only_the_neutral_sentence(caseload, holders, client):
    """The import preview page would name the facilitator or the desa of the household holding a NIK."""
    log_in(client, caseload["facilitator"])
    response = client.post("/households/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(_sheet([holders["far"].nik])), "kpm.csv"),
                                 "update_existing": "update"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "koordinator akan memeriksanya" in page
    assert "Yuyun" not in page and "Sukadamai" not in page and "pendamping lain" not in page


def test_a_cli_dry_run_records_its_cases(app, caseload, holders):
    """The CLI's dry run would be an unlimited oracle if its NIK cases were not kept."""
    table = importer.read_table(_sheet([holders["far"].nik]), "kpm.csv")
    result = importer.apply_import(caseload["facilitator"], table, dry_run=True)
    assert result.errors[0]["message"].startswith("NIK ini tidak dapat didaftarkan sekarang")
    db.session.rollback()
    assert _count(NikCollision) == 1 and _count(Household) == 7


# The coordinator's side ------------------------------------------------------------------------


@pytest.fixture
def case(caseload, holders, client):
    """Facilitator A submitted the NIK of a Dramaga household for a woman now living in Sukamaju."""
    log_in(client, caseload["facilitator"])
    client.post("/households/new", data=_form(holders["far"].nik))
    client.post("/auth/logout")
    return db.session.scalar(select(NikCollision))


def test_the_coordinator_sees_both_records_and_moves_the_household(caseload, holders, case, client):
    """The coordinator could not see what was submitted next to the household, or move her to the new facilitator."""
    coordinator = make_user(Role.COORDINATOR)
    log_in(client, coordinator)
    assert "1 kasus NIK menunggu keputusan Anda" in client.get("/home").get_data(as_text=True)
    listing = client.get("/households/collisions").get_data(as_text=True)
    assert f"/households/collisions/{case.id}" in listing and "Imas Masitoh" in listing
    page = client.get(f"/households/collisions/{case.id}").get_data(as_text=True)
    assert "Imas Masitoh" in page and "Yuyun Wahyuni" in page and holders["far"].nik in page
    response = client.post(f"/households/collisions/{case.id}", data={"decision": "transferred", "note": ""})
    assert response.status_code == 302
    db.session.expire_all()
    household = db.session.get(Household, holders["far"].id)
    assert household.facilitator_id == caseload["facilitator"].id and household.desa_code == "32.01.16.2013"
    assert db.session.get(NikCollision, case.id).status == NikCollisionStatus.TRANSFERRED
    assert db.session.scalar(select(HouseholdEvent.action).where(HouseholdEvent.household_id == household.id)) == (
        "transferred")
    kinds = dict(db.session.execute(select(Notification.user_id, Notification.kind)).all())
    assert kinds == {caseload["facilitator"].id: Kind.NIK_TRANSFERRED_IN, case.holder_id: Kind.NIK_TRANSFERRED_OUT}
    again = client.post(f"/households/collisions/{case.id}", data={"decision": "rejected", "note": "x"})
    assert again.status_code in (200, 409)
    assert db.session.get(NikCollision, case.id).status == NikCollisionStatus.TRANSFERRED
    client.post("/auth/logout")
    log_in(client, caseload["facilitator"])
    assert client.get(f"/households/{household.id}").status_code == 200


def test_keeping_it_needs_a_note_and_tells_the_requester_nothing_about_the_holder(caseload, holders, case, client):
    """A correction without a reason would be accepted, or its notification would name the other household."""
    log_in(client, make_user(Role.COORDINATOR))
    refused = client.post(f"/households/collisions/{case.id}", data={"decision": "rejected", "note": " "})
    assert refused.status_code == 400 and "catatan" in refused.get_data(as_text=True).lower()
    assert client.post(f"/households/collisions/{case.id}",
                       data={"decision": "rejected", "note": "Salah ketik satu digit."}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Household, holders["far"].id).facilitator_id == case.holder_id
    mine = db.session.scalar(select(Notification).where(Notification.user_id == caseload["facilitator"].id))
    assert mine.kind == Kind.NIK_KEPT and mine.household_id is None
    text = text_of(mine, caseload["facilitator"])
    assert str(case.id) in text and "Yuyun" not in text
    theirs = db.session.scalar(select(Notification).where(Notification.user_id == case.holder_id))
    assert theirs.kind == Kind.NIK_CHECKED and theirs.household_id == holders["far"].id
    assert db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "household.nik_collision_decided")) == {"household": holders["far"].id,
                                                                     "decision": "rejected"}


def test_cases_are_scoped_to_the_coordinators_area_and_masked_for_the_admin(caseload, holders, case, client):
    """A coordinator of another district would read the case, or the admin would read full NIKs and phones."""
    outsider = make_user(Role.COORDINATOR, areas=["32.01.01"])
    log_in(client, outsider)
    assert f"/households/collisions/{case.id}" not in client.get("/households/collisions").get_data(as_text=True)
    assert client.get(f"/households/collisions/{case.id}").status_code == 404
    assert client.post(f"/households/collisions/{case.id}", data={"decision": "transferred"}).status_code == 404
    client.post("/auth/logout")
    dramaga = make_user(Role.COORDINATOR, areas=[DRAMAGA])  # covers only the holder's side
    log_in(client, dramaga)
    assert client.get(f"/households/collisions/{case.id}").status_code == 200
    client.post("/auth/logout")
    log_in(client, make_user(Role.ADMIN))
    page = client.get(f"/households/collisions/{case.id}").get_data(as_text=True)
    assert holders["far"].nik not in page and "+6281322220001" not in page and "Yuyun Wahyuni" in page
    client.post("/auth/logout")
    log_in(client, caseload["facilitator"])
    assert client.get("/households/collisions").status_code == 403
    assert client.get(f"/households/collisions/{case.id}").status_code == 403
