"""Home visits and the outbox's sync endpoint: applied once, in order, conflicts refused, scoped."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.graduation import services as graduation_services
from matchmaker.models import (
    FormSubmission,
    GraduationCheckin,
    HomeVisit,
    Household,
    HouseholdStatus,
    Match,
    MatchStatus,
    Role,
    SyncConflict,
)
from matchmaker.sync.services import checkin_version, household_version
from tests.conftest import make_household, make_organization, make_user
from tests.graduation.helpers import add_match, months_ago, today
from tests.matches.factories import make_offer

KEY_A = "visit-key-aaaaaaaaaaaaaaaa"
KEY_B = "visit-key-bbbbbbbbbbbbbbbb"


def her_household(facilitator, **fields) -> Household:
    """A household of hers whose stored profile the edit form accepts as it stands."""
    household = make_household(facilitator, full_name="Siti Aminah", travel_range="desa", **fields)
    nik = household.nik  # digits 7-12: her birth date, the day plus 40 for a woman
    household.birth_date = dt.date(1900 + int(nik[10:12]), int(nik[8:10]), int(nik[6:8]) - 40)
    db.session.commit()
    return household


def visit_action(household: Household, key: str = KEY_A, **fields: str) -> dict:
    """A home visit as the outbox queues it from the household page."""
    values = {"visited_on": today().isoformat(), "notes": "Usaha kue jalan, pesanan naik.", "changes": "",
              "submission_token": key}
    values.update(fields)
    return {"key": key, "kind": "visit", "target": household.id, "fields": [[k, v] for k, v in values.items()]}


def profile_fields(household: Household, **changes: str | list[str]) -> list[list[str]]:
    """The profile form as the edit page renders it for ``household``, with ``changes`` typed in."""
    values: dict[str, str | list[str]] = {
        "full_name": household.full_name, "nik": household.nik, "birth_date": household.birth_date.isoformat(),
        "desa_code": household.desa_code, "desa": "",
        "skills_text": household.skills_text or "", "interests": household.interests or "",
        "work_experience": household.work_experience or "", "business_experience": "",
        "work_preference": household.work_preference, "hours_per_week": str(household.hours_per_week or ""),
        "travel_range": household.travel_range, "status": household.status, "submit": "1",
    }
    values.update(changes)
    pairs = []
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append([name, item])
    return pairs


def profile_action(household: Household, version: str, key: str, base=None, **changes) -> dict:
    """A profile edit as the outbox queues it: her fields, the version she read, what she read."""
    return {"key": key, "kind": "profile", "target": household.id, "version": version,
            "fields": profile_fields(household, **changes), "base": base or []}


def sync(client, action: dict, language: str | None = None):
    """POST one action to the sync endpoint."""
    headers = {"Accept-Language": language} if language else {}
    return client.post("/sync/actions", json=action, headers=headers)


def test_visit_page_records_a_visit_shown_in_her_history(app, client, login_as):
    """A facilitator could not write down a home visit, or it would not appear in the household's history."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator)
    page = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert 'data-offline-kind="visit"' in page
    response = client.post(f"/households/{household.id}/visits/new", data={
        "visited_on": today().isoformat(), "notes": "Bertemu ibu, usaha jahit mulai.", "changes": "Beli mesin jahit.",
        "submission_token": "page-token-aaaaaaaaaaaaaa"})
    assert response.status_code == 302
    visit = db.session.scalar(select(HomeVisit))
    assert (visit.household_id, visit.facilitator_id) == (household.id, facilitator.id)
    assert visit.changes == "Beli mesin jahit."
    page = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Bertemu ibu, usaha jahit mulai." in page and "Beli mesin jahit." in page


def test_visit_in_the_future_or_without_notes_is_refused_in_her_language(app, client, login_as):
    """A visit dated tomorrow would be saved, or she would not read why it was refused (id, then en)."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator)
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = sync(client, visit_action(household, visited_on=tomorrow, notes=""))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "invalid"
    assert body["errors"]["visited_on"] == ["Tanggal kunjungan tidak boleh di masa depan."]
    assert body["errors"]["notes"] == ["Tuliskan apa yang Anda lihat atau bicarakan."]
    facilitator.preferred_language = "en"
    db.session.commit()
    body = sync(client, visit_action(household, visited_on=tomorrow)).get_json()
    assert body["errors"]["visited_on"] == ["The date of the visit cannot be in the future."]
    page = client.post(f"/households/{household.id}/visits/new", data={"visited_on": tomorrow, "notes": "x"})
    assert page.status_code == 422 and "cannot be in the future" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(HomeVisit.id))) == 0


def test_replayed_action_is_applied_once(app, client, login_as):
    """An answer lost on the way back would make the phone send again, and the visit would be saved twice."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator)
    first = sync(client, visit_action(household))
    assert first.status_code == 200 and first.get_json()["status"] == "applied"
    again = sync(client, visit_action(household))
    assert again.status_code == 200 and again.get_json() == {
        "status": "applied", "url": f"/households/{household.id}#visits", "repeated": True}
    assert db.session.scalar(select(func.count(HomeVisit.id))) == 1


def test_actions_are_applied_in_the_order_sent(app, client, login_as):
    """Two visits queued offline would be stored out of order (or one lost)."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator)
    sync(client, visit_action(household, KEY_A, notes="Pertama"))
    sync(client, visit_action(household, KEY_B, notes="Kedua"))
    notes = db.session.scalars(select(HomeVisit.notes).order_by(HomeVisit.id)).all()
    assert notes == ["Pertama", "Kedua"]


def test_another_facilitators_household_is_refused(app, client, login_as):
    """A facilitator could write visits or edits into another facilitator's household through the outbox."""
    login_as(Role.FACILITATOR)
    other = make_user(Role.FACILITATOR)
    household = her_household(other)
    response = sync(client, visit_action(household))
    assert response.status_code == 404 and response.get_json()["status"] == "refused"
    response = sync(client, profile_action(household, household_version(household), KEY_B, interests="x"))
    assert response.status_code == 404
    assert client.get(f"/households/{household.id}/visits/new").status_code == 404
    assert db.session.scalar(select(func.count(HomeVisit.id))) == 0
    assert db.session.scalar(select(func.count(FormSubmission.id))) == 0


def test_sync_needs_a_facilitators_session_and_answers_json(app, client, login_as):
    """A logged-out phone would read the login page as "sent" and drop what waited."""
    response = client.post("/sync/actions", json={"key": KEY_A})
    assert response.status_code == 401 and response.get_json()["status"] == "login"
    assert client.get("/sync/token").status_code == 401
    login_as(Role.COORDINATOR)
    assert client.post("/sync/actions", json={}).status_code == 403


def test_broken_action_is_refused_without_writing(app, client, login_as):
    """A malformed replay could crash the endpoint or write half an action."""
    facilitator = login_as(Role.FACILITATOR)
    household = make_household(facilitator)
    for body in ({"key": "short", "kind": "visit", "target": household.id},
                 {"key": KEY_A, "kind": "graduate", "target": household.id},
                 {"key": KEY_A, "kind": "visit", "target": "x"},
                 {"key": KEY_A, "kind": "visit", "target": household.id, "fields": "notes=1"},
                 [1, 2]):
        assert sync(client, body).status_code == 400
    assert client.get("/sync/token").get_json()["csrf_token"]
    assert db.session.scalar(select(func.count(HomeVisit.id))) == 0


def test_profile_edit_made_offline_is_applied_with_the_version_read(app, client, login_as):
    """Her offline profile edit would not reach the server when nothing changed meanwhile."""
    facilitator = login_as(Role.FACILITATOR)
    household = her_household(facilitator, interests="menjahit")
    action = profile_action(household, household_version(household), KEY_A, interests="menjahit, memasak",
                            hours_per_week="20", work_preference="own_business")
    response = sync(client, action)
    assert response.get_json()["status"] == "applied"
    db.session.expire_all()
    assert (household.interests, household.hours_per_week, household.work_preference) == (
        "menjahit, memasak", 20, "own_business")
    assert sync(client, action).get_json()["repeated"] is True


def test_profile_edit_without_the_unchanged_nik_keeps_it(app, client, login_as):
    """The phone keeps no full NIK she did not change: an edit sent without it would be refused or erase it."""
    facilitator = login_as(Role.FACILITATOR)
    household = her_household(facilitator, interests="menjahit", kk_number="3201160101900001")
    nik = household.nik
    action = profile_action(household, household_version(household), KEY_A, interests="memasak")
    action["fields"] = [pair for pair in action["fields"] if pair[0] not in ("nik", "kk_number")]
    assert sync(client, action).get_json()["status"] == "applied"
    db.session.expire_all()
    assert (household.interests, household.nik, household.kk_number) == ("memasak", nik, "3201160101900001")


def test_conflicting_edit_is_refused_with_both_versions_and_resolved_field_by_field(app, client, login_as):
    """An offline edit would silently overwrite a change made on the server meanwhile, or could not be resolved."""
    facilitator = login_as(Role.FACILITATOR)
    household = her_household(facilitator, interests="menjahit", hours_per_week=10)
    version = household_version(household)
    base = profile_fields(household)
    # Meanwhile, on the server (another device): hours and interests change.
    household.hours_per_week = 30
    household.interests = "berdagang"
    db.session.commit()
    action = profile_action(household, version, KEY_A, base=base, interests="memasak", hours_per_week="10",
                            work_experience="Pernah kerja di warung")
    response = sync(client, action)
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "conflict"
    fields = {field["name"]: field for field in body["fields"]}
    assert fields["interests"]["mine"] == "memasak" and fields["interests"]["theirs"] == "berdagang"
    assert fields["hours_per_week"]["mine"] == "10" and fields["hours_per_week"]["theirs"] == "30"
    assert fields["interests"]["label"] == "Minat"
    db.session.expire_all()
    assert (household.interests, household.hours_per_week, household.work_experience or "") == ("berdagang", 30, "")
    # Sent again before she chose: the same conflict, no second one.
    assert sync(client, action).status_code == 409
    assert db.session.scalar(select(func.count(SyncConflict.id))) == 1

    page = client.get(body["resolve_url"]).get_data(as_text=True)
    assert "Versi Anda:" in page and "Versi di server:" in page
    # She changed interests and work experience; hours were changed on the server only: theirs is proposed.
    assert re.search(r'name="choice-hours_per_week" value="theirs" checked', page)
    assert re.search(r'name="choice-interests" value="mine" checked', page)
    version_now = re.search(r'name="version" value="([^"]+)"', page).group(1)
    response = client.post(body["resolve_url"], data={
        "version": version_now, "choice-interests": "mine", "choice-hours_per_week": "theirs",
        "choice-work_experience": "mine"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (household.interests, household.hours_per_week, household.work_experience) == (
        "memasak", 30, "Pernah kerja di warung")
    # The outbox sends it once more: the key is now used, nothing is applied again.
    again = sync(client, action).get_json()
    assert again["status"] == "applied" and again["repeated"] is True
    assert client.get(body["resolve_url"]).status_code == 404


def test_resolution_against_a_record_changed_again_writes_nothing(app, client, login_as):
    """Choices made against an old server version would overwrite a change made while she was choosing."""
    facilitator = login_as(Role.FACILITATOR)
    household = her_household(facilitator, interests="menjahit")
    version = household_version(household)
    household.interests = "berdagang"
    db.session.commit()
    url = sync(client, profile_action(household, version, KEY_A, interests="memasak")).get_json()["resolve_url"]
    stale = household_version(household)
    household.interests = "bertani"
    db.session.commit()
    response = client.post(url, data={"version": stale, "choice-interests": "mine"})
    assert response.status_code == 409
    assert "berubah lagi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert household.interests == "bertani"


def test_another_facilitator_cannot_open_her_conflict(app, client, login_as):
    """One facilitator could read another's conflicting edit (and her household's data)."""
    facilitator = login_as(Role.FACILITATOR)
    household = her_household(facilitator, interests="menjahit")
    version = household_version(household)
    household.interests = "berdagang"
    db.session.commit()
    url = sync(client, profile_action(household, version, KEY_A, interests="memasak")).get_json()["resolve_url"]
    client.post("/auth/logout")
    login_as(Role.FACILITATOR)
    assert client.get(url).status_code == 404
    assert sync(client, profile_action(household, version, KEY_A, interests="memasak")).status_code == 404


def _graduated_checkin(facilitator) -> GraduationCheckin:
    household = make_household(facilitator, status=HouseholdStatus.IN_PROGRESS, components={"anak_sd": 1})
    add_match(household, organization=make_organization(), started_on=months_ago(7), income_after=3_500_000)
    record = graduation_services.submit(facilitator, household, graduation_services.SubmissionData(
        "sejahtera_mandiri", months_ago(3, days=2), "Bukti."))
    graduation_services.approve(make_user(Role.COORDINATOR), record)
    return graduation_services.checkins_of(household)[0]


def test_checkin_and_consent_recorded_offline_are_applied(app, client, login_as):
    """A check-in or her consent recorded at the door without signal would be lost on replay."""
    app.config["GRADUATION_UMK"] = 3_000_000
    facilitator = login_as(Role.FACILITATOR)
    checkin = _graduated_checkin(facilitator)
    action = {"key": "checkin-key-aaaaaaaaaaaa", "kind": "checkin", "target": checkin.id,
              "version": checkin_version(checkin),
              "fields": [["done_on", today().isoformat()], ["monthly_income", "3600000"], ["note", "Masih jalan."]]}
    assert sync(client, action).get_json()["status"] == "applied"
    db.session.expire_all()
    assert (checkin.done_on, checkin.monthly_income) == (today(), 3_600_000)
    household = make_household(facilitator)
    match = Match(household_id=household.id, offer_id=make_offer(make_organization(), places=3).id,
                  status=MatchStatus.PROPOSED)
    db.session.add(match)
    db.session.commit()
    consent = {"key": "consent-key-aaaaaaaaaaaa", "kind": "consent", "target": match.id, "fields": []}
    assert sync(client, consent).get_json()["status"] == "applied"
    assert sync(client, consent).get_json()["repeated"] is True
    db.session.expire_all()
    assert match.consent_at is not None


def test_checkin_changed_meanwhile_is_a_conflict_she_resolves(app, client, login_as):
    """A check-in corrected offline would overwrite one recorded meanwhile on another device."""
    app.config["GRADUATION_UMK"] = 3_000_000
    facilitator = login_as(Role.FACILITATOR)
    checkin = _graduated_checkin(facilitator)
    version = checkin_version(checkin)
    checkin.done_on, checkin.monthly_income, checkin.note = today(), 3_000_000, "Dicatat di ponsel lain."
    db.session.commit()
    action = {"key": "checkin-key-bbbbbbbbbbbb", "kind": "checkin", "target": checkin.id, "version": version,
              "fields": [["done_on", today().isoformat()], ["monthly_income", "3600000"], ["note", ""]]}
    response = sync(client, action)
    assert response.status_code == 409
    fields = {field["name"]: field for field in response.get_json()["fields"]}
    assert set(fields) == {"monthly_income", "note"}
    assert (fields["monthly_income"]["mine"], fields["monthly_income"]["theirs"]) == ("3600000", "3000000")
    url = response.get_json()["resolve_url"]
    page = client.get(url).get_data(as_text=True)
    version_now = re.search(r'name="version" value="([^"]+)"', page).group(1)
    assert client.post(url, data={"version": version_now, "choice-monthly_income": "mine",
                                  "choice-note": "theirs"}).status_code == 302
    db.session.expire_all()
    assert (checkin.monthly_income, checkin.note) == (3_600_000, "Dicatat di ponsel lain.")
