"""The caseload: who sees which households, filters, typo-tolerant search, NIK search, pagination."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.households import services
from matchmaker.households.services import CaseloadFilters
from matchmaker.models import Role, Skill
from tests.conftest import DRAMAGA, make_household, make_user


def test_a_facilitator_sees_only_her_households_inside_her_area(caseload):
    """A facilitator would see another facilitator's families (and their personal data)."""
    facilitator = caseload["facilitator"]
    outside = make_household(facilitator, desa_code="32.01.30.2008")  # Dramaga, outside her area
    page = caseload_fn(facilitator)
    ids = {h.id for h in page.items}
    assert ids == {h.id for h in caseload["own"]}
    assert caseload["other"].id not in ids and outside.id not in ids
    assert services.get_visible_household(facilitator, caseload["other"].id) is None
    assert page.total == 4


def caseload_fn(user, **filters):
    return services.caseload(user, CaseloadFilters(**filters), 1, 25)


def test_a_coordinator_sees_the_whole_district_but_edits_nothing(caseload):
    """The coordinator would miss households, or could change a facilitator's profiles."""
    coordinator = make_user(Role.COORDINATOR)
    page = caseload_fn(coordinator)
    assert page.total == 5
    assert not services.can_edit(coordinator, caseload["own"][0])
    assert services.can_see_identity(coordinator, caseload["own"][0])
    elsewhere = make_user(Role.COORDINATOR, areas=[DRAMAGA])
    assert caseload_fn(elsewhere).total == 0


def test_name_search_tolerates_typos(caseload):
    """Searching 'Sitti Amina' would not find Siti Aminah."""
    facilitator = caseload["facilitator"]
    assert [h.full_name for h in caseload_fn(facilitator, q="Sitti Amina").items] == ["Siti Aminah"]
    assert [h.full_name for h in caseload_fn(facilitator, q="hasanah").items] == ["Nur Hasanah"]
    assert caseload_fn(facilitator, q="Wati Lestari").total == 0  # her colleague's household


def test_nik_search_and_filters(caseload):
    """Searching by NIK or filtering by status, desa, skill or preference would give wrong households."""
    facilitator = caseload["facilitator"]
    target = caseload["own"][2]
    assert [h.id for h in caseload_fn(facilitator, q=target.nik).items] == [target.id]
    assert [h.id for h in caseload_fn(facilitator, q=target.nik[-6:]).items] == [target.id]
    target.status = "graduated"
    target.work_preference = "wage"
    sewing = db.session.scalars(select(Skill).order_by(Skill.slug)).first()
    target.skills = [sewing]
    db.session.commit()
    assert [h.id for h in caseload_fn(facilitator, status="graduated").items] == [target.id]
    assert [h.id for h in caseload_fn(facilitator, work_preference="wage").items] == [target.id]
    assert [h.id for h in caseload_fn(facilitator, skill_category=sewing.category).items] == [target.id]
    assert caseload_fn(facilitator, desa="32.01.16.2001").total == 0


def test_pagination(caseload):
    """A large caseload would show all at once or lose households between pages."""
    facilitator = caseload["facilitator"]
    for _ in range(3):
        make_household(facilitator)
    first = services.caseload(facilitator, CaseloadFilters(), 1, 3)
    last = services.caseload(facilitator, CaseloadFilters(), 3, 3)
    assert first.pages == 3 and first.has_next and not first.has_prev
    assert len(last.items) == 1 and not last.has_next
    seen = [h.id for p in range(1, 4) for h in services.caseload(facilitator, CaseloadFilters(), p, 3).items]
    assert len(set(seen)) == 7
