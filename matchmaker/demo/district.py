"""Build the demo district: Kabupaten Bogor with its staff, partners, KPM households and history.

The district is drawn from seeded random generators, one per stage, so two loads give
the same people, NIKs and texts, and a change to one stage does not reshuffle the
others. Identities (names, NIKs, birth dates) never depend on the day of loading; the
timeline (offers, matches, graduations) is laid out backwards from ``today`` so that a
dashboard always shows recent activity and this year's graduations.

Loading is idempotent: accounts are found by e-mail, organizations by kind and name,
offers by organization and title and households by NIK; whatever already exists is left
as it is, and a household's matches and graduation are only written with the household.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from .. import clock
from ..models import (
    GraduationRecord,
    GraduationStatus,
    GraduationType,
    Household,
    HouseholdStatus,
    Match,
    MatchEvent,
    MatchStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Organization,
    OrgKind,
    OrgStatus,
    Reach,
    Region,
    RegionLevel,
    Role,
    Skill,
    User,
    UserStatus,
    WorkPreference,
    household_skill,
    offer_skill,
)
from ..reference import vocabulary
from ..reference.skills import normalize_term
from . import wordbanks as wb
from .decisions import write_decisions
from .wordbanks import BusinessSpec, OfferTemplate, Persona

SEED = 3201
DISTRICT = "32.01"
DOMAIN = "demo.test"
ADMIN_EMAIL = f"admin@{DOMAIN}"
COORDINATOR_EMAIL = f"koordinator@{DOMAIN}"

# Each facilitator's two kecamatan, in the order the households are drawn.
FACILITATORS: tuple[tuple[str, str, tuple[str, str]], ...] = (
    (f"pendamping1@{DOMAIN}", "Rina Marlina", ("32.01.16", "32.01.14")),
    (f"pendamping2@{DOMAIN}", "Dede Kurniawan", ("32.01.30", "32.01.15")),
    (f"pendamping3@{DOMAIN}", "Nurul Hidayah", ("32.01.17", "32.01.40")),
)
HOUSEHOLDS_PER_KECAMATAN = 105

# Birth dates are drawn against a fixed year, not today, so that NIKs stay the same
# whenever the demo is loaded.
IDENTITY_YEAR = 2026

MATCH_PLAN: dict[str, int] = {
    MatchStatus.STARTED: 24,
    MatchStatus.COMPLETED: 26,
    MatchStatus.PROPOSED: 28,
    MatchStatus.INTRODUCED: 20,
    MatchStatus.ACCEPTED: 16,
    MatchStatus.DECLINED: 22,
    MatchStatus.DROPPED: 14,
}
# Open states are recent (a proposal from last year would have been followed up long
# ago); settled ones may be anywhere in the timeline. Values are days back from today.
_RECENT_DAYS = {
    MatchStatus.PROPOSED: 40,
    MatchStatus.INTRODUCED: 60,
    MatchStatus.ACCEPTED: 90,
    MatchStatus.STARTED: 240,
}
# (type, status, how many)
GRADUATION_PLAN: tuple[tuple[str, str, int], ...] = (
    (GraduationType.SELF_RELIANT, GraduationStatus.APPROVED, 16),
    (GraduationType.SELF_RELIANT, GraduationStatus.PENDING, 6),
    (GraduationType.NATURAL, GraduationStatus.APPROVED, 6),
    (GraduationType.NATURAL, GraduationStatus.PENDING, 2),
)

COMPONENT_KEYS = vocabulary.codes("pkh_component")
_REACH_ORDER = {Reach.VILLAGE: 0, Reach.SUBDISTRICT: 1, Reach.DISTRICT: 2}
# How many leading characters of a desa code two places share at each tier.
_TIER_PREFIX = {Reach.VILLAGE: 13, Reach.SUBDISTRICT: 8, Reach.DISTRICT: 5}
_MOBILE_PREFIXES = ("811", "812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "896", "838")
_PERSONA_WORK = {
    "jahit": "jahitan", "kue": "kue & gorengan", "dagang": "warung sembako", "tani": "sayur & talas",
    "ternak": "domba & ayam", "kerajinan": "kerajinan", "salon": "rias & salon",
    "online": "jualan online", "rumahtangga": "cuci gosok", "pabrik": "warung kecil",
}

Progress = Callable[[str], None]


class DemoDataError(RuntimeError):
    """Raised when the database lacks what the demo builds on (the regions of Kab. Bogor)."""


def load_demo(
    session: Session,
    password: str,
    progress: Progress | None = None,
    *,
    today: dt.date | None = None,
    model_path: Path | None = None,
) -> dict[str, int]:
    """Load the demo district into ``session`` and commit; return how many rows of each kind were added.

    Needs the regions of Kab. Bogor (``32.01``); links canonical skills only if the
    skills vocabulary is loaded. Every demo account gets ``password``. ``today`` anchors
    the timeline (default: the current date). With ``model_path``, the ranker is trained on
    the season of decisions the demo writes and the model saved there if it passes its
    guard (as ``flask ranker train`` would). Safe to run again: a second run adds
    nothing and returns zeros.
    """
    builder = _DemoDistrict(session, password, today or clock.today(), progress or (lambda _message: None))
    counts = builder.build()
    session.commit()
    if model_path is not None:
        from ..matches.learning import read_model, train

        # Trained when the season is new, or when no usable model is there (none yet, or one fitted
        # on weights the engine no longer has): the one training service, as `flask ranker train`
        # runs it, adopted only if it passes its guard.
        if counts["decisions"] or read_model(model_path) is None:
            builder.report(train(model_path).message())
    return counts


# --- Plans: what the demo holds, before it meets the database ---------------------------


@dataclass
class _AccountPlan:
    email: str
    name: str
    role: str
    status: str = UserStatus.ACTIVE
    areas: tuple[str, ...] = ()


@dataclass
class _OrgPlan:
    kind: str
    name: str
    desa_code: str
    owner_email: str
    contact: str
    about: str
    sector: str | None
    status: str
    created_at: dt.datetime
    offers: list[_OfferPlan] = field(default_factory=list)


@dataclass
class _OfferPlan:
    org: _OrgPlan
    template: OfferTemplate
    values: dict[str, object]

    @property
    def title(self) -> str:
        return str(self.values["title"])


@dataclass
class _HouseholdPlan:
    values: dict[str, object]
    persona: str
    facilitator_email: str
    age: int
    match_states: list[str] = field(default_factory=list)

    @property
    def nik(self) -> str:
        return str(self.values["nik"])


@dataclass
class _GraduationPlan:
    household: _HouseholdPlan
    kind: str
    status: str
    graduated_on: dt.date
    evidence: str
    submitted_at: dt.datetime
    approved_at: dt.datetime | None


@dataclass
class _MatchPlan:
    household: _HouseholdPlan
    offer: _OfferPlan
    status: str
    values: dict[str, object]
    # (from_status, to_status, actor e-mail, when, note)
    events: list[tuple[str | None, str, str, dt.datetime, str | None]]


# --- The builder ---------------------------------------------------------------------------


class _DemoDistrict:
    """Plans the district deterministically, then writes whatever the database lacks."""

    def __init__(self, session: Session, password: str, today: dt.date, report: Progress) -> None:
        self.session = session
        self.password = password
        self.today = today
        self.report = report
        self.counts: Counter[str] = Counter()
        # The timeline starts early last year: accounts, partners and households first.
        self.origin = dt.datetime(today.year - 1, 1, 6, 2, 0)
        self.users: dict[str, User] = {}
        # Offers that were in the database before this load, by (organization name, title).
        self.existing_offers: dict[tuple[str, str], Offer] = {}
        self.regions: dict[str, Region] = {}
        self.desa_by_kecamatan: dict[str, list[str]] = defaultdict(list)

    def rng(self, stage: str) -> random.Random:
        """A generator of its own per stage, so stages do not disturb each other's draws."""
        return random.Random(f"{SEED}:{stage}")  # noqa: S311 - demo data, not secrets

    def build(self) -> dict[str, int]:
        """Run every stage and return the counts of rows added."""
        self.report("Checking the regions of Kab. Bogor…")
        self._load_regions()
        self.report("Accounts…")
        self._write_accounts()
        self.report("Businesses, village offices and their offers…")
        orgs = self._plan_organizations()
        new_offers = self._write_organizations(orgs)
        self.report("KPM households, their matches and graduations…")
        households = self._plan_households()
        matches = self._plan_matches(households, [offer for org in orgs for offer in org.offers])
        graduations = self._plan_graduations(households, matches)
        # Households are written once, already in their final state: no UPDATE afterwards
        # that would stamp updated_at with the loading time.
        self._settle(matches, graduations)
        new_households = self._write_households(households)
        self._write_matches(matches, new_households, new_offers)
        self._write_graduations(graduations, new_households)
        self.report("Skills…")
        self._link_skills(list(new_households.values()), list(new_offers.values()))
        self.session.flush()
        self.report("A season of decisions on proposals…")
        tags = {new_offers[(org.name, offer.title)].id: offer.template.tags
                for org in orgs for offer in org.offers if (org.name, offer.title) in new_offers}
        self.counts["decisions"] += write_decisions(
            self.session, [(new_households[h.nik], h.persona) for h in households if h.nik in new_households],
            tags, self.today, SEED)
        keys = ("users", "organizations", "offers", "households", "matches", "match_events", "graduations",
                "decisions")
        return {key: self.counts[key] for key in keys}

    # Regions --------------------------------------------------------------------------

    def _load_regions(self) -> None:
        rows = self.session.scalars(
            select(Region).where((Region.code == DISTRICT) | Region.code.like(f"{DISTRICT}.%"))
        ).all()
        self.regions = {region.code: region for region in rows}
        for region in rows:
            if region.level == RegionLevel.VILLAGE and region.parent_code:
                self.desa_by_kecamatan[region.parent_code].append(region.code)
        for codes in self.desa_by_kecamatan.values():
            codes.sort()
        needed = {DISTRICT}
        needed.update(code for _, _, areas in FACILITATORS for code in areas)
        needed.update(spec.desa_code for spec in wb.BUSINESSES + wb.PENDING_BUSINESSES)
        needed.update(spec.desa_code for spec in wb.VILLAGE_OFFICES)
        missing = sorted(needed - set(self.regions))
        if missing or any(not self.desa_by_kecamatan[code] for _, _, areas in FACILITATORS for code in areas):
            raise DemoDataError(
                "The regions of Kab. Bogor are not loaded (missing: "
                f"{', '.join(missing) or 'desa of the facilitator areas'}). "
                "Run `flask --app wsgi seed regions` first."
            )

    def name_of(self, code: str) -> str:
        """The display name of a region."""
        return self.regions[code].name

    # Accounts -------------------------------------------------------------------------

    def _account_plans(self) -> list[_AccountPlan]:
        plans = [
            _AccountPlan(ADMIN_EMAIL, "Yusuf Permana", Role.ADMIN),
            _AccountPlan(COORDINATOR_EMAIL, "Hj. Nurlela Suryani, S.Sos.", Role.COORDINATOR, areas=(DISTRICT,)),
        ]
        plans += [_AccountPlan(email, name, Role.FACILITATOR, areas=areas) for email, name, areas in FACILITATORS]
        for number, spec in enumerate(wb.BUSINESSES + wb.PENDING_BUSINESSES, start=1):
            status = UserStatus.ACTIVE if number <= len(wb.BUSINESSES) else UserStatus.PENDING
            plans.append(_AccountPlan(f"usaha{number}@{DOMAIN}", spec.contact, Role.BUSINESS, status))
        for number, spec in enumerate(wb.VILLAGE_OFFICES, start=1):
            plans.append(_AccountPlan(f"desa{number}@{DOMAIN}", spec.contact, Role.VILLAGE_OFFICE))
        return plans

    def _write_accounts(self) -> None:
        rng = self.rng("accounts")
        plans = self._account_plans()
        emails = [plan.email for plan in plans]
        existing = {user.email: user for user in self.session.scalars(select(User).where(User.email.in_(emails)))}
        password_hash: str | None = None
        new_users: list[User] = []
        for index, plan in enumerate(plans):
            phone = _mobile(rng)
            created = self.origin + dt.timedelta(days=index // 6, hours=rng.randint(0, 8))
            if plan.status == UserStatus.PENDING:
                created = _at(self.today - dt.timedelta(days=rng.randint(1, 4)), rng)
            if plan.email in existing:
                self.users[plan.email] = existing[plan.email]
                continue
            if password_hash is None:
                # One scrypt hash (~0.1 s) shared by every demo account, which all have the
                # same password anyway: hashing 57 times would dominate the load time.
                template = User()
                template.set_password(self.password)
                password_hash = template.password_hash
            user = User(
                email=User.normalize_email(plan.email),
                name=plan.name,
                phone=phone,
                password_hash=password_hash,
                role=plan.role,
                status=plan.status,
                created_at=created,
            )
            user.areas = [self.regions[code] for code in plan.areas]
            new_users.append(user)
            self.users[plan.email] = user
        self.session.add_all(new_users)
        self.session.flush()  # ids are needed for created_by / verified_by columns
        admin_id = self.users[ADMIN_EMAIL].id
        for user in new_users:
            if user.role in (Role.COORDINATOR, Role.FACILITATOR):
                user.created_by_id = admin_id
        self.counts["users"] += len(new_users)

    # Organizations and offers ---------------------------------------------------------

    def _plan_organizations(self) -> list[_OrgPlan]:
        rng = self.rng("organizations")
        plans: list[_OrgPlan] = []
        specs: list[tuple[BusinessSpec, bool]] = [(spec, True) for spec in wb.BUSINESSES]
        specs += [(spec, False) for spec in wb.PENDING_BUSINESSES]
        for number, (spec, active) in enumerate(specs, start=1):
            created = self.origin + dt.timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 9))
            if not active:
                created = self.users[f"usaha{number}@{DOMAIN}"].created_at
            org = _OrgPlan(
                OrgKind.BUSINESS, spec.name, spec.desa_code, f"usaha{number}@{DOMAIN}", spec.contact, spec.about,
                spec.sector, OrgStatus.ACTIVE if active else OrgStatus.PENDING, created,
            )
            templates = wb.OFFER_TEMPLATES[spec.archetype]
            org.offers = [self._plan_offer(rng, org, templates[index], spec.product) for index in spec.picks]
            plans.append(org)
        for number, office in enumerate(wb.VILLAGE_OFFICES, start=1):
            created = self.origin + dt.timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 9))
            org = _OrgPlan(
                OrgKind.VILLAGE_OFFICE, office.name, office.desa_code, f"desa{number}@{DOMAIN}", office.contact,
                office.about, None, OrgStatus.ACTIVE, created,
            )
            org.offers = [self._plan_offer(rng, org, wb.PROGRAM_TEMPLATES[key], "") for key in office.programs]
            plans.append(org)
        return plans

    def _plan_offer(self, rng: random.Random, org: _OrgPlan, template: OfferTemplate, product: str) -> _OfferPlan:
        desa = self.name_of(org.desa_code)
        kecamatan = self.name_of(org.desa_code[:8])
        words = {"org": org.name, "desa": desa, "kec": kecamatan, "produk": product}
        roll = rng.random()
        status = OfferStatus.OPEN if roll < 0.82 else OfferStatus.DRAFT if roll < 0.91 else OfferStatus.CLOSED
        latest_created = max(org.created_at.date() + dt.timedelta(days=20), self.today - dt.timedelta(days=60))
        created = _between(rng, org.created_at.date() + dt.timedelta(days=7), latest_created)
        start = created + dt.timedelta(days=rng.randint(7, 30))
        end: dt.date | None = self.today + dt.timedelta(days=rng.randint(45, 330))
        if status == OfferStatus.DRAFT:
            created = self.today - dt.timedelta(days=rng.randint(1, 20))
            start = self.today + dt.timedelta(days=rng.randint(14, 60))
            end = start + dt.timedelta(days=rng.randint(90, 365))
        elif status == OfferStatus.CLOSED:
            end = self.today - dt.timedelta(days=rng.randint(10, 150))
            start = min(start, end - dt.timedelta(days=30))
        if template.kind == OfferKind.JOB and status == OfferStatus.OPEN and rng.random() < 0.4:
            end = None  # a standing job has no end date
        values: dict[str, object] = {
            **offer_values(rng, template, words, org.desa_code, start, end, status),
            "created_at": _at(created, rng),
        }
        values["updated_at"] = values["created_at"]
        return _OfferPlan(org, template, values)

    def _write_organizations(self, plans: list[_OrgPlan]) -> dict[tuple[str, str], Offer]:
        """Write missing organizations and offers; return every offer by (org name, title)."""
        rng = self.rng("organization-details")
        existing_orgs = {
            (org.kind, org.name): org
            for org in self.session.scalars(
                select(Organization).where(Organization.name.in_([plan.name for plan in plans]))
            )
        }
        existing_offers: dict[tuple[str, str], Offer] = {}
        if existing_orgs:
            ids = {org.id: org.name for org in existing_orgs.values()}
            for offer in self.session.scalars(select(Offer).where(Offer.organization_id.in_(ids))):
                existing_offers[(ids[offer.organization_id], offer.title)] = offer
        coordinator = self.users[COORDINATOR_EMAIL]
        new_offers: dict[tuple[str, str], Offer] = {}
        for plan in plans:
            desa = self.name_of(plan.desa_code)
            address = rng.choice((f"Jl. Raya {self.name_of(plan.desa_code[:8])} No. {rng.randint(3, 180)}",
                                  f"Kp. {rng.choice(wb.KAMPUNG)} RT {rng.randint(1, 6):02d}/{rng.randint(1, 9):02d}"))
            phone = _mobile(rng)
            verified = plan.created_at + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
            organization = existing_orgs.get((plan.kind, plan.name))
            owner = self.users[plan.owner_email]
            if organization is None:
                active = plan.status == OrgStatus.ACTIVE
                organization = Organization(
                    kind=plan.kind,
                    name=plan.name,
                    sector=plan.sector,
                    description=plan.about,
                    desa_code=plan.desa_code,
                    serves_code=plan.desa_code if plan.kind == OrgKind.VILLAGE_OFFICE else None,
                    address=f"{address}, {desa}",
                    contact_person=plan.contact,
                    phone=phone,
                    email=plan.owner_email,
                    status=plan.status,
                    verified_at=verified if active else None,
                    verified_by_id=coordinator.id if active else None,
                    owner=owner,
                    created_at=plan.created_at,
                )
                self.session.add(organization)
                self.counts["organizations"] += 1
            if owner.organization_id is None:
                owner.organization = organization
            for offer_plan in plan.offers:
                key = (plan.name, offer_plan.title)
                if key in existing_offers:
                    continue
                offer = Offer(organization=organization, **offer_plan.values)
                new_offers[key] = offer
        self.session.add_all(new_offers.values())
        self.counts["offers"] += len(new_offers)
        self.existing_offers = existing_offers
        return new_offers

    # Households -----------------------------------------------------------------------

    def _plan_households(self) -> list[_HouseholdPlan]:
        rng = self.rng("households")
        personas = wb.PERSONAS
        weights = [persona.weight for persona in personas]
        taken_names: set[str] = set()
        serials: Counter[str] = Counter()
        plans: list[_HouseholdPlan] = []
        for email, _name, areas in FACILITATORS:
            for kecamatan in areas:
                desa_codes = self.desa_by_kecamatan[kecamatan]
                # Uneven desa sizes look like a real caseload; a flat spread does not.
                desa_weights = [rng.uniform(0.5, 1.5) for _ in desa_codes]
                for _ in range(HOUSEHOLDS_PER_KECAMATAN):
                    desa = rng.choices(desa_codes, desa_weights)[0]
                    persona = rng.choices(personas, weights)[0]
                    plans.append(self._plan_household(rng, email, desa, persona, taken_names, serials))
        return plans

    def _plan_household(
        self,
        rng: random.Random,
        facilitator_email: str,
        desa: str,
        persona: Persona,
        taken_names: set[str],
        serials: Counter[str],
    ) -> _HouseholdPlan:
        kecamatan = desa[:8]
        age = max(20, min(55, round(rng.triangular(20, 55, 36))))
        born = _birth_date(rng, IDENTITY_YEAR - age)
        name = _woman_name(rng, age, taken_names)
        prefix = kecamatan.replace(".", "")
        date_part = f"{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}"
        serials[prefix + date_part] += 1
        nik = f"{prefix}{date_part}{serials[prefix + date_part]:04d}"
        issued = _birth_date(rng, rng.randint(2008, 2023))
        kk_number = f"{prefix}{issued:%d%m%y}{rng.randint(1, 9999):04d}"
        components = _components(rng, age)
        # Drawn for every household, used or not, so thin profiles do not shift later draws.
        thin = rng.random() < 0.05
        words = {"kec": self.name_of(kecamatan), "desa": self.name_of(desa)}
        values: dict[str, object] = {
            "nik": nik,
            "kk_number": kk_number,
            "full_name": name,
            "birth_date": born,
            "desa_code": desa,
            "components": components,
            **livelihood_values(rng, persona, components, words),
            "created_at": _at((self.origin + dt.timedelta(days=rng.randint(0, 80))).date(), rng),
        }
        values["updated_at"] = values["created_at"]
        persona_key = persona.key
        if thin:
            persona_key = "thin"
            values.update(
                skills_text=rng.choice(wb.THIN_SKILLS),
                interests=rng.choice(wb.THIN_INTERESTS),
                work_experience="",
                business_experience="",
                work_preference=WorkPreference.ANY,
                hours_per_week=None,
                income_bracket=None,
                assets=[],
            )
        return _HouseholdPlan(values, persona_key, facilitator_email, age)

    def _write_households(self, plans: list[_HouseholdPlan]) -> dict[str, Household]:
        """Write households whose NIK is not in the database yet; return them by NIK."""
        niks = [plan.nik for plan in plans]
        existing: set[str] = set()
        for start in range(0, len(niks), 500):
            chunk = niks[start : start + 500]
            existing.update(self.session.scalars(select(Household.nik).where(Household.nik.in_(chunk))))
        new: dict[str, Household] = {}
        for plan in plans:
            if plan.nik in existing:
                continue
            new[plan.nik] = Household(facilitator=self.users[plan.facilitator_email], **plan.values)
        self.session.add_all(new.values())
        self.session.flush()
        self.counts["households"] += len(new)
        return new

    # Matches --------------------------------------------------------------------------

    def _plan_matches(self, households: list[_HouseholdPlan], offers: list[_OfferPlan]) -> list[_MatchPlan]:
        rng = self.rng("matches")
        usable = [offer for offer in offers if offer.values["status"] != OfferStatus.DRAFT]
        candidates = {
            id(offer): [hh for hh in households if hh.persona in offer.template.tags and _within_reach(hh, offer)]
            for offer in usable
        }
        held = self._places_already_taken()
        taken: Counter[int] = Counter({id(offer): held.get((offer.org.name, offer.title), 0) for offer in usable})
        paired: set[tuple[str, str, str]] = set()
        plans: list[_MatchPlan] = []
        states = [state for state, count in MATCH_PLAN.items() for _ in range(count)]
        for state in states:
            holds_place = state in (MatchStatus.STARTED, MatchStatus.COMPLETED)
            pool = [
                offer
                for offer in usable
                if candidates[id(offer)]
                and (offer.values["status"] == OfferStatus.OPEN or state in _SETTLED)
                and (not holds_place or taken[id(offer)] < int(offer.values["places"]))
            ]
            if not pool:
                continue
            for _attempt in range(20):
                offer = rng.choice(pool)
                household = self._pick_household(rng, candidates[id(offer)], offer, state, paired)
                if household is not None:
                    break
            else:
                continue
            paired.add((household.nik, offer.org.name, offer.title))
            household.match_states.append(state)
            if holds_place:
                taken[id(offer)] += 1
            plans.append(self._plan_match(rng, household, offer, state))
        return plans

    def _places_already_taken(self) -> dict[tuple[str, str], int]:
        """Places already held on offers that were there before this load, by (organization name, title)."""
        if not self.existing_offers:
            return {}
        keys = {offer.id: key for key, offer in self.existing_offers.items()}
        rows = self.session.execute(
            select(Match.offer_id, func.count())
            .where(Match.offer_id.in_(keys), Match.status.in_((MatchStatus.STARTED, MatchStatus.COMPLETED)))
            .group_by(Match.offer_id)
        )
        return {keys[offer_id]: count for offer_id, count in rows}

    @staticmethod
    def _pick_household(
        rng: random.Random,
        candidates: list[_HouseholdPlan],
        offer: _OfferPlan,
        state: str,
        paired: set[tuple[str, str, str]],
    ) -> _HouseholdPlan | None:
        busy = (MatchStatus.STARTED, MatchStatus.COMPLETED)
        choices = [
            hh
            for hh in candidates
            if (hh.nik, offer.org.name, offer.title) not in paired
            and len(hh.match_states) < 2
            # One livelihood at a time: nobody starts a second placement while in one.
            and not (state in busy and any(s in busy for s in hh.match_states))
        ]
        return rng.choice(choices) if choices else None

    def _plan_match(self, rng: random.Random, household: _HouseholdPlan, offer: _OfferPlan, state: str) -> _MatchPlan:
        facilitator = household.facilitator_email
        partner = offer.org.owner_email
        steps: list[tuple[str, str, int, str | None]] = [(MatchStatus.PROPOSED, facilitator, 0, None)]
        values: dict[str, object] = {
            "score": round(rng.uniform(0.45, 0.95), 2),
            "shown_position": rng.randint(1, 8),
            "reasons": [],
        }
        if state == MatchStatus.DECLINED and rng.random() < 0.25:
            # She said no before the partner ever heard of her.
            reason = rng.choice(wb.HOUSEHOLD_DECLINE_REASONS)
            steps.append((MatchStatus.DECLINED, facilitator, rng.randint(1, 7), None))
            values["decline_reason"] = reason
        elif state != MatchStatus.PROPOSED:
            steps.append((MatchStatus.INTRODUCED, facilitator, rng.randint(1, 10), rng.choice(wb.INTRODUCED_NOTES)))
            if state == MatchStatus.DECLINED:
                by_partner = rng.random() < 0.6
                reasons = wb.PARTNER_DECLINE_REASONS if by_partner else wb.HOUSEHOLD_DECLINE_REASONS
                values["decline_reason"] = rng.choice(reasons)
                steps.append((MatchStatus.DECLINED, partner if by_partner else facilitator, rng.randint(2, 14), None))
            elif state == MatchStatus.DROPPED and rng.random() < 0.2:
                pass  # she gave up before the partner answered
            elif state != MatchStatus.INTRODUCED:
                steps.append((MatchStatus.ACCEPTED, partner, rng.randint(2, 14), rng.choice(wb.ACCEPTED_NOTES)))
                if state in (MatchStatus.STARTED, MatchStatus.COMPLETED) or (
                    state == MatchStatus.DROPPED and rng.random() < 0.6
                ):
                    steps.append((MatchStatus.STARTED, partner, rng.randint(3, 21), None))
                if state == MatchStatus.COMPLETED:
                    steps.append((MatchStatus.COMPLETED, facilitator, rng.randint(60, 150), None))
        if state == MatchStatus.DROPPED:
            note = rng.choice(wb.DROPPED_NOTES)
            gap = rng.randint(10, 60) if steps[-1][0] == MatchStatus.STARTED else rng.randint(3, 20)
            steps.append((MatchStatus.DROPPED, facilitator, gap, note))
            values["note"] = note
        times = self._timeline(rng, offer, state, [gap for _, _, gap, _ in steps])
        events: list[tuple[str | None, str, str, dt.datetime, str | None]] = []
        previous: str | None = None
        for (to_status, actor, _gap, note), when in zip(steps, times, strict=True):
            events.append((previous, to_status, actor, when, note))
            previous = to_status
            if to_status == MatchStatus.INTRODUCED:
                values["consent_at"] = when
            elif to_status == MatchStatus.STARTED:
                values["started_on"] = when.date()
            elif to_status in (MatchStatus.COMPLETED, MatchStatus.DROPPED) and "started_on" in values:
                values["ended_on"] = when.date()
        if state == MatchStatus.COMPLETED:
            values["income_after"] = _completed_income(rng, offer)
        values["created_at"] = times[0]
        values["updated_at"] = times[-1]
        return _MatchPlan(household, offer, state, values, events)

    def _timeline(self, rng: random.Random, offer: _OfferPlan, state: str, gaps: Sequence[int]) -> list[dt.datetime]:
        """Place a match's steps in time: after the offer appeared, before today, open ones recent."""
        offer_created = offer.values["created_at"]
        assert isinstance(offer_created, dt.datetime)
        earliest = max(self.origin.date() + dt.timedelta(days=90), offer_created.date() + dt.timedelta(days=1))
        if state in _RECENT_DAYS:
            earliest = max(earliest, self.today - dt.timedelta(days=_RECENT_DAYS[state]))
        latest_end = self.today - dt.timedelta(days=1)
        offer_end = offer.values["end_date"]
        if offer.values["status"] == OfferStatus.CLOSED and isinstance(offer_end, dt.date):
            latest_end = min(latest_end, offer_end)
        span = sum(gaps)
        room = (latest_end - earliest).days
        if span > room:
            # Squeeze the steps rather than push them past today.
            scale = max(room, 0) / span if span else 0
            gaps = [max(1 if index else 0, int(gap * scale)) for index, gap in enumerate(gaps)]
            span = sum(gaps)
        first = earliest + dt.timedelta(days=rng.randint(0, max(0, (latest_end - earliest).days - span)))
        times: list[dt.datetime] = []
        day = first
        for gap in gaps:
            day = day + dt.timedelta(days=gap)
            moment = _at(day, rng)
            if times and moment <= times[-1]:
                moment = times[-1] + dt.timedelta(minutes=rng.randint(5, 90))
            times.append(moment)
        return times

    def _write_matches(
        self,
        plans: list[_MatchPlan],
        households: dict[str, Household],
        new_offers: dict[tuple[str, str], Offer],
    ) -> None:
        offers = {**self.existing_offers, **new_offers}
        matches: list[Match] = []
        for plan in plans:
            household = households.get(plan.household.nik)
            offer = offers.get((plan.offer.org.name, plan.offer.title))
            if household is None or offer is None:
                continue  # the household was already there: its history is its own
            match = Match(
                household=household,
                offer=offer,
                status=plan.status,
                created_by_id=self.users[plan.household.facilitator_email].id,
                **plan.values,
            )
            for from_status, to_status, actor, when, note in plan.events:
                match.events.append(
                    MatchEvent(
                        actor=self.users[actor], from_status=from_status, to_status=to_status, note=note,
                        created_at=when,
                    )
                )
            matches.append(match)
            self.counts["match_events"] += len(plan.events)
        self.session.add_all(matches)
        self.counts["matches"] += len(matches)

    # Graduations ---------------------------------------------------------------------

    def _plan_graduations(self, households: list[_HouseholdPlan], matches: list[_MatchPlan]) -> list[_GraduationPlan]:
        rng = self.rng("graduations")
        completed = {plan.household.nik: plan for plan in matches if plan.status == MatchStatus.COMPLETED}
        # A family still in the middle of a match is not graduated until it settles.
        free = [hh for hh in households if hh.persona != "thin" and set(hh.match_states) <= set(_SETTLED)]
        # Self-reliance needs a living wage, not pocket money from piecework.
        achievers = [hh for hh in free if hh.nik in completed and _income(completed[hh.nik]) >= 1_500_000]
        better_off = [
            hh
            for hh in free
            if hh.nik not in completed
            and (hh.values["income_bracket"] in ("2_3jt", "gt_3jt") or hh.values["has_savings"])
        ]
        grown = [hh for hh in free if hh.age >= 42 and not hh.match_states]
        for group in (achievers, better_off, grown):
            rng.shuffle(group)
        sources = {
            # Most, not all, successful placements end in graduation within the period.
            GraduationType.SELF_RELIANT: iter(achievers[: len(achievers) * 2 // 3] + better_off),
            GraduationType.NATURAL: iter(grown),
        }
        this_year = dt.date(self.today.year, 1, 2)
        recent = self.today - dt.timedelta(days=7)
        plans: list[_GraduationPlan] = []
        chosen: set[str] = set()
        for kind, status, count in GRADUATION_PLAN:
            for household in sources[kind]:
                if len([plan for plan in plans if (plan.kind, plan.status) == (kind, status)]) == count:
                    break
                if household.nik in chosen:
                    continue
                if status == GraduationStatus.PENDING:
                    low, high = self.today - dt.timedelta(days=45), recent
                elif rng.random() < 0.8:
                    low, high = this_year, recent
                else:
                    low, high = dt.date(self.today.year - 1, 7, 1), dt.date(self.today.year - 1, 12, 20)
                match = completed.get(household.nik)
                if match is not None:
                    ended = match.values["ended_on"]
                    assert isinstance(ended, dt.date)
                    low = max(low, ended + dt.timedelta(days=14))
                    high = max(high, min(recent, low + dt.timedelta(days=60)))
                if low > high:
                    continue  # her placement ended too recently to judge
                graduated_on = _between(rng, low, high)
                evidence = self._evidence(rng, household, kind, match)
                submitted = _at(graduated_on + dt.timedelta(days=rng.randint(0, 2)), rng)
                reviewed = _at(min(graduated_on + dt.timedelta(days=rng.randint(3, 25)), recent), rng)
                approved_at = max(reviewed, submitted + dt.timedelta(hours=2))
                plans.append(
                    _GraduationPlan(
                        household, kind, status, graduated_on, evidence, submitted,
                        approved_at if status == GraduationStatus.APPROVED else None,
                    )
                )
                chosen.add(household.nik)
        return plans

    @staticmethod
    def _evidence(rng: random.Random, household: _HouseholdPlan, kind: str, match: _MatchPlan | None) -> str:
        """The facilitator's note on why the family graduates."""
        if kind == GraduationType.NATURAL:
            return rng.choice(wb.NATURAL_EVIDENCE)
        if match is not None:
            income = f"Rp {_income(match) / 1_000_000:.1f}jt".replace(".", ",")
            return rng.choice(wb.SELF_RELIANT_AFTER_PLACEMENT).format(org=match.offer.org.name, income=income)
        return rng.choice(wb.SELF_RELIANT_OWN).format(what=_PERSONA_WORK[household.persona])

    def _write_graduations(self, plans: list[_GraduationPlan], households: dict[str, Household]) -> None:
        coordinator_id = self.users[COORDINATOR_EMAIL].id
        records = [
            GraduationRecord(
                household=households[plan.household.nik],
                graduation_type=plan.kind,
                graduated_on=plan.graduated_on,
                evidence=plan.evidence,
                status=plan.status,
                submitted_by_id=self.users[plan.household.facilitator_email].id,
                approved_by_id=coordinator_id if plan.approved_at else None,
                approved_at=plan.approved_at,
                created_at=plan.submitted_at,
            )
            for plan in plans
            if plan.household.nik in households  # an existing household keeps its own record
        ]
        self.session.add_all(records)
        self.counts["graduations"] += len(records)

    @staticmethod
    def _settle(matches: list[_MatchPlan], graduations: list[_GraduationPlan]) -> None:
        """Bring each planned household to where her matches and graduation leave her."""
        for match in matches:
            values = match.household.values
            if match.status == MatchStatus.STARTED:
                values["status"] = HouseholdStatus.IN_PROGRESS
            _touch(values, match.events[-1][3])
        for graduation in graduations:
            values = graduation.household.values
            if graduation.approved_at is not None:
                values.update(
                    status=HouseholdStatus.GRADUATED,
                    graduation_type=graduation.kind,
                    graduated_on=graduation.graduated_on,
                )
            if graduation.kind == GraduationType.NATURAL:
                # A natural graduation means the facilitator found no PKH component left.
                values["components"] = dict.fromkeys(COMPONENT_KEYS, 0)
            _touch(values, graduation.approved_at or graduation.submitted_at)

    # Skills ---------------------------------------------------------------------------

    def _link_skills(self, households: Iterable[Household], offers: Iterable[Offer]) -> None:
        """Tag the new rows with canonical skills found in their text, if the vocabulary is loaded."""
        skills = self.session.scalars(select(Skill)).all()
        if not skills:
            return
        found = skill_finder(skills)

        self.session.flush()  # the new rows need their ids
        # Core inserts: assigning the ORM collections would first lazy-load each (empty) one.
        household_rows = [
            {"household_id": household.id, "skill_id": skill_id}
            for household in households
            for skill_id in sorted(found(household.skills_text))
        ]
        offer_rows = [
            {"offer_id": offer.id, "skill_id": skill_id}
            for offer in offers
            for skill_id in sorted(found(f"{offer.title}. {offer.skills_text}"))
        ]
        if household_rows:
            self.session.execute(insert(household_skill), household_rows)
        if offer_rows:
            self.session.execute(insert(offer_skill), offer_rows)


_SETTLED = (MatchStatus.COMPLETED, MatchStatus.DECLINED, MatchStatus.DROPPED)


# --- Small generators ----------------------------------------------------------------------


def _within_reach(household: _HouseholdPlan, offer: _OfferPlan) -> bool:
    """Whether she could take the offer up, as the ranker's hard constraints define it.

    The offer's reach always holds; a home-based offer waives only her travel limit
    (``matchmaker.matching.constraints``).
    """
    home = str(household.values["desa_code"])
    place = str(offer.values["desa_code"])
    reach = str(offer.values["reach"])
    if offer.values["home_based"]:
        return home[: _TIER_PREFIX[reach]] == place[: _TIER_PREFIX[reach]]
    if household.values["home_based_only"] and home != place:
        return False
    travel = str(household.values["travel_range"])
    narrower = travel if _REACH_ORDER[travel] < _REACH_ORDER[reach] else reach
    return home[: _TIER_PREFIX[narrower]] == place[: _TIER_PREFIX[narrower]]


def _touch(values: dict[str, object], moment: dt.datetime) -> None:
    """Move a planned row's ``updated_at`` forward to ``moment``."""
    current = values.get("updated_at")
    if not isinstance(current, dt.datetime) or moment > current:
        values["updated_at"] = moment


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A moment of ``day`` in office hours (07–18 WIB, stored as naive UTC)."""
    return dt.datetime(day.year, day.month, day.day, rng.randint(0, 11), rng.randint(0, 59))


def _between(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    """A day from ``low`` to ``high`` inclusive (``low`` if the range is empty)."""
    return low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _birth_date(rng: random.Random, year: int) -> dt.date:
    month = rng.randint(1, 12)
    return dt.date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))


def _mobile(rng: random.Random) -> str:
    """An Indonesian mobile number in E.164 (``+62812…``)."""
    return f"+62{rng.choice(_MOBILE_PREFIXES)}{rng.randint(0, 99_999_999):08d}"


def _address(rng: random.Random) -> str:
    kampung = rng.choice(wb.KAMPUNG)
    rt, rw = rng.randint(1, 8), rng.randint(1, 12)
    # Facilitators write the RT/RW both ways.
    if rng.random() < 0.8:
        return f"Kp. {kampung} RT {rt:02d}/{rw:02d}"
    return f"Kp. {kampung} RT {rt} RW {rw}"


def _woman_name(rng: random.Random, age: int, taken: set[str]) -> str:
    """A Sundanese-flavoured woman's name, unique within the district."""
    name = ""
    for _ in range(50):
        roll = rng.random()
        if roll < (0.25 if age >= 40 else 0.04):
            name = rng.choice(wb.WOMEN_SINGLE)
        elif roll < 0.4:
            name = f"{rng.choice(('Siti', 'Nur', 'Neng'))} {rng.choice(wb.WOMEN_FIRST)} {rng.choice(wb.WOMEN_SECOND)}"
        else:
            name = f"{rng.choice(wb.WOMEN_FIRST)} {rng.choice(wb.WOMEN_SECOND)}"
        if name not in taken and not name.startswith(("Siti Siti", "Nur Nur")):
            break
    taken.add(name)
    return name


def _components(rng: random.Random, age: int) -> dict[str, int]:
    """PKH components plausible for a mother of ``age``; never none at all."""
    counts = dict.fromkeys(COMPONENT_KEYS, 0)
    counts["ibu_hamil"] = int(age <= 40 and rng.random() < 0.07)
    if age <= 42:
        counts["anak_usia_dini"] = rng.choices((0, 1, 2), (50, 38, 12))[0]
    if 24 <= age <= 52:
        counts["anak_sd"] = rng.choices((0, 1, 2), (40, 42, 18))[0]
    if age >= 30:
        counts["anak_smp"] = rng.choices((0, 1, 2), (60, 35, 5))[0]
    if age >= 34:
        counts["anak_sma"] = rng.choices((0, 1, 2), (60, 35, 5))[0]
    counts["lansia"] = int(rng.random() < 0.12)
    counts["disabilitas_berat"] = int(rng.random() < 0.03)
    if not any(counts.values()):
        counts["anak_sd" if age < 48 else "lansia"] = 1
    return counts


def _assets(rng: random.Random, persona: Persona) -> list[str]:
    owned = [asset for asset, chance in persona.assets if rng.random() < chance]
    smartphone_chance = 1.0 if persona.key == "online" else 0.6
    for asset, chance in (("smartphone", smartphone_chance), ("motor", 0.35), ("kompor gas", 0.5)):
        if asset not in owned and rng.random() < chance:
            owned.append(asset)
    return owned


def _constraints(rng: random.Random, components: dict[str, int], assets: list[str]) -> list[str]:
    constraints: list[str] = []
    if (components["anak_usia_dini"] and rng.random() < 0.7) or components["ibu_hamil"]:
        constraints.append("childcare")
    if "motor" not in assets and rng.random() < 0.45:
        constraints.append("no_transport")
    if rng.random() < 0.03:
        constraints.append("disability")
    if "smartphone" not in assets:
        constraints.append("no_smartphone")
    return constraints





def skill_finder(skills: Iterable[Skill]) -> Callable[[str], set[int]]:
    """A function giving the ids of the canonical ``skills`` a text names (names and synonyms).

    Texts repeat a lot in generated districts (they come from word banks): each is matched once.
    """
    lookup: dict[str, int] = {}
    for skill in skills:
        for term in [*(skill.synonyms or []), skill.name_id, skill.slug.replace("-", " ")]:
            term = normalize_term(term)
            if len(term) >= 3:
                lookup.setdefault(term, skill.id)
    # Longest terms first so that "jahit tangan" wins over "jahit".
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in sorted(lookup, key=len, reverse=True)) + r")\b")
    cache: dict[str, set[int]] = {}

    def found(text: str) -> set[int]:
        if text not in cache:
            cache[text] = {lookup[term] for term in pattern.findall(normalize_term(text))}
        return cache[text]

    return found

def offer_values(
    rng: random.Random,
    template: OfferTemplate,
    words: dict[str, str],
    desa_code: str,
    start: dt.date,
    end: dt.date | None,
    status: str,
) -> dict[str, object]:
    """The columns of an offer made from ``template`` (places and pay drawn, in this order)."""
    return {
        "kind": template.kind,
        "title": template.title.format_map(words)[:200],
        "description": template.description.format_map(words),
        "skills_text": template.skills.format_map(words),
        "desa_code": desa_code,
        "home_based": template.home_based,
        "reach": template.reach,
        "places": rng.randint(*template.places),
        "hours_per_week": template.hours,
        "schedule": template.schedule,
        "pay_amount": _pay(rng, template.pay),
        "pay_terms": template.pay_terms,
        "funding_source": template.funding,
        "start_date": start,
        "end_date": end,
        "status": status,
    }

def livelihood_values(
    rng: random.Random, persona: Persona, components: dict[str, int], words: dict[str, str]
) -> dict[str, object]:
    """The generated half of a profile beyond identity: contact, skills, work, constraints, assets.

    Shared by the demo and the load-test district; the draws come in a fixed order, so the
    demo stays the same from one run to the next.
    """
    assets = _assets(rng, persona)
    constraints = _constraints(rng, components, assets)
    home_only = rng.random() < (0.55 if {"childcare", "disability"} & set(constraints) else 0.08)
    travel = _travel(rng, assets, home_only)
    preference = rng.choices(WorkPreference.ALL, persona.preference)[0]
    hours = rng.choice((10, 15, 20, 25) if home_only else (15, 20, 25, 30, 35, 40))
    return {
        "phone": _mobile(rng) if rng.random() < 0.9 else None,
        "address": _address(rng),
        "year_joined": rng.randint(2015, 2024),
        "skills_text": _skills_text(rng, persona, words),
        "interests": _interests(rng, persona, constraints, words),
        "work_experience": rng.choice(persona.work).format_map(words) if rng.random() < 0.8 else "-",
        "business_experience": rng.choice(persona.business).format_map(words),
        "work_preference": preference,
        "hours_per_week": hours if rng.random() < 0.92 else None,
        "travel_range": travel,
        "home_based_only": home_only,
        "constraints": constraints,
        **_asset_columns(assets),
        "income_bracket": rng.choices(("lt_1jt", "1_2jt", "2_3jt", "gt_3jt"), (45, 35, 15, 5))[0],
        "has_savings": rng.random() < 0.2,
        "status": HouseholdStatus.ACTIVE,
    }

def _asset_columns(assets: list[str]) -> dict[str, object]:
    """The words a persona owns as asset codes, and the words no code covers as her asset text."""
    found = vocabulary.resolve("asset", ", ".join(assets))
    return {"assets": found.codes, "assets_text": ", ".join(found.unrecognised)}


def _travel(rng: random.Random, assets: list[str], home_only: bool) -> str:
    weights = (25, 50, 25) if "motor" in assets else (55, 38, 7)
    travel = rng.choices(Reach.ALL, weights)[0]
    return Reach.VILLAGE if home_only else travel


def _skills_text(rng: random.Random, persona: Persona, words: dict[str, str]) -> str:
    phrases = rng.sample(persona.skills, k=rng.choice((1, 2, 2, 3)))
    if rng.random() < 0.3:
        other = rng.choice([p for p in wb.PERSONAS if p.key != persona.key])
        phrases.append(rng.choice(other.skills))
    text = rng.choice((", ", ", ", "; ", " & ")).join(phrases).format_map(words)
    return text[:1].upper() + text[1:] if rng.random() < 0.2 else text


def _interests(rng: random.Random, persona: Persona, constraints: list[str], words: dict[str, str]) -> str:
    text = rng.choice(persona.interests).format_map(words)
    if "childcare" in constraints and rng.random() < 0.4:
        text = f"{text}, tp {rng.choice(wb.CHILDCARE_NOTES)}"
    return text


def _pay(rng: random.Random, pay: tuple[int, int] | None) -> int | None:
    """A round Rupiah amount in ``pay``, rounded the way people quote such amounts."""
    if pay is None:
        return None
    low, high = pay
    step = 50_000 if high >= 500_000 else 5_000 if high >= 20_000 else 500 if high >= 2_000 else 50
    return low + step * rng.randint(0, (high - low) // step)


def _income(plan: _MatchPlan) -> int:
    """The monthly income recorded on a completed match plan."""
    income = plan.values["income_after"]
    assert isinstance(income, int)
    return income


def _completed_income(rng: random.Random, offer: _OfferPlan) -> int:
    """Her monthly income after the placement: near a monthly wage, otherwise piecework earnings."""
    pay = offer.values["pay_amount"]
    if isinstance(pay, int) and pay >= 1_000_000:
        return pay + 50_000 * rng.randint(-4, 6)
    return 50_000 * rng.randint(12, 50)

