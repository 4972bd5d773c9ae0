"""Graduating a household: the facilitator's record, the coordinator's approval or rejection, check-ins."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.graduation import services
from matchmaker.graduation.readiness import add_months
from matchmaker.models import (
    AuditEvent,
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    HouseholdEvent,
    HouseholdStatus,
    Notification,
    Role,
)
from tests.conftest import DRAMAGA, log_in, make_household, make_organization, make_user
from tests.graduation.helpers import add_match, months_ago, today

NO_COMPONENTS = {"anak_sd": 0, "anak_smp": 0}


@pytest.fixture
def ready_household(app):
    """A household of a Cibungbulang facilitator with a job paying above the UMK for seven months."""
    app.config["GRADUATION_UMK"] = 3_000_000
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, status=HouseholdStatus.IN_PROGRESS, components={"anak_sd": 1})
    add_match(household, organization=make_organization(), started_on=months_ago(7), income_after=3_500_000)
    return household


def graduate_form(kind: str = "sejahtera_mandiri", **extra: str) -> dict[str, str]:
    """The graduation form as the facilitator sends it."""
    data = {"graduation_type": kind, "graduated_on": today().isoformat(),
            "evidence": "Penghasilan Rp3,5jt/bulan dari konveksi sejak 7 bulan."}
    data.update(extra)
    return data


def submit_as_facilitator(client, household):
    """Log in as the household's facilitator, submit a self-reliant graduation, log out."""
    log_in(client, household.facilitator)
    response = client.post(f"/graduation/households/{household.id}/graduate", data=graduate_form())
    client.post("/auth/logout")
    return response


def test_facilitator_submits_a_graduation_for_approval(app, client, ready_household):
    """The facilitator could not send a graduation, or it would graduate without the coordinator."""
    response = submit_as_facilitator(client, ready_household)
    assert response.status_code == 302
    db.session.expire_all()
    record = db.session.scalar(select(GraduationRecord))
    assert record.status == GraduationStatus.PENDING
    assert record.submitted_by_id == ready_household.facilitator_id
    assert ready_household.status == HouseholdStatus.IN_PROGRESS
    log_in(client, ready_household.facilitator)
    page = client.get(f"/households/{ready_household.id}").get_data(as_text=True)
    assert "sudah dikirim ke koordinator" in page
    assert "Graduasikan keluarga ini" not in page


def test_a_second_submission_while_one_is_pending_is_refused(app, client, ready_household):
    """Two pending graduations of the same family would reach the coordinator."""
    submit_as_facilitator(client, ready_household)
    log_in(client, ready_household.facilitator)
    response = client.post(f"/graduation/households/{ready_household.id}/graduate", data=graduate_form())
    assert response.status_code == 200
    assert "sudah menunggu persetujuan koordinator" in response.get_data(as_text=True)
    assert db.session.query(GraduationRecord).count() == 1


def test_self_reliant_graduation_of_a_household_not_ready_needs_explicit_confirmation(app, client, login_as):
    """A family without income could be sent as self-reliant by a slip of the finger."""
    facilitator = login_as("facilitator")
    household = make_household(facilitator)
    url = f"/graduation/households/{household.id}/graduate"
    response = client.post(url, data=graduate_form())
    assert response.status_code == 200
    assert "Butir wajib daftar periksa belum semuanya terpenuhi" in response.get_data(as_text=True)
    assert db.session.query(GraduationRecord).count() == 0
    assert client.post(url, data=graduate_form(confirm_not_ready="y")).status_code == 302
    assert db.session.query(GraduationRecord).count() == 1


def test_natural_graduation_needs_every_component_gone(app, client, login_as):
    """A family with a child still in primary school would be graduated 'naturally'."""
    facilitator = login_as("facilitator")
    with_child = make_household(facilitator, components={"anak_sd": 1})
    grown = make_household(facilitator, components=NO_COMPONENTS)
    response = client.post(f"/graduation/households/{with_child.id}/graduate", data=graduate_form("alamiah"))
    assert "Graduasi alamiah berarti tidak ada lagi komponen PKH" in response.get_data(as_text=True)
    assert client.post(f"/graduation/households/{grown.id}/graduate",
                       data=graduate_form("alamiah")).status_code == 302
    assert db.session.scalar(select(GraduationRecord.household_id)) == grown.id


def test_graduation_date_in_the_future_and_empty_evidence_are_refused(app, client, ready_household):
    """A record dated next month, or without any evidence, would reach the coordinator."""
    log_in(client, ready_household.facilitator)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(f"/graduation/households/{ready_household.id}/graduate",
                           data=graduate_form(graduated_on=tomorrow, evidence=" "))
    text = response.get_data(as_text=True)
    assert "Tanggal tidak boleh di masa depan" in text
    assert "Tulis buktinya" in text or "Isian ini wajib" in text
    assert db.session.query(GraduationRecord).count() == 0


def test_another_facilitator_cannot_graduate_her_household(app, client, ready_household, login_as):
    """A facilitator could graduate a family of someone else's caseload."""
    login_as("facilitator")
    assert client.post(f"/graduation/households/{ready_household.id}/graduate",
                       data=graduate_form()).status_code == 404
    assert db.session.query(GraduationRecord).count() == 0


def test_coordinator_approves_and_the_household_graduates_with_its_checkins(app, client, ready_household, login_as):
    """An approved graduation would not count, or no follow-up visit would be scheduled."""
    submit_as_facilitator(client, ready_household)
    record = db.session.scalar(select(GraduationRecord))
    coordinator = login_as("coordinator")
    queue = client.get("/graduation/queue").get_data(as_text=True)
    assert ready_household.full_name in queue
    response = client.post(f"/graduation/records/{record.id}/approve")
    assert response.status_code == 302
    db.session.expire_all()
    assert (record.status, record.approved_by_id) == (GraduationStatus.APPROVED, coordinator.id)
    household = record.household
    assert household.status == HouseholdStatus.GRADUATED
    assert household.graduation_type == "sejahtera_mandiri"
    assert household.graduated_on == today()
    due = [checkin.due_on for checkin in services.checkins_of(household)]
    assert due == [add_months(today(), 3), add_months(today(), 6), add_months(today(), 12)]
    assert db.session.scalar(select(HouseholdEvent.action).where(HouseholdEvent.household_id == household.id)) \
        == "graduated"
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "graduation.approved"))
    queue = client.get("/graduation/queue").get_data(as_text=True)
    assert "Tidak ada graduasi yang menunggu persetujuan Anda." in queue


def test_only_a_coordinator_of_the_households_district_approves(app, client, ready_household, login_as):
    """A coordinator of another area, or the facilitator herself, could approve a graduation."""
    submit_as_facilitator(client, ready_household)
    record = db.session.scalar(select(GraduationRecord))
    log_in(client, ready_household.facilitator)
    assert client.post(f"/graduation/records/{record.id}/approve").status_code == 403  # the facilitator
    client.post("/auth/logout")
    login_as("coordinator", areas=[DRAMAGA])
    assert ready_household.full_name not in client.get("/graduation/queue").get_data(as_text=True)
    assert client.post(f"/graduation/records/{record.id}/approve").status_code == 404
    db.session.expire_all()
    assert record.status == GraduationStatus.PENDING
    with pytest.raises(services.NotAllowed):
        services.approve(make_user(Role.ADMIN), record)


def test_coordinator_rejects_with_a_reason_the_facilitator_reads(app, client, ready_household, login_as):
    """A rejection without a reason would leave the facilitator guessing, or block a new submission."""
    submit_as_facilitator(client, ready_household)
    record = db.session.scalar(select(GraduationRecord))
    facilitator = ready_household.facilitator
    login_as("coordinator")
    response = client.post(f"/graduation/records/{record.id}/reject", data={"reason": " "})
    assert response.status_code == 422
    db.session.expire_all()
    assert record.status == GraduationStatus.PENDING
    client.post(f"/graduation/records/{record.id}/reject", data={"reason": "Lampirkan slip gaji terbaru."})
    db.session.expire_all()
    assert (record.status, record.rejection_reason) == (GraduationStatus.REJECTED, "Lampirkan slip gaji terbaru.")
    assert record.household.status == HouseholdStatus.IN_PROGRESS
    client.post("/auth/logout")
    log_in(client, facilitator)
    page = client.get(f"/households/{ready_household.id}").get_data(as_text=True)
    assert "Lampirkan slip gaji terbaru." in page
    assert "Graduasikan keluarga ini" in page
    assert client.post(f"/graduation/households/{ready_household.id}/graduate",
                       data=graduate_form()).status_code == 302


def test_a_reviewed_record_cannot_be_reviewed_again(app, ready_household):
    """A rejected graduation could later be approved by a second click, or approved twice."""
    coordinator = make_user(Role.COORDINATOR)
    record = services.submit(ready_household.facilitator, ready_household,
                             services.SubmissionData("sejahtera_mandiri", today(), "Bukti."))
    services.reject(coordinator, record, "Belum cukup bukti.")
    with pytest.raises(services.GraduationInvalid):
        services.approve(coordinator, record)
    assert db.session.query(GraduationCheckin).count() == 0


def test_facilitator_sees_and_records_her_checkins(app, client, ready_household):
    """A due follow-up visit would not show, or could not be recorded."""
    coordinator = make_user(Role.COORDINATOR)
    record = services.submit(ready_household.facilitator, ready_household,
                             services.SubmissionData("sejahtera_mandiri", months_ago(3, days=2), "Bukti."))
    services.approve(coordinator, record)
    first = services.checkins_of(ready_household)[0]
    log_in(client, ready_household.facilitator)
    home = client.get("/home").get_data(as_text=True)
    assert "Terlambat" in home
    assert "1 kunjungan pascagraduasi sudah jatuh tempo" in home
    url = f"/graduation/checkins/{first.id}"
    future = (today() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, data={"done_on": future})
    assert "Tanggal tidak boleh di masa depan" in response.get_data(as_text=True)
    response = client.post(url, data={"done_on": months_ago(4).isoformat()})
    assert "tidak boleh sebelum tanggal graduasi" in response.get_data(as_text=True)
    assert client.post(url, data={"done_on": today().isoformat(), "monthly_income": "3600000",
                                  "note": "Usaha jahit masih jalan."}).status_code == 302
    db.session.expire_all()
    assert (first.done_on, first.monthly_income, first.note) == (today(), 3_600_000, "Usaha jahit masih jalan.")
    page = client.get("/graduation/checkins").get_data(as_text=True)
    assert "Rp3.600.000" in page


def test_checkins_of_another_facilitator_are_hidden(app, client, ready_household, login_as):
    """A facilitator could read or write the follow-up of a family she does not accompany."""
    record = services.submit(ready_household.facilitator, ready_household,
                             services.SubmissionData("sejahtera_mandiri", today(), "Bukti."))
    services.approve(make_user(Role.COORDINATOR), record)
    checkin = services.checkins_of(ready_household)[0]
    login_as("facilitator")
    assert client.get(f"/graduation/checkins/{checkin.id}").status_code == 404
    assert ready_household.full_name not in client.get("/graduation/checkins").get_data(as_text=True)


def test_due_checkins_are_notified_once(app, ready_household):
    """The facilitator would never hear of a due visit, or hear of it every day."""
    record = services.submit(ready_household.facilitator, ready_household,
                             services.SubmissionData("sejahtera_mandiri", months_ago(6, days=1), "Bukti."))
    services.approve(make_user(Role.COORDINATOR), record)
    assert services.notify_due(today()) == 2  # the 3- and 6-month visits
    assert services.notify_due(today()) == 0
    notes = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind, n.params["months"]) for n in notes] == [
        (ready_household.facilitator_id, "checkin_due", 3), (ready_household.facilitator_id, "checkin_due", 6)]


def test_notify_due_cli(app, ready_household):
    """The daily reminder command would fail or not send anything."""
    record = services.submit(ready_household.facilitator, ready_household,
                             services.SubmissionData("sejahtera_mandiri", months_ago(3), "Bukti."))
    services.approve(make_user(Role.COORDINATOR), record)
    result = app.test_cli_runner().invoke(args=["graduation", "notify-due"])
    assert result.exit_code == 0, result.output
    assert "Check-in reminders sent: 1." in result.output
    assert db.session.query(Notification).count() == 1
