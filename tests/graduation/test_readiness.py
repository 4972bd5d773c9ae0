"""The readiness checklist: each criterion, its weight, the required ones and the score."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.extensions import db
from matchmaker.graduation import services
from matchmaker.graduation.readiness import CRITERIA, Thresholds, add_months, evaluate
from matchmaker.models import MatchStatus, SchoolAttendance
from tests.conftest import make_household, make_organization, make_user
from tests.graduation.helpers import add_match, assess, months_ago, today

NO_COMPONENTS = {"anak_sd": 0, "lansia": 0}


@pytest.fixture
def facilitator(app):
    """A facilitator of Cibungbulang."""
    return make_user()


@pytest.fixture
def business(app):
    """An active business in Sukamaju."""
    return make_organization()


def check(household):
    """The checklist of ``household`` as the app computes it now."""
    db.session.expire_all()
    return services.readiness(household)


def test_checklist_weights_add_up_to_100_and_income_and_livelihood_are_required():
    """The score would not read as a percentage, or a family could be 'ready' without an income."""
    assert sum(criterion.weight for criterion in CRITERIA) == 100
    assert {criterion.code for criterion in CRITERIA if criterion.required} == {"income", "livelihood"}


def test_add_months_clamps_to_the_end_of_a_short_month():
    """A check-in after a 31 January graduation would crash or fall in March."""
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 5, 15), -6) == dt.date(2025, 11, 15)


def test_income_above_the_umk_for_six_months_holds(app, facilitator, business):
    """A woman earning above the minimum wage for half a year would not be counted ready."""
    app.config["GRADUATION_UMK"] = 5_000_000
    household = make_household(facilitator)
    add_match(household, organization=business, started_on=months_ago(6), income_after=5_000_000)
    assert check(household).result("income").holds is True


def test_income_of_a_match_younger_than_six_months_does_not_count_yet(app, facilitator, business):
    """A job started last month would already count as a sustained income."""
    app.config["GRADUATION_UMK"] = 5_000_000
    household = make_household(facilitator)
    add_match(household, organization=business, started_on=months_ago(5), income_after=6_000_000)
    result = check(household).result("income")
    assert result.holds is False
    assert "enam bulan" in result.detail


def test_income_below_the_umk_holds_above_the_poverty_line_of_her_household(app, facilitator, business):
    """A family of four above the poverty line would be judged against the minimum wage only."""
    app.config.update(GRADUATION_UMK=5_000_000, GRADUATION_POVERTY_LINE=600_000)
    household = make_household(facilitator)
    add_match(household, organization=business, started_on=months_ago(8), income_after=2_500_000)
    assert check(household).result("income").holds is False  # size unknown: the UMK applies
    assess(household, household_size=4)  # poverty line 4 × 600.000 = 2.400.000
    assert check(household).result("income").holds is True


def test_dropped_or_declined_matches_do_not_count_as_income_or_livelihood(app, facilitator, business):
    """A placement that ended in failure would make the family look ready."""
    household = make_household(facilitator)
    add_match(household, organization=business, status=MatchStatus.DROPPED, started_on=months_ago(9),
              income_after=9_000_000)
    readiness = check(household)
    assert readiness.result("income").holds is False
    assert readiness.result("livelihood").holds is False


def test_income_confirmed_by_the_facilitator_counts_from_its_date(app, facilitator):
    """Income from her own stall, found outside the app, would never count."""
    app.config["GRADUATION_UMK"] = 3_000_000
    household = make_household(facilitator)
    assess(household, monthly_income=3_200_000, income_since=months_ago(7))
    assert check(household).result("income").holds is True


def test_livelihood_counts_from_six_months_after_the_start(app, facilitator, business):
    """A job of five months would count as an established livelihood, or one of six would not."""
    household = make_household(facilitator)
    match = add_match(household, organization=business, started_on=months_ago(5, days=27))
    assert check(household).result("livelihood").holds is False
    match.started_on = months_ago(6)
    db.session.commit()
    assert check(household).result("livelihood").holds is True


def test_livelihood_confirmed_by_the_facilitator(app, facilitator):
    """Her own business running for a year would not count as a livelihood."""
    household = make_household(facilitator)
    assess(household, livelihood_since=months_ago(12))
    assert check(household).result("livelihood").holds is True


def test_savings_comes_from_her_profile(app, facilitator):
    """A savings account in her profile would not show on the checklist."""
    assert check(make_household(facilitator, has_savings=True)).result("savings").holds is True
    assert check(make_household(facilitator, has_savings=False)).result("savings").holds is False


@pytest.mark.parametrize(
    ("answer", "holds"),
    [(None, None), (SchoolAttendance.ALL_ATTEND, True), (SchoolAttendance.NONE_OF_AGE, True),
     (SchoolAttendance.NOT_ALL, False)],
)
def test_children_in_school_is_what_the_facilitator_confirmed(app, facilitator, answer, holds):
    """Children out of school would count as in school, or an unanswered item as answered."""
    household = make_household(facilitator)
    assess(household, children_in_school=answer)
    assert check(household).result("children_in_school").holds is holds


def test_no_remaining_components_makes_a_natural_graduation_possible(app, facilitator):
    """A family with no component left would not be offered the natural graduation."""
    with_child = make_household(facilitator, components={"anak_sd": 1})
    grown = make_household(facilitator, components=NO_COMPONENTS)
    assert check(with_child).natural_possible is False
    assert check(grown).natural_possible is True


def test_score_is_the_sum_of_the_weights_that_hold(app, facilitator, business):
    """The score would not match the checklist the facilitator reads."""
    app.config["GRADUATION_UMK"] = 2_000_000
    household = make_household(facilitator, components={"anak_sd": 1})
    assert check(household).score == 0
    add_match(household, organization=business, started_on=months_ago(7), income_after=2_100_000)
    readiness = check(household)
    assert readiness.score == 55  # income 30 + livelihood 25
    assert readiness.ready is True
    household.has_savings = True
    db.session.commit()
    assess(household, children_in_school=SchoolAttendance.ALL_ATTEND)
    assert check(household).score == 90


def test_a_high_score_without_a_required_item_is_not_ready(app, facilitator):
    """A family with savings and children in school but no income would be 'ready'."""
    household = make_household(facilitator, has_savings=True, components=NO_COMPONENTS)
    assess(household, children_in_school=SchoolAttendance.ALL_ATTEND)
    readiness = check(household)
    assert readiness.score == 45
    assert readiness.ready is False
    assert [criterion.code for criterion in readiness.missing_required] == ["income", "livelihood"]


def test_thresholds_take_the_lower_of_umk_and_poverty_line():
    """A large family would need more than the minimum wage, or a size of zero would need nothing."""
    thresholds = Thresholds(umk=5_000_000, poverty_line=600_000)
    assert thresholds.for_size(None) == 5_000_000
    assert thresholds.for_size(3) == 1_800_000
    assert thresholds.for_size(12) == 5_000_000


def test_evaluate_uses_the_given_day(app, facilitator, business):
    """The checklist would judge six months from the wrong day."""
    household = make_household(facilitator)
    add_match(household, organization=business, started_on=today())
    db.session.expire_all()
    later = evaluate(household, None, add_months(today(), 6), Thresholds(1, 1))
    assert later.result("livelihood").holds is True


def test_facilitator_saves_the_checklist_form(app, client, login_as):
    """Her confirmations would be lost, or bad input half-written."""
    facilitator = login_as("facilitator")
    household = make_household(facilitator)
    url = f"/graduation/households/{household.id}/readiness"
    response = client.post(url, data={"monthly_income": "2500000", "household_size": "4",
                                      "children_in_school": "all_attend"})
    assert response.status_code == 200
    assert "Isi juga sejak kapan" in response.get_data(as_text=True)
    assert services.get_assessment(household) is None
    response = client.post(url, data={"monthly_income": "2500000", "income_since": months_ago(8).isoformat(),
                                      "household_size": "4", "children_in_school": "all_attend"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = services.get_assessment(household)
    assert (saved.monthly_income, saved.household_size, saved.children_in_school) == (2_500_000, 4, "all_attend")
    page = client.get(url).get_data(as_text=True)
    assert "Skor kesiapan" in page


def test_coordinator_reads_the_checklist_but_cannot_change_it(app, client, login_as):
    """A coordinator could overwrite what the facilitator confirmed."""
    household = make_household(make_user())
    login_as("coordinator")
    url = f"/graduation/households/{household.id}/readiness"
    assert client.get(url).status_code == 200
    client.post(url, data={"household_size": "3"})
    assert services.get_assessment(household) is None
