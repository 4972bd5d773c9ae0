"""Build a large, realistic district for load tests: ``flask --app wsgi seed load``.

Kabupaten Bogor at full size: some 400 facilitators with about 250 KPM households each,
spread over every kecamatan and desa; thousands of businesses and a village office in
every desa, with their offers and programs; and matches at every step of the workflow,
so that partners have introductions in their inbox. Texts come from the demo district's
word banks, and every draw comes from a seeded generator per stage, so two builds of the
same size hold the same people, NIKs and texts.

Rows are written with Core ``INSERT``s of a few thousand rows each (no ORM unit of work),
so 100,000 households build in about a minute. Every account is ``…@load.test`` and they
all share one password. A second run adds nothing: the district is either there or not.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from .. import clock
from ..models import (
    Household,
    HouseholdStatus,
    Match,
    MatchEvent,
    MatchStatus,
    Offer,
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
    household_skill,
    offer_skill,
    user_area,
)
from . import wordbanks as wb
from .district import (
    _at,
    _birth_date,
    _components,
    _mobile,
    livelihood_values,
    offer_values,
    skill_finder,
)
from .wordbanks import BusinessSpec, OfferTemplate, Persona

DISTRICT = "32.01"
DOMAIN = "load.test"
SEED = "load-3201"
# Shared by every load-test account and printed by the command: these accounts exist only
# in throwaway load-test databases.
DEFAULT_PASSWORD = "uji-beban-3201"  # noqa: S105
HOUSEHOLDS_PER_FACILITATOR = 250
COORDINATOR_EMAIL = f"koordinator@{DOMAIN}"
# NIK serials of the load district start here, above any the demo district hands out, so
# that both can live in one database.
NIK_SERIAL_BASE = 5000
CHUNK = 2000

# Share of non-draft offers that have matches, and how the matches spread over the states.
MATCHED_OFFER_SHARE = 0.65
MATCH_WEIGHTS: dict[str, int] = {
    MatchStatus.PROPOSED: 18,
    MatchStatus.INTRODUCED: 22,
    MatchStatus.ACCEPTED: 14,
    MatchStatus.DECLINED: 18,
    MatchStatus.STARTED: 12,
    MatchStatus.COMPLETED: 10,
    MatchStatus.DROPPED: 6,
}
# The steps each final state went through, after "proposed".
_PATHS: dict[str, tuple[str, ...]] = {
    MatchStatus.PROPOSED: (),
    MatchStatus.INTRODUCED: (MatchStatus.INTRODUCED,),
    MatchStatus.ACCEPTED: (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED),
    MatchStatus.DECLINED: (MatchStatus.INTRODUCED, MatchStatus.DECLINED),
    MatchStatus.STARTED: (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED),
    MatchStatus.COMPLETED: (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED, MatchStatus.COMPLETED),
    MatchStatus.DROPPED: (MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED, MatchStatus.DROPPED),
}
_PARTNER_STEPS = (MatchStatus.ACCEPTED, MatchStatus.STARTED)

# How businesses of each archetype name themselves; a blessing and the desa follow.
_NAME_PREFIXES: dict[str, tuple[str, ...]] = {
    "konveksi": ("Konveksi", "Rumah Jahit", "Garmen", "Konveksi Gamis"),
    "bordir": ("Bordir", "Bordir Komputer", "Kerudung Bordir"),
    "kue": ("Toko Kue", "Dapur Kue", "Roti Kukus", "Bolu"),
    "katering": ("Katering", "Warung Nasi", "Aqiqah & Katering", "Rumah Makan"),
    "olahan": ("Keripik", "Opak & Rangginang", "Olahan Talas", "Tahu Tempe"),
    "toko": ("Toko Sembako", "Grosir", "Mart", "Warung Kelontong"),
    "online": ("Hijab Store", "Collection", "Olshop"),
    "jasa": ("Laundry", "Salon", "Cuci Gosok"),
    "kebun": ("Kebun", "Hidroponik", "Kebun Jamur"),
    "ternak": ("Ternak", "Kolam Lele", "Peternakan Domba"),
    "kopi": ("Kopi", "Kopi Bubuk"),
    "anyaman": ("Kerajinan", "Anyaman", "Rajutan"),
    "sandal": ("Sandal", "Sandal Hotel"),
    "wisata": ("Homestay", "Saung Wisata"),
}
_BLESSINGS = (
    "Berkah", "Barokah", "Amanah", "Sinar", "Mekar", "Jaya", "Mandiri", "Sejahtera", "Al-Hikmah", "Az-Zahra",
    "Rahayu", "Lestari", "Saluyu", "Sauyunan", "Harapan", "Bunda", "Ibu", "Putri", "Makmur", "Sumber Rezeki",
    "Cahaya", "Mulya", "Insan", "Sri", "Dua Putri", "Anugrah", "Family", "Al-Barokah", "Nurul", "Hikmah",
)
_VILLAGE_OFFICE_NAMES = ("Pemerintah Desa {desa}", "BUMDes {blessing} {desa}", "Kantor Desa {desa}")

Progress = Callable[[str], None]


class LoadDataError(RuntimeError):
    """Raised when the database lacks what the load district builds on (the regions of Kab. Bogor)."""


@dataclass
class LoadSummary:
    """What a build wrote (or found already there) and the password of its accounts."""

    counts: dict[str, int]
    already_loaded: bool = False

    def line(self) -> str:
        """A one-line summary for the command's output."""
        return ", ".join(f"{name} {count:,}" for name, count in self.counts.items())


def existing_counts(session: Session) -> dict[str, int]:
    """How many rows of the load district are in the database (zeros when it is not loaded)."""
    load_users = select(User.id).where(User.email.like(f"%@{DOMAIN}"))
    load_orgs = select(Organization.id).where(Organization.owner_id.in_(load_users))
    load_offers = select(Offer.id).where(Offer.organization_id.in_(load_orgs))

    def count(statement) -> int:
        return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)

    return {
        "users": count(load_users),
        "organizations": count(load_orgs),
        "offers": count(load_offers),
        "households": count(select(Household.id).where(Household.facilitator_id.in_(load_users))),
        "matches": count(select(Match.id).where(Match.offer_id.in_(load_offers))),
    }


def load_district(
    session: Session,
    *,
    households: int = 100_000,
    offers: int = 10_000,
    password: str = DEFAULT_PASSWORD,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> LoadSummary:
    """Build the load district into ``session`` and commit; return what was written.

    Needs the regions of Kab. Bogor; links canonical skills when the vocabulary is loaded.
    When the load district is already there, nothing is written and its counts are
    returned with ``already_loaded`` set.
    """
    if households < 1 or offers < 1:
        raise ValueError("households and offers must be positive")
    found = existing_counts(session)
    if found["users"]:
        return LoadSummary(found, already_loaded=True)
    builder = _LoadDistrict(session, password, today or clock.today(), progress or (lambda _message: None))
    counts = builder.build(households, offers)
    session.commit()
    return LoadSummary(counts)


@dataclass
class _PlannedHousehold:
    index: int
    kecamatan: str
    persona: str
    facilitator_id: int
    values: dict[str, Any]
    id: int = 0


@dataclass
class _PlannedOffer:
    org_index: int
    template: OfferTemplate
    values: dict[str, Any]
    id: int = 0


@dataclass
class _PlannedOrg:
    kind: str
    email: str
    contact: str
    values: dict[str, Any]
    offers: list[_PlannedOffer] = field(default_factory=list)
    owner_id: int = 0
    id: int = 0


class _LoadDistrict:
    """Plans the district stage by stage and writes each stage with bulk inserts."""

    def __init__(self, session: Session, password: str, today: dt.date, report: Progress) -> None:
        self.session = session
        self.password = password
        self.today = today
        self.report = report
        self.origin = dt.datetime(today.year - 1, 1, 6, 2, 0)
        self.names: dict[str, str] = {}
        self.desa_by_kecamatan: dict[str, list[str]] = defaultdict(list)
        self.counts: Counter[str] = Counter()
        self.password_hash = ""

    def rng(self, stage: str) -> random.Random:
        """A generator of its own per stage, so that stages do not disturb each other's draws."""
        return random.Random(f"{SEED}:{stage}")  # noqa: S311 - test data, not secrets

    def build(self, households: int, offers: int) -> dict[str, int]:
        """Run every stage; return the counts of rows written."""
        self._load_regions()
        template = User()
        template.set_password(self.password)
        self.password_hash = template.password_hash
        self.report("Facilitators and the coordinator…")
        facilitators = self._write_facilitators(math.ceil(households / HOUSEHOLDS_PER_FACILITATOR))
        self.report(f"{households:,} KPM households…")
        planned_households = self._write_households(households, facilitators)
        self.report(f"Partners and {offers:,} offers…")
        orgs = self._write_organizations(offers)
        self.report("Matches and their history…")
        self._write_matches(planned_households, orgs)
        self.report("Skills…")
        self._link_skills(planned_households, [offer for org in orgs for offer in org.offers])
        keys = ("users", "organizations", "offers", "households", "matches", "match_events", "skill_links")
        return {key: self.counts[key] for key in keys}

    # Regions ----------------------------------------------------------------------------

    def _load_regions(self) -> None:
        rows = self.session.execute(
            select(Region.code, Region.name, Region.level, Region.parent_code).where(
                Region.code.like(f"{DISTRICT}.%")
            )
        ).all()
        for code, name, level, parent in rows:
            self.names[code] = name
            if level == RegionLevel.VILLAGE and parent:
                self.desa_by_kecamatan[parent].append(code)
        for codes in self.desa_by_kecamatan.values():
            codes.sort()
        if not self.desa_by_kecamatan or self.session.get(Region, DISTRICT) is None:
            raise LoadDataError(
                "The regions of Kab. Bogor are not loaded. Run `flask --app wsgi seed regions` first."
            )

    # Bulk writing -----------------------------------------------------------------------

    def _insert(self, table: Table, rows: Sequence[dict[str, Any]], returning: bool = False) -> list[int]:
        """Insert ``rows`` in chunks; return the new ids in the order of ``rows`` when asked."""
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            if returning:
                statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                ids.extend(self.session.scalars(statement, list(chunk)).all())
            else:
                self.session.execute(insert(table), list(chunk))
        return ids

    def _users(self, rows: list[dict[str, Any]]) -> list[int]:
        for row in rows:
            row.setdefault("status", UserStatus.ACTIVE)
            row.setdefault("preferred_language", "id")
            row["password_hash"] = self.password_hash
        ids = self._insert(User.__table__, rows, returning=True)
        self.counts["users"] += len(ids)
        return ids

    # People -----------------------------------------------------------------------------

    def _write_facilitators(self, count: int) -> list[tuple[int, str]]:
        """Facilitators spread evenly over the kecamatan; return (user id, kecamatan) pairs."""
        rng = self.rng("facilitators")
        kecamatan = sorted(self.desa_by_kecamatan)
        rows: list[dict[str, Any]] = []
        areas: list[str] = []
        for number in range(1, count + 1):
            if rng.random() < 0.7:
                name = f"{rng.choice(wb.WOMEN_FIRST)} {rng.choice(wb.WOMEN_SECOND)}"
            else:
                name = f"{rng.choice(wb.MEN_FIRST)} {rng.choice(wb.MEN_SECOND)}"
            rows.append(
                {
                    "email": f"pendamping{number}@{DOMAIN}",
                    "name": name,
                    "phone": _mobile(rng),
                    "role": Role.FACILITATOR,
                    "created_at": self.origin + dt.timedelta(days=rng.randint(0, 30)),
                }
            )
            areas.append(kecamatan[(number - 1) % len(kecamatan)])
        rows.append(
            {
                "email": COORDINATOR_EMAIL,
                "name": "Hj. Euis Komalasari, S.Sos.",
                "phone": _mobile(rng),
                "role": Role.COORDINATOR,
                "created_at": self.origin,
            }
        )
        ids = self._users(rows)
        area_rows = [{"user_id": user_id, "region_code": code} for user_id, code in zip(ids, areas, strict=False)]
        area_rows.append({"user_id": ids[-1], "region_code": DISTRICT})
        self._insert(user_area, area_rows)
        return list(zip(ids[:-1], areas, strict=True))

    def _write_households(self, total: int, facilitators: list[tuple[int, str]]) -> list[_PlannedHousehold]:
        rng = self.rng("households")
        personas = wb.PERSONAS
        weights = [persona.weight for persona in personas]
        serials: Counter[str] = Counter()
        plans: list[_PlannedHousehold] = []
        desa_weights = {
            kecamatan: [rng.uniform(0.5, 1.5) for _ in codes]
            for kecamatan, codes in sorted(self.desa_by_kecamatan.items())
        }
        for index in range(total):
            facilitator_id, kecamatan = facilitators[index // HOUSEHOLDS_PER_FACILITATOR]
            desa = rng.choices(self.desa_by_kecamatan[kecamatan], desa_weights[kecamatan])[0]
            persona = rng.choices(personas, weights)[0]
            values = self._household_values(rng, kecamatan, desa, persona, serials)
            values["facilitator_id"] = facilitator_id
            plans.append(_PlannedHousehold(index, kecamatan, persona.key, facilitator_id, values))
        return plans

    def _household_values(
        self, rng: random.Random, kecamatan: str, desa: str, persona: Persona, serials: Counter[str]
    ) -> dict[str, Any]:
        """One household's columns, drawn the way the demo district draws them."""
        age = max(20, min(58, round(rng.triangular(20, 58, 37))))
        born = _birth_date(rng, 2026 - age)
        prefix = kecamatan.replace(".", "")
        date_part = f"{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}"
        serials[prefix + date_part] += 1
        nik = f"{prefix}{date_part}{NIK_SERIAL_BASE + serials[prefix + date_part]:04d}"
        issued = _birth_date(rng, rng.randint(2008, 2023))
        components = _components(rng, age)
        words = {"kec": self.names[kecamatan], "desa": self.names[desa]}
        if age >= 40 and rng.random() < 0.2:
            name = rng.choice(wb.WOMEN_SINGLE)
        else:
            name = f"{rng.choice(wb.WOMEN_FIRST)} {rng.choice(wb.WOMEN_SECOND)}"
        created = _at((self.origin + dt.timedelta(days=rng.randint(0, 200))).date(), rng)
        return {
            "nik": nik,
            "kk_number": f"{prefix}{issued:%d%m%y}{rng.randint(1, 9999):04d}",
            "full_name": name,
            "birth_date": born,
            "desa_code": desa,
            "components": components,
            **livelihood_values(rng, persona, components, words),
            "created_at": created,
            "updated_at": created,
        }

    # Partners and offers ------------------------------------------------------------------

    def _write_organizations(self, total_offers: int) -> list[_PlannedOrg]:
        rng = self.rng("organizations")
        all_desa = sorted(code for codes in self.desa_by_kecamatan.values() for code in codes)
        orgs: list[_PlannedOrg] = []
        # A village office in most desa, each listing a few programs; businesses post the rest.
        program_keys = sorted(wb.PROGRAM_TEMPLATES)
        village_budget = total_offers // 6
        for number, desa in enumerate(all_desa, start=1):
            if sum(len(org.offers) for org in orgs) >= village_budget:
                break
            office = self._plan_org(
                rng, OrgKind.VILLAGE_OFFICE, f"desa{number}@{DOMAIN}", desa,
                rng.choice(_VILLAGE_OFFICE_NAMES).format(desa=self.names[desa], blessing=rng.choice(_BLESSINGS)),
                None, f"Kantor desa & BUMDes {self.names[desa]}, Kec. {self.names[desa[:8]]}.",
            )
            for key in rng.sample(program_keys, k=rng.randint(2, 5)):
                office.offers.append(self._plan_offer(rng, len(orgs), office, wb.PROGRAM_TEMPLATES[key], ""))
            orgs.append(office)
        taken_names = {str(org.values["name"]) for org in orgs}
        number = 0
        while sum(len(org.offers) for org in orgs) < total_offers:
            number += 1
            spec: BusinessSpec = rng.choice(wb.BUSINESSES)
            desa = rng.choice(all_desa)
            name = f"{rng.choice(_NAME_PREFIXES[spec.archetype])} {rng.choice(_BLESSINGS)} {self.names[desa]}"
            if name in taken_names:
                name = f"{name} {number}"
            taken_names.add(name)
            business = self._plan_org(rng, OrgKind.BUSINESS, f"usaha{number}@{DOMAIN}", desa, name, spec.sector,
                                      spec.about)
            templates = wb.OFFER_TEMPLATES[spec.archetype]
            left = total_offers - sum(len(org.offers) for org in orgs)
            picks = rng.sample(range(len(templates)), k=min(rng.randint(1, len(templates)), left))
            for pick in picks:
                business.offers.append(self._plan_offer(rng, len(orgs), business, templates[pick], spec.product))
            orgs.append(business)
        self._write_org_rows(orgs)
        return orgs

    def _plan_org(
        self, rng: random.Random, kind: str, email: str, desa: str, name: str, sector: str | None, about: str
    ) -> _PlannedOrg:
        if kind == OrgKind.BUSINESS or rng.random() < 0.5:
            contact = f"{rng.choice(wb.MEN_FIRST)} {rng.choice(wb.MEN_SECOND)}"
        else:
            contact = f"{rng.choice(wb.WOMEN_FIRST)} {rng.choice(wb.WOMEN_SECOND)}"
        created = self.origin + dt.timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 9))
        address = rng.choice((f"Jl. Raya {self.names[desa[:8]]} No. {rng.randint(3, 180)}",
                              f"Kp. {rng.choice(wb.KAMPUNG)} RT {rng.randint(1, 6):02d}/{rng.randint(1, 9):02d}"))
        values = {
            "kind": kind,
            "name": name[:160],
            "sector": sector,
            "description": about,
            "desa_code": desa,
            "serves_code": desa if kind == OrgKind.VILLAGE_OFFICE else None,
            "address": f"{address}, {self.names[desa]}",
            "contact_person": contact,
            "phone": _mobile(rng),
            "email": email,
            "status": OrgStatus.ACTIVE,
            "verified_at": created + dt.timedelta(days=rng.randint(1, 6)),
            "created_at": created,
        }
        return _PlannedOrg(kind, email, contact, values)

    def _plan_offer(
        self, rng: random.Random, org_index: int, org: _PlannedOrg, template: OfferTemplate, product: str
    ) -> _PlannedOffer:
        desa = str(org.values["desa_code"])
        words = {"org": org.values["name"], "desa": self.names[desa], "kec": self.names[desa[:8]], "produk": product}
        roll = rng.random()
        status = OfferStatus.OPEN if roll < 0.82 else OfferStatus.DRAFT if roll < 0.91 else OfferStatus.CLOSED
        org_created = org.values["created_at"].date()
        created = org_created + dt.timedelta(days=rng.randint(7, max(8, (self.today - org_created).days - 20)))
        start = created + dt.timedelta(days=rng.randint(7, 30))
        end: dt.date | None = self.today + dt.timedelta(days=rng.randint(45, 330))
        if status == OfferStatus.DRAFT:
            created = self.today - dt.timedelta(days=rng.randint(1, 20))
            start = self.today + dt.timedelta(days=rng.randint(14, 60))
            end = start + dt.timedelta(days=rng.randint(90, 365))
        elif status == OfferStatus.CLOSED:
            end = self.today - dt.timedelta(days=rng.randint(10, 150))
            start = min(start, end - dt.timedelta(days=30))
        elif template.kind == "job" and rng.random() < 0.4:
            end = None  # a standing job has no end date
        created_at = _at(created, rng)
        values = {
            **offer_values(rng, template, words, desa, start, end, status),
            "created_at": created_at,
            "updated_at": created_at,
        }
        return _PlannedOffer(org_index, template, values)

    def _write_org_rows(self, orgs: list[_PlannedOrg]) -> None:
        """Owners first, then their organizations, then each owner's link to hers."""
        role = {OrgKind.BUSINESS: Role.BUSINESS, OrgKind.VILLAGE_OFFICE: Role.VILLAGE_OFFICE}
        owner_ids = self._users(
            [
                {"email": org.email, "name": org.contact, "phone": org.values["phone"], "role": role[org.kind],
                 "created_at": org.values["created_at"]}
                for org in orgs
            ]
        )
        for org, owner_id in zip(orgs, owner_ids, strict=True):
            org.owner_id = owner_id
            org.values["owner_id"] = owner_id
        org_ids = self._insert(Organization.__table__, [org.values for org in orgs], returning=True)
        self.counts["organizations"] += len(org_ids)
        for org, org_id in zip(orgs, org_ids, strict=True):
            org.id = org_id
        users = User.__table__
        link = update(users).where(users.c.id == bindparam("owner")).values(organization_id=bindparam("org"))
        connection = self.session.connection()
        for start in range(0, len(orgs), CHUNK):
            connection.execute(link, [{"owner": org.owner_id, "org": org.id} for org in orgs[start : start + CHUNK]])
        offers = [offer for org in orgs for offer in org.offers]
        rows = [{**offer.values, "organization_id": orgs[offer.org_index].id} for offer in offers]
        offer_ids = self._insert(Offer.__table__, rows, returning=True)
        for offer, offer_id in zip(offers, offer_ids, strict=True):
            offer.id = offer_id
        self.counts["offers"] += len(offer_ids)

    # Matches ----------------------------------------------------------------------------

    def _write_matches(self, households: list[_PlannedHousehold], orgs: list[_PlannedOrg]) -> None:
        """Households written first (in their final status), then matches and their events."""
        rng = self.rng("matches")
        by_place: dict[tuple[str, str], list[_PlannedHousehold]] = defaultdict(list)
        by_kecamatan: dict[str, list[_PlannedHousehold]] = defaultdict(list)
        for household in households:
            by_place[(household.kecamatan, household.persona)].append(household)
            by_kecamatan[household.kecamatan].append(household)
        states = list(MATCH_WEIGHTS)
        state_weights = list(MATCH_WEIGHTS.values())
        busy: set[int] = set()  # households in a placement: one livelihood at a time
        pairs: set[tuple[int, int]] = set()
        plans: list[tuple[_PlannedHousehold, _PlannedOffer, _PlannedOrg, str]] = []
        for org in orgs:
            for offer in org.offers:
                if offer.values["status"] == OfferStatus.DRAFT or rng.random() > MATCHED_OFFER_SHARE:
                    continue
                kecamatan = str(offer.values["desa_code"])[:8]
                pool = [h for tag in offer.template.tags for h in by_place.get((kecamatan, tag), ())]
                pool = pool or by_kecamatan.get(kecamatan, [])
                if not pool:
                    continue
                taken = 0
                for _ in range(rng.randint(1, 6)):
                    household = rng.choice(pool)
                    state = rng.choices(states, state_weights)[0]
                    if offer.values["status"] != OfferStatus.OPEN and state not in (
                        MatchStatus.DECLINED, MatchStatus.COMPLETED, MatchStatus.DROPPED
                    ):
                        state = MatchStatus.DECLINED
                    holds_place = state in (MatchStatus.STARTED, MatchStatus.COMPLETED)
                    if (household.index, offer.id) in pairs or (holds_place and household.index in busy):
                        continue
                    if holds_place and taken >= offer.values["places"]:
                        state = MatchStatus.DECLINED
                        holds_place = False
                    pairs.add((household.index, offer.id))
                    if holds_place:
                        busy.add(household.index)
                        taken += 1
                    if state == MatchStatus.STARTED:
                        household.values["status"] = HouseholdStatus.IN_PROGRESS
                    plans.append((household, offer, org, state))
        household_ids = self._insert(Household.__table__, [h.values for h in households], returning=True)
        for household, household_id in zip(households, household_ids, strict=True):
            household.id = household_id
        self.counts["households"] += len(household_ids)
        match_rows: list[dict[str, Any]] = []
        event_plans: list[list[tuple[str | None, str, int, dt.datetime, str | None]]] = []
        for household, offer, org, state in plans:
            row, events = self._plan_match(rng, household, offer, org, state)
            match_rows.append(row)
            event_plans.append(events)
        match_ids = self._insert(Match.__table__, match_rows, returning=True)
        self.counts["matches"] += len(match_ids)
        event_rows = [
            {"match_id": match_id, "from_status": from_status, "to_status": to_status, "actor_id": actor,
             "created_at": when, "note": note}
            for match_id, events in zip(match_ids, event_plans, strict=True)
            for from_status, to_status, actor, when, note in events
        ]
        self._insert(MatchEvent.__table__, event_rows)
        self.counts["match_events"] += len(event_rows)

    def _plan_match(
        self, rng: random.Random, household: _PlannedHousehold, offer: _PlannedOffer, org: _PlannedOrg, state: str
    ) -> tuple[dict[str, Any], list[tuple[str | None, str, int, dt.datetime, str | None]]]:
        """A match row and its status changes, laid out backwards from today."""
        path = _PATHS[state]
        open_state = state in (MatchStatus.PROPOSED, MatchStatus.INTRODUCED, MatchStatus.ACCEPTED)
        gaps = [rng.randint(60, 150) if step == MatchStatus.COMPLETED else rng.randint(1, 14) for step in path]
        span = sum(gaps) + 1
        offer_created = offer.values["created_at"]
        latest = self.today - dt.timedelta(days=1)
        window = dt.timedelta(days=60 if open_state else 360)  # open matches are recent
        earliest = max(offer_created.date() + dt.timedelta(days=1), latest - window)
        room = max(0, (latest - earliest).days - span)
        day = earliest + dt.timedelta(days=rng.randint(0, room))
        moment = _at(day, rng)
        events: list[tuple[str | None, str, int, dt.datetime, str | None]] = [
            (None, MatchStatus.PROPOSED, household.facilitator_id, moment, None)
        ]
        row: dict[str, Any] = {
            "household_id": household.id,
            "offer_id": offer.id,
            "status": state,
            "score": round(rng.uniform(0.45, 0.95), 2),
            "shown_position": rng.randint(1, 8),
            "reasons": [],
            "partner_request": False,
            "created_by_id": household.facilitator_id,
            "created_at": moment,
            # Every row carries every column: a bulk insert takes rows of one shape.
            "consent_at": None,
            "started_on": None,
            "ended_on": None,
            "income_after": None,
            "decline_reason": None,
            "note": None,
        }
        previous = MatchStatus.PROPOSED
        for step, gap in zip(path, gaps, strict=True):
            moment = min(moment + dt.timedelta(days=gap, minutes=rng.randint(5, 300)),
                         dt.datetime.combine(latest, dt.time(12)))
            by_partner = step in _PARTNER_STEPS or (step == MatchStatus.DECLINED and rng.random() < 0.6)
            note = None
            if step == MatchStatus.INTRODUCED:
                row["consent_at"] = moment
                note = rng.choice(wb.INTRODUCED_NOTES)
            elif step == MatchStatus.ACCEPTED:
                note = rng.choice(wb.ACCEPTED_NOTES)
            elif step == MatchStatus.DECLINED:
                reasons = wb.PARTNER_DECLINE_REASONS if by_partner else wb.HOUSEHOLD_DECLINE_REASONS
                row["decline_reason"] = rng.choice(reasons)
            elif step == MatchStatus.STARTED:
                row["started_on"] = moment.date()
            elif step == MatchStatus.COMPLETED:
                row["ended_on"] = moment.date()
                pay = offer.values["pay_amount"]
                row["income_after"] = pay if isinstance(pay, int) and pay >= 1_000_000 else 50_000 * rng.randint(12, 50)
            elif step == MatchStatus.DROPPED:
                row["ended_on"] = moment.date()
                note = row["note"] = rng.choice(wb.DROPPED_NOTES)
            actor = org.owner_id if by_partner else household.facilitator_id
            events.append((previous, step, actor, moment, note))
            previous = step
        row["updated_at"] = moment
        return row, events

    # Skills -----------------------------------------------------------------------------

    def _link_skills(self, households: Iterable[_PlannedHousehold], offers: Iterable[_PlannedOffer]) -> None:
        """Tag households and offers with the canonical skills found in their text (as the demo does)."""
        skills = self.session.scalars(select(Skill)).all()
        if not skills:
            return
        found = skill_finder(skills)

        household_rows = [
            {"household_id": h.id, "skill_id": skill_id}
            for h in households
            for skill_id in sorted(found(h.values["skills_text"]))
        ]
        offer_rows = [
            {"offer_id": o.id, "skill_id": skill_id}
            for o in offers
            for skill_id in sorted(found(f"{o.values['title']}. {o.values['skills_text']}"))
        ]
        self._insert(household_skill, household_rows)
        self._insert(offer_skill, offer_rows)
        self.counts["skill_links"] += len(household_rows) + len(offer_rows)
