"""Dashboards on a small hand-built district: exact counts, sorting, scoping and .xlsx exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.main import dashboards
from matchmaker.models import (
    AuditEvent,
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    HouseholdStatus,
    MatchStatus,
    OfferKind,
    OrgKind,
    Region,
    Role,
)
from tests.conftest import CIBUNGBULANG, DRAMAGA, log_in, make_household, make_organization, make_user
from tests.graduation.helpers import add_match, today
from tests.matches.factories import make_offer

FORMULA_NAME = '=HYPERLINK("http://contoh.test","klik")'


@pytest.fixture
def district(app):
    """Two facilitators, a coordinator, three partners and their matches, with known figures.

    Ani (Cibungbulang): 12 households — 2 graduated this year, 1 last year, 1 exited, 3 with a
    match (proposed, started, declined), 5 active without any match (one named like a formula).
    Target ceil(1.2) = 2, so 100%. Check-ins: one overdue, one due in 10 days, one in 60 days, one done.
    Budi (Dramaga): 10 households — 2 started in a village program, 8 without a match; target 1, 0%.
    """
    on = today()
    dramaga_desa = db.session.scalar(select(Region.code).where(Region.parent_code == DRAMAGA).order_by(Region.code))
    ani = make_user(Role.FACILITATOR, name="Ani Pendamping", areas=[CIBUNGBULANG])
    budi = make_user(Role.FACILITATOR, name="Budi Pendamping", areas=[DRAMAGA])
    coordinator = make_user(Role.COORDINATOR, name="Korkab")
    konveksi = make_organization(name="Konveksi Bu Ade")
    warung = make_organization(name="Warung Sembako")
    village = make_organization(OrgKind.VILLAGE_OFFICE, name="Kantor Desa Dramaga", desa_code=dramaga_desa)
    other_village = make_organization(OrgKind.VILLAGE_OFFICE, name="Kantor Desa Lain")
    program = make_offer(village, kind=OfferKind.PADAT_KARYA, title="PKTD saluran air", places=4,
                         desa_code=dramaga_desa, reach="kecamatan")
    make_offer(village, kind=OfferKind.TRAINING, title="Pelatihan kue", places=3, desa_code=dramaga_desa)
    make_offer(other_village, kind=OfferKind.BUMDES, title="BUMDes air minum", places=2)

    graduated = [make_household(ani, status=HouseholdStatus.GRADUATED, graduation_type="alamiah", graduated_on=on)
                 for _ in range(2)]
    last_year = make_household(ani, status=HouseholdStatus.GRADUATED, graduation_type="alamiah",
                               graduated_on=dt.date(on.year - 1, 6, 1))
    make_household(ani, status=HouseholdStatus.EXITED)
    proposed = make_household(ani)
    add_match(proposed, organization=warung, status=MatchStatus.PROPOSED)
    started = make_household(ani, status=HouseholdStatus.IN_PROGRESS)
    add_match(started, organization=konveksi, status=MatchStatus.STARTED, started_on=on)
    declined = make_household(ani)
    add_match(declined, organization=warung, status=MatchStatus.DECLINED)
    unmatched = [make_household(ani) for _ in range(4)] + [make_household(ani, full_name=FORMULA_NAME)]

    record = GraduationRecord(household_id=last_year.id, graduation_type="alamiah", graduated_on=last_year.graduated_on,
                              evidence="Anak sudah lulus SMA.", status=GraduationStatus.APPROVED)
    db.session.add(record)
    db.session.flush()
    for months, due_on, done_on in ((3, on - dt.timedelta(days=5), None), (6, on + dt.timedelta(days=10), None),
                                    (12, on + dt.timedelta(days=60), None), (1, on - dt.timedelta(days=40), on)):
        db.session.add(GraduationCheckin(household_id=last_year.id, record_id=record.id, months_after=months,
                                         due_on=due_on, done_on=done_on))
    db.session.commit()

    for index in range(10):
        household = make_household(budi, desa_code=dramaga_desa,
                                   status=HouseholdStatus.IN_PROGRESS if index < 2 else HouseholdStatus.ACTIVE)
        if index < 2:
            add_match(household, program, status=MatchStatus.STARTED, started_on=on)
    return {
        "ani": ani, "budi": budi, "coordinator": coordinator, "village": village, "other_village": other_village,
        "konveksi": konveksi, "warung": warung, "graduated": graduated, "unmatched": unmatched,
    }


def rows_of(content: bytes) -> list[list[object]]:
    """The cell values of the first sheet of an .xlsx."""
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_facilitator_figures(app, district):
    """Her caseload, 10% progress, pipeline, unmatched households or check-ins would be miscounted."""
    board = dashboards.facilitator_dashboard(district["ani"], today())
    assert board.summary.total == 12
    assert (board.summary.graduated_this_year, board.summary.target, board.summary.progress_percent) == (2, 2, 100)
    assert {status: count for status, count in board.pipeline.items() if count} == {
        "proposed": 1, "started": 1, "declined": 1}
    assert board.unmatched_count == 5
    assert {h.id for h in board.unmatched} == {h.id for h in district["unmatched"]}
    assert [(row.checkin.months_after, row.state) for row in board.checkins] == [(3, "overdue"), (6, "upcoming")]


def test_facilitator_home_page_shows_the_figures(app, client, district):
    """The home page would not show her progress toward the 10% or her due check-ins."""
    log_in(client, district["ani"])
    page = client.get("/home").get_data(as_text=True)
    assert 'class="meter"' in page and 'class="bars"' in page
    assert "2 dari 2" in page  # the meter's figures are written out, not only drawn
    assert "Terlambat" in page
    assert "5 KPM yang masih berproses belum punya pencocokan sama sekali." in page
    assert "Unduh .xlsx" in page


def test_coordinator_rows_per_facilitator_and_kecamatan(app, district):
    """A facilitator's or a kecamatan's figures on the coordinator's page would be wrong."""
    on = today()
    by_facilitator = {row.name: row for row in dashboards.facilitator_rows(district["coordinator"], on)}
    ani, budi = by_facilitator["Ani Pendamping"], by_facilitator["Budi Pendamping"]
    assert (ani.caseload, ani.summary.graduated_this_year, ani.summary.target, ani.summary.progress_percent,
            ani.unmatched, ani.checkins_due) == (12, 2, 2, 100, 5, 1)
    assert (budi.caseload, budi.summary.graduated_this_year, budi.summary.target, budi.summary.progress_percent,
            budi.unmatched, budi.checkins_due) == (10, 0, 1, 0, 8, 0)
    by_kecamatan = {row.key: row for row in dashboards.kecamatan_rows(district["coordinator"], on)}
    assert set(by_kecamatan) == {CIBUNGBULANG, DRAMAGA}
    assert (by_kecamatan[CIBUNGBULANG].caseload, by_kecamatan[CIBUNGBULANG].summary.graduated_this_year,
            by_kecamatan[CIBUNGBULANG].unmatched, by_kecamatan[CIBUNGBULANG].checkins_due) == (12, 2, 5, 1)
    assert (by_kecamatan[DRAMAGA].caseload, by_kecamatan[DRAMAGA].unmatched) == (10, 8)
    assert by_kecamatan[DRAMAGA].name == db.session.get(Region, DRAMAGA).display_name


def test_coordinator_of_one_kecamatan_sees_only_it(app, district):
    """A coordinator would see the figures of kecamatan outside her area."""
    dramaga_only = make_user(Role.COORDINATOR, areas=[DRAMAGA])
    assert [row.key for row in dashboards.kecamatan_rows(dramaga_only, today())] == [DRAMAGA]
    assert [row.name for row in dashboards.facilitator_rows(dramaga_only, today())] == ["Budi Pendamping"]
    assert [row.organization.name for row in dashboards.partner_rows(dramaga_only)] == ["Kantor Desa Dramaga"]


def test_partners_by_confirmed_matches(app, district):
    """Partners would be ranked by proposals rather than by matches that actually started."""
    rows = [(row.organization.name, row.confirmed) for row in dashboards.partner_rows(district["coordinator"])]
    assert rows == [("Kantor Desa Dramaga", 2), ("Konveksi Bu Ade", 1), ("Kantor Desa Lain", 0),
                    ("Warung Sembako", 0)]


def test_coordinator_table_sorts_by_progress_from_the_header_links(app, client, district):
    """The coordinator could not bring the facilitators furthest from the target to the top."""
    log_in(client, district["coordinator"])
    ascending = client.get("/home?fsort=progress").get_data(as_text=True)
    assert ascending.index("Budi Pendamping") < ascending.index("Ani Pendamping")
    descending = client.get("/home?fsort=-progress").get_data(as_text=True)
    assert descending.index("Ani Pendamping") < descending.index("Budi Pendamping")
    assert 'aria-sort="descending"' in descending
    assert "fsort=progress" in descending  # the header link toggles back
    assert client.get("/home?fsort=drop+table").status_code == 200


def test_sort_rows_breaks_ties_by_name():
    """Equal rows would jump around between page loads."""
    base = dashboards.ProgressRow("1", "Zaenab", "", dashboards.CaseloadSummary(total=10))
    rows = [base, dataclasses.replace(base, key="2", name="Ani")]
    assert [row.name for row in dashboards.sort_rows(rows, "progress")] == ["Ani", "Zaenab"]
    assert dashboards.normalise_sort("nonsense") == "progress"


def test_village_office_sees_how_full_its_programs_are(app, client, district):
    """A village office would not see its programs filling up, or would see another village's."""
    user = make_user(Role.VILLAGE_OFFICE, organization=district["village"])
    log_in(client, user)
    page = client.get("/home").get_data(as_text=True)
    assert "PKTD saluran air" in page and "terisi 50%" in page
    assert "BUMDes air minum" not in page
    rows = rows_of(client.get("/home/programs.xlsx").data)
    assert rows[0][:3] == ["Judul", "Jenis", "Status"] and len(rows[0]) == 6
    assert sorted((row[0], row[3], row[4], row[5]) for row in rows[1:]) == [
        ("PKTD saluran air", 2, 4, 50), ("Pelatihan kue", 0, 3, 0)]


def test_facilitator_exports_unmatched_households_neutralised_and_audited(app, client, district):
    """A name typed as a formula would run in the spreadsheet, or the export of names would leave no trace."""
    log_in(client, district["ani"])
    response = client.get("/home/unmatched.xlsx")
    assert response.status_code == 200
    rows = rows_of(response.data)
    names = sorted(row[0] for row in rows[1:])
    assert len(names) == 5
    assert "'" + FORMULA_NAME in names
    assert FORMULA_NAME not in names
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dashboard.export"))
    assert audit.actor_id == district["ani"].id and audit.detail == {"table": "unmatched", "rows": 5}


def test_facilitator_exports_pipeline_and_checkins(app, client, district):
    """The pipeline or check-ins sheet would not match the page."""
    log_in(client, district["ani"])
    pipeline = rows_of(client.get("/home/pipeline.xlsx").data)
    assert pipeline[0] == ["Status", "Pencocokan"]
    assert [row[1] for row in pipeline[1:]] == [1, 0, 0, 1, 1, 0, 0]  # in the order of MatchStatus.ALL
    checkins = rows_of(client.get("/home/checkins.xlsx").data)
    assert [row[2] for row in checkins[1:]] == [3, 6, 12]  # every open one, not only the next 30 days


def test_coordinator_exports_follow_the_sort(app, client, district):
    """The downloaded table would be in another order than the one on screen."""
    log_in(client, district["coordinator"])
    rows = rows_of(client.get("/home/facilitators.xlsx?sort=-progress").data)
    assert [row[0] for row in rows[1:]] == ["Ani Pendamping", "Budi Pendamping"]
    assert rows[1][2:] == [12, 2, 2, 100, 5, 1]
    kecamatan = rows_of(client.get("/home/kecamatan.xlsx?sort=-caseload").data)
    assert [row[2] for row in kecamatan[1:]] == [12, 10]
    partners = rows_of(client.get("/home/partners.xlsx").data)
    assert partners[1][0] == "Kantor Desa Dramaga" and partners[1][3] == 2


def test_exports_are_scoped_to_the_role(app, client, district):
    """A facilitator could download the coordinator's tables, or another facilitator's households."""
    log_in(client, district["budi"])
    assert client.get("/home/facilitators.xlsx").status_code == 404
    rows = rows_of(client.get("/home/unmatched.xlsx").data)
    assert len(rows) == 1 + 8
    assert not any(str(row[0]).endswith("klik\")") for row in rows)
