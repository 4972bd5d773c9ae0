"""Approving a graduation whose required checklist items fail: shown at approval, and only with a written reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.graduation import services
from matchmaker.models import AuditEvent, GraduationRecord, GraduationStatus, HouseholdStatus, Role
from tests.conftest import make_household, make_user
from tests.graduation.test_records import graduate_form, ready_household, submit_as_facilitator  # noqa: F401

REASON = "Usaha warungnya sudah berjalan 5 bulan dan suaminya bekerja tetap; survei desa menguatkan."


@pytest.fixture
def unready_record(app):
    """A pending self-reliant graduation (submitted anyway) of a household with no income and no livelihood."""
    facilitator = make_user(Role.FACILITATOR)
    household = make_household(facilitator, status=HouseholdStatus.IN_PROGRESS, components={"anak_sd": 1})
    record = services.submit(facilitator, household, services.SubmissionData(
        graduation_type="sejahtera_mandiri", graduated_on=services.today(), evidence="Diajukan walau belum siap.",
        confirm_not_ready=True))
    return record


def test_failing_required_items_are_shown_at_approval_with_a_reason_box(unready_record, client, login_as):
    """The coordinator would approve a 0/100 graduation in one tap, without seeing what fails."""
    login_as(Role.COORDINATOR)
    page = client.get(f"/graduation/records/{unready_record.id}").get_data(as_text=True)
    assert "2 butir wajib pada daftar periksa tidak terpenuhi" in page
    assert "Penghasilan di atas UMK" in page and "Pekerjaan atau usaha" in page
    assert 'name="reason"' in page.split(f"graduation/records/{unready_record.id}/approve")[1].split("</form>")[0]
    assert "Tetap setujui" in page


def test_approving_an_unready_graduation_needs_a_reason_which_is_kept_and_shown(unready_record, client, login_as):
    """A failing graduation could be approved without a word, or the reason would be lost from its history."""
    coordinator = login_as(Role.COORDINATOR)
    url = f"/graduation/records/{unready_record.id}/approve"
    refused = client.post(url, data={"reason": "   "})
    assert refused.status_code == 422
    assert "tulis alasan Anda tetap menyetujuinya" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert unready_record.status == GraduationStatus.PENDING
    assert unready_record.household.status == HouseholdStatus.IN_PROGRESS
    assert client.post(url, data={"reason": REASON}).status_code == 302
    db.session.expire_all()
    assert (unready_record.status, unready_record.approved_by_id) == (GraduationStatus.APPROVED, coordinator.id)
    assert unready_record.override_reason == REASON
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "graduation.approved"))
    assert audit.detail["override"] is True and set(audit.detail["missing_required"]) == {"income", "livelihood"}
    assert REASON not in str(audit.detail)  # the audit keeps codes; the words stay on the record
    assert REASON in client.get(f"/graduation/records/{unready_record.id}").get_data(as_text=True)
    assert REASON in client.get("/graduation/queue").get_data(as_text=True)


def test_a_ready_graduation_is_still_approved_in_one_step(app, client, ready_household, login_as):  # noqa: F811
    """Approving a household that meets every required item would now ask for a needless reason."""
    submit_as_facilitator(client, ready_household)
    record = db.session.scalar(select(GraduationRecord))
    login_as(Role.COORDINATOR)
    page = client.get(f"/graduation/records/{record.id}").get_data(as_text=True)
    assert "Tetap setujui" not in page and "tidak terpenuhi" not in page
    assert client.post(f"/graduation/records/{record.id}/approve").status_code == 302
    db.session.expire_all()
    assert record.status == GraduationStatus.APPROVED and record.override_reason is None
