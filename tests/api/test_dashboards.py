"""``/api/v1/dashboards``: the home pages' figures with their period, scoped by role, paged and sorted."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import (
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    HouseholdStatus,
    MatchStatus,
    Region,
    Role,
)
from tests.api.helpers import call, token_for
from tests.conftest import CIBUNGBULANG, DRAMAGA, make_household, make_organization, make_user
from tests.graduation.helpers import add_match, today


@pytest.fixture
def district(app):
    """Ani (Cibungbulang) and Budi (Dramaga) with known figures, and the coordinator of Kab. Bogor.

    Ani: 4 households — 1 graduated this year, 1 last year (a check-in 5 days overdue), 1 with a
    proposal, 1 active without any match and with a graduation waiting. Target ceil(0.4) = 1: 100%.
    Budi: 3 active households without a match. Target 1: 0%.
    """
    on = today()
    dramaga_desa = db.session.scalar(select(Region.code).where(Region.parent_code == DRAMAGA).order_by(Region.code))
    ani = make_user(Role.FACILITATOR, name="Ani Pendamping", areas=[CIBUNGBULANG])
    budi = make_user(Role.FACILITATOR, name="Budi Pendamping", areas=[DRAMAGA])
    coordinator = make_user(Role.COORDINATOR, name="Korkab")
    make_household(ani, status=HouseholdStatus.GRADUATED, graduation_type="alamiah", graduated_on=on)
    last_year = make_household(ani, status=HouseholdStatus.GRADUATED, graduation_type="alamiah",
                               graduated_on=dt.date(on.year - 1, 6, 1))
    add_match(make_household(ani), organization=make_organization(), status=MatchStatus.PROPOSED)
    waiting = make_household(ani)
    record = GraduationRecord(household_id=last_year.id, graduation_type="alamiah", graduated_on=last_year.graduated_on,
                              evidence="Anak sudah lulus SMA.", status=GraduationStatus.APPROVED)
    db.session.add_all([record, GraduationRecord(household_id=waiting.id, graduation_type="alamiah", graduated_on=on,
                                                 evidence="Komponen habis.", status=GraduationStatus.PENDING)])
    db.session.flush()
    db.session.add(GraduationCheckin(household_id=last_year.id, record_id=record.id, months_after=3,
                                     due_on=on - dt.timedelta(days=5)))
    db.session.commit()
    for _ in range(3):
        make_household(budi, desa_code=dramaga_desa)
    return {"ani": ani, "budi": budi, "coordinator": coordinator}


def test_facilitator_gets_her_own_figures_and_their_period(client, district):
    """A district office would misread the year or day a figure holds for, or a facilitator's figures would be wrong."""
    secret = token_for(district["ani"], "read")
    body = call(client, "GET", "/api/v1/dashboards/summary", secret).get_json()
    assert body["period"] == {"year": today().year, "as_of": today().isoformat(), "time_zone": "Asia/Jakarta",
                              "target_share_percent": 10}
    assert body["scope"] == {"role": "facilitator", "area_codes": [CIBUNGBULANG]}
    assert body["figures"] == {
        "households": 4, "by_status": {"active": 2, "in_progress": 0, "graduated": 2, "exited": 0},
        "graduated_this_year": 1, "target": 1, "progress_percent": 100, "without_proposal": 1, "checkins_due": 1}
    assert {state: count for state, count in body["matches_by_state"].items() if count} == {"proposed": 1}
    assert body["pending_graduations"] == 1
    lines = call(client, "GET", "/api/v1/dashboards/facilitators", secret).get_json()
    assert [(line["facilitator_id"], line["households"]) for line in lines["items"]] == [(district["ani"].id, 4)]
    assert lines["period"]["year"] == today().year and lines["next_cursor"] is None
    refused = call(client, "GET", "/api/v1/dashboards/kecamatan", secret)
    assert refused.status_code == 403 and refused.content_type == "application/problem+json"


def test_coordinator_gets_figures_per_facilitator_and_kecamatan(client, district):
    """The coordinator's or the data office's table per facilitator or per kecamatan would be miscounted."""
    secret = token_for(district["coordinator"])
    body = call(client, "GET", "/api/v1/dashboards/summary", secret).get_json()
    assert body["figures"] == {
        "households": 7, "by_status": {"active": 5, "in_progress": 0, "graduated": 2, "exited": 0},
        "graduated_this_year": 1, "target": 1, "progress_percent": 100, "without_proposal": 4, "checkins_due": 1}
    assert body["pending_graduations"] == 1 and body["scope"]["role"] == "coordinator"
    lines = call(client, "GET", "/api/v1/dashboards/facilitators?sort=name", secret).get_json()["items"]
    assert [(line["name"], line["households"], line["graduated_this_year"], line["target"], line["progress_percent"],
             line["without_proposal"], line["checkins_due"]) for line in lines] == [
        ("Ani Pendamping", 4, 1, 1, 100, 1, 1), ("Budi Pendamping", 3, 0, 1, 0, 3, 0)]
    kecamatan = call(client, "GET", "/api/v1/dashboards/kecamatan?sort=-caseload", secret).get_json()["items"]
    assert [(line["code"], line["households"], line["without_proposal"]) for line in kecamatan] == [
        (CIBUNGBULANG, 4, 1), (DRAMAGA, 3, 3)]
    assert kecamatan[1]["name"] == db.session.get(Region, DRAMAGA).display_name


def test_lines_are_paged_with_cursors_valid_for_their_sort_only(client, district):
    """A script paging the table would miss or repeat a line, or continue a page in another order."""
    secret = token_for(district["coordinator"])
    first = call(client, "GET", "/api/v1/dashboards/facilitators?sort=-progress&limit=1", secret).get_json()
    assert [line["name"] for line in first["items"]] == ["Ani Pendamping"]
    url = f"/api/v1/dashboards/facilitators?sort=-progress&limit=1&cursor={first['next_cursor']}"
    second = call(client, "GET", url, secret).get_json()
    assert [line["name"] for line in second["items"]] == ["Budi Pendamping"] and second["next_cursor"] is None
    other = call(client, "GET", f"/api/v1/dashboards/facilitators?sort=name&cursor={first['next_cursor']}", secret)
    assert other.status_code == 422 and "cursor" in other.get_json()["errors"]
    bad = call(client, "GET", "/api/v1/dashboards/kecamatan?sort=size", secret, language="en").get_json()
    assert bad["errors"]["sort"][0].startswith("Choose one of: name, -name, caseload")
    assert call(client, "GET", "/api/v1/dashboards/kecamatan?sort=size", secret).get_json()["errors"]["sort"][0] \
        .startswith("Pilih salah satu: name, -name")


def test_a_coordinator_of_one_kecamatan_sees_only_its_figures(client, district):
    """A coordinator would see the figures of facilitators and kecamatan outside her area."""
    secret = token_for(make_user(Role.COORDINATOR, areas=[DRAMAGA]))
    assert [line["name"] for line in call(client, "GET", "/api/v1/dashboards/facilitators",
                                          secret).get_json()["items"]] == ["Budi Pendamping"]
    assert [line["code"] for line in call(client, "GET", "/api/v1/dashboards/kecamatan",
                                          secret).get_json()["items"]] == [DRAMAGA]
    body = call(client, "GET", "/api/v1/dashboards/summary", secret).get_json()
    assert body["figures"]["households"] == 3 and body["pending_graduations"] == 0


def test_partners_and_the_admin_get_403_as_their_home_pages_show_no_caseload(client, district):
    """A business, a village office or the admin could pull caseload figures their pages do not show them."""
    for role in (Role.BUSINESS, Role.VILLAGE_OFFICE, Role.ADMIN):
        user = make_user(role, organization=None if role == Role.ADMIN else make_organization())
        for path in ("summary", "facilitators", "kecamatan"):
            response = call(client, "GET", f"/api/v1/dashboards/{path}", token_for(user))
            assert response.status_code == 403, (role, path)
    assert call(client, "GET", "/api/v1/dashboards/summary", None).status_code == 401
