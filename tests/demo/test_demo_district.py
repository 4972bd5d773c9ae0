"""The demo district: complete, believable, deterministic and safe to load twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matchmaker.demo.district import COMPONENT_KEYS, DemoDataError, load_demo
from matchmaker.demo.wordbanks import THIN_SKILLS
from matchmaker.extensions import db
from matchmaker.models import (
    GraduationRecord,
    GraduationStatus,
    Household,
    HouseholdStatus,
    Match,
    MatchStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Organization,
    OrgKind,
    OrgStatus,
    Region,
    RegionLevel,
    Role,
    Skill,
    User,
    UserStatus,
)
from matchmaker.phones import normalize_phone
from matchmaker.reference.regions import load_regions_subset

PASSWORD = "demo-rahasia-123"
TODAY = dt.date(2026, 11, 27)


def _make_app() -> Flask:
    # A bare app, not create_app: the demo needs nothing but the models.
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(app)
    return app


def _close() -> None:
    """Drop the in-memory database with its connection (drop_all trips over the user/organization cycle)."""
    db.session.remove()
    db.engine.dispose()


def _fresh_district(app: Flask) -> dict[str, int]:
    """Create the schema, load Kab. Bogor and the demo into ``app``'s database (inside its context)."""
    db.create_all()
    load_regions_subset(db.session, ["32.01"])
    return load_demo(db.session, PASSWORD, today=TODAY)


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Session, dict[str, int]]]:
    """One demo district shared by the read-only tests of this module."""
    app = _make_app()
    with app.app_context():
        counts = _fresh_district(app)
        yield db.session, counts
        _close()


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_counts_meet_the_minimums(demo: tuple[Session, dict[str, int]]) -> None:
    """A demo with too few households, offers or matches would make every page look empty."""
    session, counts = demo
    assert counts["users"] == 2 + 3 + 42 + 10
    assert counts["households"] >= 600
    assert counts["organizations"] == 52
    assert counts["offers"] >= 125
    assert 140 <= counts["matches"] <= 160
    assert 25 <= counts["graduations"] <= 35
    assert counts["households"] == _count(session, Household)
    business_offers = session.scalar(
        select(func.count()).select_from(Offer).where(Offer.kind.in_(OfferKind.BUSINESS_KINDS))
    )
    program_offers = session.scalar(
        select(func.count()).select_from(Offer).where(Offer.kind.in_(OfferKind.PROGRAM_KINDS))
    )
    assert business_offers >= 100
    assert program_offers >= 25


def test_accounts_can_log_in_and_are_set_up(demo: tuple[Session, dict[str, int]]) -> None:
    """Demo logins would fail, or land in an empty account, if roles, areas or organizations were wrong."""
    session, _ = demo
    users = {user.email: user for user in session.scalars(select(User))}
    assert all(email == email.lower() for email in users)
    admin = users["admin@demo.test"]
    assert admin.role == Role.ADMIN and admin.check_password(PASSWORD)
    assert users["koordinator@demo.test"].area_codes == ["32.01"]
    assert users["pendamping1@demo.test"].area_codes == ["32.01.14", "32.01.16"]
    assert users["pendamping2@demo.test"].area_codes == ["32.01.15", "32.01.30"]
    assert users["pendamping3@demo.test"].area_codes == ["32.01.17", "32.01.40"]
    for number in range(1, 41):
        user = users[f"usaha{number}@demo.test"]
        org = user.organization
        assert user.role == Role.BUSINESS and user.status == UserStatus.ACTIVE
        assert org is not None and org.owner_id == user.id and org.kind == OrgKind.BUSINESS
        assert org.is_verified and 2 <= len(org.offers) <= 4
    for number in (41, 42):
        user = users[f"usaha{number}@demo.test"]
        assert user.status == UserStatus.PENDING
        assert user.organization is not None and user.organization.status == OrgStatus.PENDING
    for number in range(1, 11):
        user = users[f"desa{number}@demo.test"]
        org = user.organization
        assert user.role == Role.VILLAGE_OFFICE
        assert org is not None and org.kind == OrgKind.VILLAGE_OFFICE and org.serves_code == org.desa_code
        assert 2 <= len(org.offers) <= 4
        assert all(offer.funding_source in ("dana_desa", "apbd", "csr", "other") for offer in org.offers)


def test_every_nik_is_structurally_valid(demo: tuple[Session, dict[str, int]]) -> None:
    """A malformed NIK would be rejected by the household form and by any DTSEN cross-check."""
    session, _ = demo
    kecamatan = {
        code.replace(".", "")
        for code in session.scalars(select(Region.code).where(Region.level == RegionLevel.SUBDISTRICT))
    }
    households = session.scalars(select(Household)).all()
    assert len({household.nik for household in households}) == len(households)
    for household in households:
        nik, born = household.nik, household.birth_date
        assert len(nik) == 16 and nik.isdigit()
        assert nik[:6] in kecamatan
        assert nik[:6] == household.desa_code[:8].replace(".", "")
        assert born is not None
        assert nik[6:12] == f"{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}"
        assert 20 <= 2026 - born.year <= 55
        assert nik[12:] != "0000"
        assert household.kk_number is not None and len(household.kk_number) == 16
        assert household.kk_number[:6] == nik[:6]


def test_household_profiles_look_real(demo: tuple[Session, dict[str, int]]) -> None:
    """Implausible profiles (no components, broken phones, nothing written) would undermine the demo."""
    session, _ = demo
    households = session.scalars(select(Household)).all()
    # A natural graduation, approved or not, is the facilitator finding no component left.
    natural = set(
        session.scalars(select(GraduationRecord.household_id).where(GraduationRecord.graduation_type == "alamiah"))
    )
    thin = 0
    for household in households:
        assert set(household.components) == set(COMPONENT_KEYS)
        assert (sum(household.components.values()) == 0) == (household.id in natural)
        if household.phone is not None:
            assert normalize_phone(household.phone) == household.phone
        assert household.address and household.address.startswith("Kp. ")
        assert set(household.constraints) <= {"childcare", "no_transport", "disability", "no_smartphone"}
        assert household.income_bracket in (None, "lt_1jt", "1_2jt", "2_3jt", "gt_3jt")
        assert 2015 <= (household.year_joined or 0) <= 2024
        thin += household.skills_text in THIN_SKILLS
    assert 0.02 * len(households) <= thin <= 0.12 * len(households)
    assert len({household.full_name for household in households}) == len(households)


def test_facilitators_households_lie_in_their_areas(demo: tuple[Session, dict[str, int]]) -> None:
    """A household outside her facilitator's kecamatan would be invisible to her or leak to another."""
    session, _ = demo
    per_facilitator: Counter[str] = Counter()
    for household in session.scalars(select(Household)):
        facilitator = household.facilitator
        assert facilitator is not None and facilitator.role == Role.FACILITATOR
        assert household.desa_code[:8] in facilitator.area_codes
        assert household.desa is not None and household.desa.level == RegionLevel.VILLAGE
        per_facilitator[facilitator.email] += 1
    assert all(count >= 200 for count in per_facilitator.values())
    assert len(per_facilitator) == 3


def test_no_offer_is_over_filled(demo: tuple[Session, dict[str, int]]) -> None:
    """More placements than places would show an offer as over-full and break the places counter."""
    session, _ = demo
    for offer in session.scalars(select(Offer)):
        assert offer.places_taken <= offer.places
        assert 1 <= offer.places <= 10
        if offer.status == OfferStatus.DRAFT:
            assert not offer.matches
    statuses = Counter(session.scalars(select(Offer.status)))
    assert statuses[OfferStatus.OPEN] > statuses[OfferStatus.DRAFT] + statuses[OfferStatus.CLOSED]
    assert statuses[OfferStatus.DRAFT] and statuses[OfferStatus.CLOSED]
    assert not statuses[OfferStatus.FULL]


def test_every_match_state_is_present_and_consistent(demo: tuple[Session, dict[str, int]]) -> None:
    """A missing state leaves a pipeline column empty; an inconsistent history confuses the timeline."""
    session, _ = demo
    matches = session.scalars(select(Match)).all()
    assert set(Counter(match.status for match in matches)) == set(MatchStatus.ALL)
    before_introduction = (MatchStatus.PROPOSED,)
    for match in matches:
        events = match.events
        assert events[0].from_status is None and events[0].to_status == MatchStatus.PROPOSED
        assert events[-1].to_status == match.status
        assert all(a.to_status == b.from_status for a, b in zip(events, events[1:], strict=False))
        assert all(a.created_at <= b.created_at for a, b in zip(events, events[1:], strict=False))
        assert all(event.actor_id is not None for event in events)
        assert match.created_at == events[0].created_at
        assert events[-1].created_at.date() < TODAY
        assert match.created_at >= match.offer.created_at
        introduced = any(event.to_status == MatchStatus.INTRODUCED for event in events)
        assert (match.consent_at is not None) == introduced
        if match.status in before_introduction:
            assert match.consent_at is None
        if match.status == MatchStatus.DECLINED:
            assert match.decline_reason
        if match.status in (MatchStatus.STARTED, MatchStatus.COMPLETED):
            assert match.started_on is not None
        if match.status == MatchStatus.COMPLETED:
            assert match.income_after and match.income_after >= 100_000
        if match.status == MatchStatus.DROPPED:
            assert match.note
        if match.status == MatchStatus.STARTED:
            assert match.household.status == HouseholdStatus.IN_PROGRESS
        assert match.offer.status != OfferStatus.DRAFT
    years = {match.created_at.year for match in matches}
    assert years == {TODAY.year - 1, TODAY.year}


def test_graduations_show_progress_this_year(demo: tuple[Session, dict[str, int]]) -> None:
    """The coordinator's dashboard would show no progress toward the 10% target without this year's graduations."""
    session, _ = demo
    records = session.scalars(select(GraduationRecord)).all()
    approved = [record for record in records if record.status == GraduationStatus.APPROVED]
    pending = [record for record in records if record.status == GraduationStatus.PENDING]
    assert approved and pending
    assert {record.graduation_type for record in records} == {"sejahtera_mandiri", "alamiah"}
    assert sum(record.graduated_on.year == TODAY.year for record in approved) >= 0.7 * len(approved)
    coordinator = session.scalar(select(User).where(User.email == "koordinator@demo.test"))
    assert coordinator is not None
    for record in approved:
        household = record.household
        assert household.status == HouseholdStatus.GRADUATED
        assert household.graduation_type == record.graduation_type
        assert household.graduated_on == record.graduated_on
        assert record.approved_by_id == coordinator.id
        assert record.approved_at is not None and record.approved_at >= record.created_at
        assert record.graduated_on < TODAY
    for record in pending:
        assert record.household.status != HouseholdStatus.GRADUATED
        assert record.approved_at is None
    graduated = session.scalar(
        select(func.count()).select_from(Household).where(Household.status == HouseholdStatus.GRADUATED)
    )
    assert graduated == len(approved)


def test_loading_twice_adds_nothing(demo: tuple[Session, dict[str, int]]) -> None:
    """Re-running `flask seed demo` must not duplicate households, accounts or matches."""
    session, _ = demo
    models = (User, Organization, Offer, Household, Match, GraduationRecord)
    before = {model: _count(session, model) for model in models}
    again = load_demo(session, PASSWORD, today=TODAY)
    assert set(again.values()) == {0}
    assert {model: _count(session, model) for model in models} == before


def test_two_loads_give_the_same_district() -> None:
    """Screenshots, training material and bug reports refer to demo people by name and NIK: they must not change."""
    snapshots = []
    for _ in range(2):
        app = _make_app()
        with app.app_context():
            _fresh_district(app)
            snapshots.append(
                (
                    db.session.execute(select(Household.nik, Household.full_name).order_by(Household.id)).all(),
                    db.session.execute(select(Offer.title, Offer.places).order_by(Offer.id)).all(),
                    db.session.execute(select(Match.household_id, Match.offer_id, Match.status)).all(),
                )
            )
            _close()
    assert snapshots[0] == snapshots[1]


def test_identities_do_not_depend_on_the_day_of_loading() -> None:
    """Loading the demo next year must not give the same women different NIKs."""
    niks = []
    for today in (TODAY, TODAY + dt.timedelta(days=400)):
        app = _make_app()
        with app.app_context():
            db.create_all()
            load_regions_subset(db.session, ["32.01"])
            load_demo(db.session, PASSWORD, today=today)
            niks.append(db.session.scalars(select(Household.nik).order_by(Household.id)).all())
            _close()
    assert niks[0] == niks[1]


def test_skills_are_linked_when_the_vocabulary_is_loaded() -> None:
    """Without canonical skills the matcher could not use the demo's skill tags."""
    app = _make_app()
    with app.app_context():
        db.create_all()
        load_regions_subset(db.session, ["32.01"])
        db.session.add_all(
            [
                Skill(slug="menjahit", name_id="Menjahit", name_en="Sewing", category="jahit-tekstil",
                      synonyms=["jahit", "ngejahit", "jahit tangan"]),
                Skill(slug="anyaman-bambu", name_id="Anyaman bambu", name_en="Bamboo weaving",
                      category="kerajinan", synonyms=["nganyam awi", "anyaman"]),
            ]
        )
        load_demo(db.session, PASSWORD, today=TODAY)
        tagged = db.session.scalars(select(Household).where(Household.skills.any())).all()
        assert tagged
        assert all(any(skill.slug in ("menjahit", "anyaman-bambu") for skill in hh.skills) for hh in tagged)
        assert db.session.scalar(select(func.count()).select_from(Offer).where(Offer.skills.any(slug="menjahit")))
        _close()


def test_missing_regions_are_reported_clearly() -> None:
    """Running the demo before the regions would otherwise fail with a foreign-key error deep inside."""
    app = _make_app()
    with app.app_context():
        db.create_all()
        with pytest.raises(DemoDataError, match="seed regions"):
            load_demo(db.session, PASSWORD, today=TODAY)
        assert _count(db.session, User) == 0
        _close()


def test_demo_season_of_decisions_trains_an_adopted_model(tmp_path) -> None:
    """A new user of `make run` would see the rule-based ranker: the demo would hold no decisions to learn from."""
    from matchmaker.matches.learning import read_model
    from matchmaker.models import RankingDecision, RankingDecisionKind

    app = _make_app()
    path = tmp_path / "ranker-model.pkl"
    with app.app_context():
        db.create_all()
        load_regions_subset(db.session, ["32.01"])
        counts = load_demo(db.session, PASSWORD, today=TODAY, model_path=path)
        rows = list(db.session.scalars(select(RankingDecision)))
        assert counts["decisions"] == len(rows) > 500
        assert {r.decision for r in rows} == {RankingDecisionKind.CONFIRMED, RankingDecisionKind.DECLINED}
        assert len({r.actor_id for r in rows}) == 3  # every facilitator decided
        assert all(r.reason for r in rows if r.decision == RankingDecisionKind.DECLINED)
        days = sorted(r.created_at for r in rows)
        assert (days[-1] - days[0]).days >= 60 and days[-1].date() <= TODAY  # a season, not one afternoon
        assert sum(r.shown_position <= 3 for r in rows) > sum(r.shown_position >= 8 for r in rows)
        model = read_model(path)
        assert model is not None and model["n_decisions"] == len(rows)
        assert model["model_accuracy"] > model["rule_accuracy"] and model["cv_model"] > model["cv_engine"]
        _check_model_keeps_constraints_and_reasons(model)
        _close()


def _check_model_keeps_constraints_and_reasons(model: dict) -> None:
    """Rank every demo household with the adopted model: no violation, the engine's reasons, other scores."""
    from sqlalchemy.orm import joinedload, selectinload

    from matchmaker.matches.ranking import household_record, offer_record, ranker_from_model
    from matchmaker.matching.constraints import violates
    from matchmaker.models import Household, Offer, OfferStatus

    offers = list(db.session.scalars(select(Offer).where(Offer.status == OfferStatus.OPEN)
                                     .options(selectinload(Offer.skills), joinedload(Offer.organization))).unique())
    records = {str(o.id): offer_record(o, taken=0, pending=0) for o in offers}
    learned = ranker_from_model(model).fit(list(records.values()))
    rules = ranker_from_model(None).fit(list(records.values()))
    households = [household_record(h) for h in db.session.scalars(
        select(Household).options(selectinload(Household.skills)).order_by(Household.id))]
    changed = 0
    for h in households:
        top = learned.rank_offers(h, 20)
        assert not [m.offer_id for m in top if violates(records[m.offer_id], h)]
        for m in top[:3]:
            engine = rules.explain_pair(h, m.offer_id)
            assert (m.reasons, m.missing_skills) == (engine.reasons, engine.missing_skills)
            changed += m.score != engine.score
    assert changed > 0  # the model is really in use
    assert any(violates(o, h) for h in households[:20] for o in records.values())  # there was something to break
