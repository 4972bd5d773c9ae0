"""``/api/v1/graduation``: sending, approving (and overriding), sending back, check-ins; scoping and If-Match."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.graduation.services import schedule_checkins
from matchmaker.models import (
    AuditEvent,
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    GraduationType,
    Household,
    HouseholdStatus,
)
from tests.api.helpers import call, token_for
from tests.conftest import DRAMAGA, make_household, make_organization, make_user
from tests.graduation.helpers import today

DRAMAGA_DESA = "32.01.30.2001"


def _send(evidence: str = "Berjualan kue tiap hari, penghasilan Rp2,8 juta.", **extra):
    return {"graduation_type": GraduationType.SELF_RELIANT, "graduated_on": today().isoformat(),
            "evidence": evidence, **extra}


def _graduated(household: Household, coordinator, days_ago: int = 120) -> GraduationRecord:
    """An approved graduation ``days_ago`` days ago, with its check-ins scheduled."""
    on = today() - dt.timedelta(days=days_ago)
    record = GraduationRecord(household_id=household.id, graduation_type=GraduationType.SELF_RELIANT,
                              graduated_on=on, evidence="Usaha konveksi.", status=GraduationStatus.APPROVED,
                              submitted_by_id=household.facilitator_id, approved_by_id=coordinator.id)
    household.status, household.graduation_type, household.graduated_on = (
        HouseholdStatus.GRADUATED, GraduationType.SELF_RELIANT, on)
    db.session.add(record)
    db.session.flush()
    schedule_checkins(record)
    db.session.commit()
    return record


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_facilitator_sends_and_coordinator_overrides_with_a_reason(client):
    """A graduation sent by a script would skip the coordinator, or be approved unready without a reason."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    household = make_household(facilitator, components={"anak_sd": 1})
    fac, coord = token_for(facilitator), token_for(coordinator)
    url = f"/api/v1/graduation/households/{household.id}/records"

    unready = call(client, "POST", url, fac, json=_send())
    assert unready.status_code == 422 and list(unready.get_json()["errors"]) == ["confirm_not_ready"]
    assert unready.get_json()["errors"]["confirm_not_ready"][0].startswith("Butir wajib")
    english = call(client, "POST", url, fac, json=_send(), language="en").get_json()
    assert english["errors"]["confirm_not_ready"][0].startswith("The required items of the checklist")
    assert _count(GraduationRecord) == 0

    sent = call(client, "POST", url, fac, json=_send(confirm_not_ready=True))
    assert sent.status_code == 201 and sent.get_json()["status"] == "pending"
    record_url = sent.headers["Location"]
    assert record_url.endswith(f"/api/v1/graduation/records/{sent.get_json()['id']}")
    assert sent.get_json()["readiness"]["missing_required"] == ["income", "livelihood"]
    again = call(client, "POST", url, fac, json=_send(confirm_not_ready=True), language="en")
    assert again.status_code == 409
    assert again.get_json()["detail"] == "A graduation of this household is already waiting for the coordinator."

    queue = call(client, "GET", "/api/v1/graduation/records?status=pending", coord).get_json()
    assert [item["id"] for item in queue["items"]] == [sent.get_json()["id"]]
    etag = call(client, "GET", record_url, coord).headers["ETag"]
    assert etag == sent.headers["ETag"]
    assert call(client, "POST", f"{record_url}/approve", coord, json={}).status_code == 428
    no_reason = call(client, "POST", f"{record_url}/approve", coord, json={}, headers={"If-Match": etag},
                     language="en")
    assert no_reason.status_code == 422
    assert no_reason.get_json()["errors"] == {
        "reason": ["Required items of the checklist do not hold: write why you approve it anyway."]}
    approved = call(client, "POST", f"{record_url}/approve", coord, json={"reason": "Survei desa menguatkan."},
                    headers={"If-Match": etag})
    assert approved.status_code == 200
    body = approved.get_json()
    assert body["status"] == "approved" and body["override_reason"] == "Survei desa menguatkan."
    assert body["reviewed_by_id"] == coordinator.id and [c["months_after"] for c in body["checkins"]] == [3, 6, 12]
    assert db.session.get(Household, household.id).status == HouseholdStatus.GRADUATED
    stale = call(client, "POST", f"{record_url}/approve", coord, json={"reason": "x"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and "graduasi" in stale.get_json()["detail"].lower()
    twice = call(client, "POST", f"{record_url}/approve", coord, json={"reason": "x"},
                 headers={"If-Match": approved.headers["ETag"]}, language="en")
    assert twice.status_code == 409 and twice.get_json()["detail"] == "This graduation has already been reviewed."


def test_coordinator_sends_it_back_with_a_reason_and_she_may_send_again(client):
    """A rejection without a reason would reach the facilitator, or a rejected household could not be sent again."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    household = make_household(facilitator, components={})
    fac, coord = token_for(facilitator), token_for(coordinator)
    sent = call(client, "POST", f"/api/v1/graduation/households/{household.id}/records", fac,
                json=_send(graduation_type=GraduationType.NATURAL))
    assert sent.status_code == 201
    record_url = sent.headers["Location"]
    etag = sent.headers["ETag"]
    empty = call(client, "POST", f"{record_url}/reject", coord, json={"reason": "  "}, headers={"If-Match": etag})
    assert empty.status_code == 422
    assert empty.get_json()["errors"] == {"reason": ["Tulis alasan penolakan: pendamping akan membacanya."]}
    english = call(client, "POST", f"{record_url}/reject", coord, json={}, headers={"If-Match": etag},
                   language="en")
    assert english.get_json()["errors"] == {"reason": ["This field is required."]}
    rejected = call(client, "POST", f"{record_url}/reject", coord, json={"reason": "Lampirkan slip gaji."},
                    headers={"If-Match": etag})
    assert rejected.status_code == 200 and rejected.get_json()["status"] == "rejected"
    seen = call(client, "GET", record_url, fac).get_json()
    assert seen["rejection_reason"] == "Lampirkan slip gaji." and seen["checkins"] == []
    assert db.session.get(Household, household.id).status == HouseholdStatus.ACTIVE
    resent = call(client, "POST", f"/api/v1/graduation/households/{household.id}/records", fac,
                  json=_send(graduation_type=GraduationType.NATURAL))
    assert resent.status_code == 201


def test_submission_fields_are_checked_like_the_graduate_page(client):
    """A script could send a graduation dated in the future, without evidence, or natural with components left."""
    facilitator = make_user("facilitator")
    household = make_household(facilitator, components={"anak_sd": 1})
    url = f"/api/v1/graduation/households/{household.id}/records"
    secret = token_for(facilitator)
    future = (today() + dt.timedelta(days=3)).isoformat()
    bad = {"graduation_type": GraduationType.NATURAL, "graduated_on": future, "evidence": "Cukup."}
    body = call(client, "POST", url, secret, json=bad, language="en").get_json()
    assert body["errors"] == {
        "graduated_on": ["The date cannot be in the future."],
        "graduation_type": ["A natural graduation needs every PKH component to be gone: update the components "
                            "in her profile first."]}
    typed = call(client, "POST", url, secret, json={"graduation_type": "kabur", "graduated_on": "kemarin"}).get_json()
    assert typed["errors"] == {"graduated_on": ["Masukkan tanggal yang benar."], "evidence": ["Kolom ini wajib diisi."]}
    choice = call(client, "POST", url, secret, json={**_send(), "graduation_type": "kabur"}, language="en").get_json()
    assert choice["errors"] == {"graduation_type": ["Not a valid choice."]}
    assert _count(GraduationRecord) == 0


def test_records_and_their_transitions_are_scoped_like_the_pages(client):
    """Another facilitator or another district's coordinator could read or decide a graduation that is not theirs."""
    fac_a, fac_b = make_user("facilitator"), make_user("facilitator", areas=[DRAMAGA])
    coord_dramaga = make_user("coordinator", areas=[DRAMAGA])
    coordinator = make_user("coordinator")
    mine = make_household(fac_a, components={})
    theirs = make_household(fac_b, desa_code=DRAMAGA_DESA, components={})
    sent = call(client, "POST", f"/api/v1/graduation/households/{mine.id}/records", token_for(fac_a),
                json=_send(graduation_type=GraduationType.NATURAL))
    record_url, etag = sent.headers["Location"], sent.headers["ETag"]
    b = token_for(fac_b)
    assert call(client, "GET", record_url, b).status_code == 404
    assert call(client, "GET", "/api/v1/graduation/records", b).get_json()["items"] == []
    assert call(client, "POST", f"/api/v1/graduation/households/{mine.id}/records", b,
                json=_send(graduation_type=GraduationType.NATURAL)).status_code == 404
    elsewhere = token_for(coord_dramaga)
    assert call(client, "GET", "/api/v1/graduation/records", elsewhere).get_json()["items"] == []
    for step in ("approve", "reject"):
        refused = call(client, "POST", f"{record_url}/{step}", elsewhere, json={"reason": "x"},
                       headers={"If-Match": etag})
        assert refused.status_code == 404, step
        assert mine.full_name not in refused.get_data(as_text=True)
        assert call(client, "POST", f"{record_url}/{step}", token_for(fac_a), json={"reason": "x"},
                    headers={"If-Match": etag}).status_code == 403
    district = token_for(coordinator)
    assert call(client, "POST", f"/api/v1/graduation/households/{theirs.id}/records", district,
                json=_send()).status_code == 403
    for role in ("business", "village_office", "admin"):
        user = make_user(role, organization=make_organization() if role != "admin" else None)
        assert call(client, "GET", "/api/v1/graduation/records", token_for(user)).status_code == 403, role
    assert db.session.get(GraduationRecord, sent.get_json()["id"]).status == GraduationStatus.PENDING


def test_a_read_token_cannot_send_decide_or_record(client):
    """A token given to a reporting script could graduate households or change visits."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    household = make_household(facilitator, components={})
    record = _graduated(make_household(facilitator), coordinator)
    checkin = record.checkins[0]
    fac_read, coord_read = token_for(facilitator, "read"), token_for(coordinator, "read")
    sent = call(client, "POST", f"/api/v1/graduation/households/{household.id}/records", fac_read,
                json=_send(graduation_type=GraduationType.NATURAL), language="en")
    assert sent.status_code == 403 and "may only read" in sent.get_json()["detail"]
    pending = GraduationRecord(household_id=household.id, graduation_type=GraduationType.NATURAL,
                               graduated_on=today(), evidence="x", status=GraduationStatus.PENDING)
    db.session.add(pending)
    db.session.commit()
    etag = call(client, "GET", f"/api/v1/graduation/records/{pending.id}", coord_read).headers["ETag"]
    assert call(client, "POST", f"/api/v1/graduation/records/{pending.id}/approve", coord_read, json={},
                headers={"If-Match": etag}).status_code == 403
    checkin_etag = call(client, "GET", f"/api/v1/graduation/checkins/{checkin.id}", fac_read).headers["ETag"]
    assert call(client, "PUT", f"/api/v1/graduation/checkins/{checkin.id}", fac_read,
                json={"done_on": today().isoformat()}, headers={"If-Match": checkin_etag}).status_code == 403
    db.session.expire_all()
    assert db.session.get(GraduationRecord, pending.id).status == GraduationStatus.PENDING
    assert db.session.get(GraduationCheckin, checkin.id).done_on is None
    assert _count(GraduationRecord) == 2


def test_facilitator_lists_due_and_done_checkins_and_records_a_visit_with_if_match(client):
    """A script would miss a due visit, overwrite a correction unseen, or record a visit before graduating."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    record = _graduated(make_household(facilitator), coordinator, days_ago=120)  # 3 months overdue, 6 and 12 ahead
    _graduated(make_household(facilitator), coordinator, days_ago=10)
    secret = token_for(facilitator)
    overdue = call(client, "GET", "/api/v1/graduation/checkins?state=overdue", secret).get_json()["items"]
    assert [(item["record_id"], item["months_after"], item["state"]) for item in overdue] == [
        (record.id, 3, "overdue")]
    visit_url = f"/api/v1/graduation/checkins/{overdue[0]['id']}"
    read = call(client, "GET", visit_url, secret)
    etag = read.headers["ETag"]
    visit = {"done_on": today().isoformat(), "monthly_income": 2_800_000, "note": "Usaha masih jalan."}
    assert call(client, "PUT", visit_url, secret, json=visit).status_code == 428
    early = call(client, "PUT", visit_url, secret, json={**visit, "done_on": "2000-01-01"},
                 headers={"If-Match": etag}, language="en")
    assert early.status_code == 422
    assert early.get_json()["errors"] == {"done_on": ["The visit cannot be before the graduation date."]}
    future = call(client, "PUT", visit_url, secret, json={**visit, "done_on": "2999-01-01"},
                  headers={"If-Match": etag})
    assert future.get_json()["errors"] == {"done_on": ["Tanggal tidak boleh di masa depan."]}
    done = call(client, "PUT", visit_url, secret, json=visit, headers={"If-Match": etag})
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    assert done.get_json()["monthly_income"] == 2_800_000 and done.headers["ETag"] != etag
    stale = call(client, "PUT", visit_url, secret, json={**visit, "note": "Koreksi"}, headers={"If-Match": etag},
                 language="en")
    assert stale.status_code == 412 and "check-in was changed" in stale.get_json()["detail"]
    assert call(client, "GET", visit_url, secret).get_json()["note"] == "Usaha masih jalan."

    done_ids = [item["id"] for item in call(client, "GET", "/api/v1/graduation/checkins?state=done",
                                             secret).get_json()["items"]]
    assert done_ids == [overdue[0]["id"]]
    seen, url = [], "/api/v1/graduation/checkins?limit=2"
    while url:
        body = call(client, "GET", url, secret).get_json()
        seen += body["items"]
        url = f"/api/v1/graduation/checkins?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert len(seen) == 6 and [item["due_on"] for item in seen] == sorted(item["due_on"] for item in seen)
    bad = call(client, "GET", "/api/v1/graduation/checkins?state=late", secret, language="en").get_json()
    assert bad["errors"]["state"][0].startswith("Choose one of: open, overdue")


def test_checkins_are_her_facilitators_alone(client):
    """Another facilitator, or anyone but her facilitator, could read or record a family's follow-up visits."""
    fac_a, fac_b = make_user("facilitator"), make_user("facilitator", areas=[DRAMAGA])
    coordinator = make_user("coordinator")
    record = _graduated(make_household(fac_a, full_name="Euis Rohaeti"), coordinator)
    checkin = record.checkins[0]
    b = token_for(fac_b)
    assert call(client, "GET", "/api/v1/graduation/checkins", b).get_json()["items"] == []
    response = call(client, "GET", f"/api/v1/graduation/checkins/{checkin.id}", b)
    assert response.status_code == 404 and "Euis" not in response.get_data(as_text=True)
    assert call(client, "PUT", f"/api/v1/graduation/checkins/{checkin.id}", b, json={"done_on": today().isoformat()},
                headers={"If-Match": '"x"'}).status_code == 404
    coord = token_for(coordinator)
    assert call(client, "GET", "/api/v1/graduation/checkins", coord).status_code == 403
    # The coordinator reads the visits on the record, as on the record's page.
    on_record = call(client, "GET", f"/api/v1/graduation/records/{record.id}", coord).get_json()
    assert [item["id"] for item in on_record["checkins"]] == [c.id for c in record.checkins]


def test_every_graduation_request_is_audited(client):
    """Who read or decided a graduation through the API would leave no trace."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    record = _graduated(make_household(facilitator), coordinator)
    secret = token_for(coordinator)
    call(client, "GET", "/api/v1/graduation/records", secret)
    call(client, "GET", f"/api/v1/graduation/records/{record.id}", secret)
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.request")
                                     .order_by(AuditEvent.id)))
    assert [(e.target_type, e.target_id, e.detail["status"]) for e in events] == [
        ("graduation_record", None, 200), ("graduation_record", record.id, 200)]
    assert all(e.actor_id == coordinator.id for e in events)


def test_hostile_ids_get_answers_not_errors(client):
    """An id past the database's integer range, or a NUL in a reason, would crash the API (a 500)."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    secret = token_for(facilitator)
    for url in ("/api/v1/graduation/records/2147483648", "/api/v1/graduation/checkins/9223372036854775808"):
        assert call(client, "GET", url, secret).status_code == 404, url
    for query in ("records?household_id=2147483648", "records?household_id=-839313185528",
                  "checkins?household_id=-9223372036854775809"):
        assert call(client, "GET", f"/api/v1/graduation/{query}", secret).get_json()["items"] == [], query
    household = make_household(facilitator, components={})
    response = call(client, "POST", f"/api/v1/graduation/households/{household.id}/records", secret,
                    json=_send("Kue\x00", graduation_type=GraduationType.NATURAL))
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["evidence"]
    nul = call(client, "GET", "/api/v1/graduation/records?cursor=%00", token_for(coordinator))
    assert nul.status_code == 422 and list(nul.get_json()["errors"]) == ["cursor"]


def test_facilitator_confirms_the_checklist_with_if_match_and_the_form_checks(client):
    """A script could confirm half an income, overwrite confirmations unseen, or a coordinator could edit them."""
    facilitator, coordinator = make_user("facilitator"), make_user("coordinator")
    household = make_household(facilitator)
    url = f"/api/v1/graduation/households/{household.id}/readiness"
    secret = token_for(facilitator)
    read = call(client, "GET", url, secret)
    assert read.status_code == 200 and read.get_json()["assessment"]["household_size"] is None
    assert "children_in_school" in [item["code"] for item in read.get_json()["readiness"]["items"]]
    etag = read.headers["ETag"]
    confirm = {"household_size": 4, "children_in_school": "all_attend"}
    assert call(client, "PUT", url, secret, json=confirm).status_code == 428
    half = call(client, "PUT", url, secret, json={**confirm, "monthly_income": 2_500_000}, headers={"If-Match": etag},
                language="en")
    assert half.status_code == 422 and half.get_json()["errors"] == {
        "income_since": ["Enter since when she earns this income."]}
    choice = call(client, "PUT", url, secret, json={"children_in_school": "kadang"}, headers={"If-Match": etag})
    assert choice.get_json()["errors"] == {"children_in_school": ["Pilihan tidak valid."]}
    saved = call(client, "PUT", url, secret, json=confirm, headers={"If-Match": etag})
    assert saved.status_code == 200 and saved.get_json()["assessment"]["children_in_school"] == "all_attend"
    holds = {item["code"]: item["holds"] for item in saved.get_json()["readiness"]["items"]}
    assert holds["children_in_school"] is True
    stale = call(client, "PUT", url, secret, json={}, headers={"If-Match": etag})
    assert stale.status_code == 412
    coord = token_for(coordinator)
    assert call(client, "GET", url, coord).get_json()["assessment"]["household_size"] == 4
    assert call(client, "PUT", url, coord, json={}, headers={"If-Match": saved.headers["ETag"]}).status_code == 403
    assert call(client, "GET", url, token_for(make_user("facilitator", areas=[DRAMAGA]))).status_code == 404
