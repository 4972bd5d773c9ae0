"""Who may open what: every route of the app, for every kind of user, in one table.

Nine actors — anonymous, facilitator A (Cibungbulang), facilitator B (Dramaga), business X,
business Y, a village office, the coordinator of Kab. Bogor, the admin and business S (suspended
after it had accepted one of A's households and while another introduction waited) — try every route
of ``app.url_map`` on their own objects and on other owners' objects. Each row of
:data:`ROWS` says the status each actor gets; every response is also searched for data its
reader must not see (another facilitator's households, another partner's offers and
introductions, any full NIK for a partner). POST rows also check that a refused request
wrote nothing and that an allowed one did.

The world is built once and rebuilt only after a request changed it, so the whole table runs
in seconds. A route missing from the table fails :func:`test_every_route_is_in_the_table`.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import itertools
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask, session
from flask_login import login_user
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from matchmaker.admin.services import suspend_organization
from matchmaker.api.v1.core import etag_of
from matchmaker.api.v1.graduation import assessment_of, checkin_etag, record_etag
from matchmaker.api.v1.households import full_representation
from matchmaker.api.v1.matches import match_etag
from matchmaker.api.v1.offers import offer_etag
from matchmaker.auth.services import issue_password_reset
from matchmaker.auth.tokens import create_token
from matchmaker.clock import today as local_today
from matchmaker.extensions import db
from matchmaker.graduation.services import schedule_checkins
from matchmaker.households import importer
from matchmaker.households.services import CaseloadFilters, HouseholdData, HouseholdError, create_household
from matchmaker.matches.ranking import get_index, rank_households_for_offer
from matchmaker.models import (
    ApiTokenScope,
    GraduationCheckin,
    GraduationRecord,
    GraduationStatus,
    GraduationType,
    Household,
    HouseholdImport,
    HouseholdStatus,
    Match,
    MatchEvent,
    MatchStatus,
    NikCollision,
    Notification,
    Offer,
    OfferKind,
    OfferStatus,
    Organization,
    OrgKind,
    OrgStatus,
    Reach,
    Region,
    Role,
    User,
    UserStatus,
    utcnow,
)
from matchmaker.notifications import Kind
from matchmaker.reference.regions import load_regions_subset
from matchmaker.reference.skills import load_skills
from matchmaker.tasks.services import queue_caseload_export
from tests.conftest import (
    BACKEND,
    CIBUNGBULANG,
    DRAMAGA,
    PASSWORD,
    SUKAMAJU,
    TEST_DISTRICT,
    _empty_postgres_tables,
    _reset_postgres_schema,
    make_app,
)
from tests.households.messy import make_nik
from tests.matches.factories import SEWER

# B's households travel district-wide, so that they are candidates for X's job in Cibungbulang.
SEWER_B = {**SEWER, "travel_range": Reach.DISTRICT}

ACTORS = ("anon", "fac_a", "fac_b", "biz_x", "biz_y", "village", "coord", "admin", "biz_s")
FAC_A_PHONE = "+6281399990001"  # on the pages of partners that accepted one of A's households
SUKADAMAI = "32.01.30.2001"  # a desa of Kec. Dramaga
REFERENCE_TABLES = {"region", "skill"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- The world ------------------------------------------------------------------------------------


@dataclass
class Side:
    """What belongs to one facilitator: her households' personal data, as it must not leak."""

    names: list[str] = field(default_factory=list)
    niks: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)


@dataclass
class World:
    """The ids the table's URLs name, the users behind the actors, and the strings each must not see."""

    ids: dict[str, int]
    users: dict[str, User | None]
    a: Side
    b: Side
    titles: dict[str, str]
    reset_code: str
    tokens: dict[str, str] = field(default_factory=dict)  # each logged-in actor's API token (write scope)

    def forbidden(self, actor: str) -> list[str]:
        """Strings that must appear in no response to ``actor``."""
        a, b, t = self.a, self.b, self.titles
        every_nik = a.niks + b.niks
        everything = a.names + b.names + every_nik + a.phones + b.phones + a.addresses + b.addresses
        if actor == "anon":
            return everything + list(t.values())
        if actor == "fac_a":
            return b.names + b.niks + b.phones + b.addresses
        if actor == "fac_b":
            return a.names + a.niks + a.phones + a.addresses
        if actor == "biz_x":
            # X accepted hA and started pA: their names and phones are X's to see, nothing else.
            return (a.names[2:] + a.phones[2:] + b.names + b.phones + every_nik + a.addresses + b.addresses
                    + [t["oY"], t["oV"]])
        if actor == "biz_y":
            return everything + [t["oX"], t["oX2"], t["oV"]]
        if actor == "village":
            return everything + [t["oX"], t["oX2"], t["oY"]]
        if actor == "admin":
            return every_nik + a.phones + b.phones + a.addresses + b.addresses
        if actor == "biz_s":
            # Suspended after accepting hA: no name, phone or NIK of any woman, not A's phone either.
            return everything + [FAC_A_PHONE] + [t["oX"], t["oX2"], t["oY"], t["oV"]]
        return []  # the coordinator sees her whole district


_HASH: dict[str, str] = {}


def _user(role: str, email: str, name: str, *, areas: list[str] = (), organization: Organization | None = None,
          status: str = UserStatus.ACTIVE) -> User:
    # One scrypt hash for everybody: hashing per user would make each rebuild slow.
    if "hash" not in _HASH:
        _HASH["hash"] = generate_password_hash(PASSWORD, method="scrypt")
    user = User(email=email, name=name, role=role, status=status, organization=organization,
                password_hash=_HASH["hash"], preferred_language="id")
    user.areas = [db.session.get(Region, code) for code in areas]
    db.session.add(user)
    return user


def _organization(kind: str, name: str, desa: str, *, status: str = OrgStatus.ACTIVE) -> Organization:
    organization = Organization(kind=kind, name=name, desa_code=desa, status=status, contact_person="Pak Ujang",
                                phone="+6285711112222", verified_at=utcnow() if status == OrgStatus.ACTIVE else None)
    db.session.add(organization)
    return organization


def _household(facilitator: User, side: Side, name: str, born: dt.date, serial: int, kecamatan: str, desa: str,
               phone: str, address: str, **fields: Any) -> Household:
    nik = make_nik(born, serial, kecamatan)
    household = Household(facilitator=facilitator, nik=nik, full_name=name, birth_date=born, desa_code=desa,
                          phone=phone, address=address, kk_number=f"{kecamatan}0101{serial + 10:06d}", **fields)
    db.session.add(household)
    side.names.append(name)
    side.niks += [nik, household.kk_number]
    side.phones.append(phone)
    side.addresses.append(address)
    return household


def _offer(organization: Organization, title: str, desa: str, **fields: Any) -> Offer:
    values: dict[str, Any] = {
        "kind": OfferKind.JOB, "description": "Jahit gamis, dibayar per potong.", "skills_text": "jahit baju, obras",
        "reach": Reach.DISTRICT, "places": 3, "hours_per_week": 20, "status": OfferStatus.OPEN,
    }
    values.update(fields)
    offer = Offer(organization=organization, title=title, desa_code=desa, **values)
    db.session.add(offer)
    return offer


def _match(household: Household, offer: Offer, status: str, actor: User, *, consent: bool = True,
           partner_request: bool = False, creator: User | None = None) -> Match:
    """A match in ``status`` with the events that lead there."""
    path = [MatchStatus.PROPOSED]
    order = [MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED]
    for step in order[: order.index(status) + 1] if status in order else []:
        path.append(step)
    match = Match(household=household, offer=offer, status=status, consent_at=utcnow() if consent else None,
                  partner_request=partner_request, created_by_id=(creator or actor).id, score=0.8, shown_position=1,
                  started_on=local_today() - dt.timedelta(days=30) if status == MatchStatus.STARTED else None)
    previous = None
    for step in path:
        match.events.append(MatchEvent(actor_id=actor.id, from_status=previous, to_status=step))
        previous = step
    db.session.add(match)
    return match


def _graduated(household: Household, facilitator: User, coordinator: User) -> GraduationRecord:
    """An approved graduation four months ago, with its check-ins scheduled."""
    graduated_on = local_today() - dt.timedelta(days=120)
    record = GraduationRecord(household=household, graduation_type=GraduationType.SELF_RELIANT,
                              graduated_on=graduated_on, evidence="Penghasilan tetap dari konveksi.",
                              status=GraduationStatus.APPROVED, submitted_by_id=facilitator.id,
                              approved_by_id=coordinator.id, approved_at=utcnow())
    household.status = HouseholdStatus.GRADUATED
    household.graduation_type = GraduationType.SELF_RELIANT
    household.graduated_on = graduated_on
    db.session.add(record)
    db.session.flush()
    schedule_checkins(record)
    return record


def _pending(household: Household, facilitator: User) -> GraduationRecord:
    record = GraduationRecord(household=household, graduation_type=GraduationType.SELF_RELIANT,
                              graduated_on=local_today(), evidence="Sudah berjualan kue tiap hari.",
                              status=GraduationStatus.PENDING, submitted_by_id=facilitator.id)
    db.session.add(record)
    return record


def _import_csv(name: str, nik: str, desa: str, kecamatan: str) -> bytes:
    lines = ["NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan,Kecamatan",
             f"{nik},{name},{dt.date(1990, 2, 5):%d/%m/%Y},{desa},{kecamatan}",
             f"123,{name} Salah,31/02/1990,{desa},{kecamatan}"]
    return ("\n".join(lines) + "\n").encode()


def build_world() -> World:
    """Two facilitators' caseloads, three partners with offers and introductions, graduations, imports."""
    a, b = Side(), Side()
    fac_a = _user(Role.FACILITATOR, "fac.a@example.test", "Bu Nining", areas=[CIBUNGBULANG])
    fac_b = _user(Role.FACILITATOR, "fac.b@example.test", "Bu Euis", areas=[DRAMAGA])
    coord = _user(Role.COORDINATOR, "koordinator@example.test", "Bu Rina", areas=[TEST_DISTRICT])
    admin = _user(Role.ADMIN, "admin@example.test", "Admin")
    org_x = _organization(OrgKind.BUSINESS, "Konveksi Xaverius", SUKAMAJU)
    org_y = _organization(OrgKind.BUSINESS, "Katering Yasmin", SUKADAMAI)
    org_v = _organization(OrgKind.VILLAGE_OFFICE, "Pemerintah Desa Sukamaju", SUKAMAJU)
    org_v.serves_code = SUKAMAJU
    org_p = _organization(OrgKind.BUSINESS, "Warung Menunggu", SUKAMAJU, status=OrgStatus.PENDING)
    # Active until its suspension below, once it has an accepted and a pending introduction.
    org_s = _organization(OrgKind.BUSINESS, "Bengkel Ditangguhkan", SUKAMAJU)
    biz_x = _user(Role.BUSINESS, "x@example.test", "Pak Xaverius", organization=org_x)
    member_x = _user(Role.BUSINESS, "x2@example.test", "Teh Xenia", organization=org_x)
    biz_y = _user(Role.BUSINESS, "y@example.test", "Bu Yasmin", organization=org_y)
    village = _user(Role.VILLAGE_OFFICE, "desa@example.test", "Pak Kades", organization=org_v)
    pending = _user(Role.BUSINESS, "p@example.test", "Pak Menunggu", organization=org_p, status=UserStatus.PENDING)
    suspended = _user(Role.BUSINESS, "s@example.test", "Pak Bengkel", organization=org_s)
    db.session.flush()
    org_x.owner_id, org_y.owner_id, org_v.owner_id = biz_x.id, biz_y.id, village.id
    org_p.owner_id, org_s.owner_id = pending.id, suspended.id

    h_a = _household(fac_a, a, "Ratna Kartikasari", dt.date(1986, 4, 12), 7101, "320116", SUKAMAJU,
                     "+6281311110001", "Kampung Cibeureum Girang RT 07/03", **SEWER)
    p_a = _household(fac_a, a, "Dewi Sulastri Anggraeni", dt.date(1984, 8, 3), 7102, "320116", SUKAMAJU,
                     "+6281311110002", "Kampung Pasir Kuda RT 01/01", status=HouseholdStatus.IN_PROGRESS, **SEWER)
    g_a = _household(fac_a, a, "Onih Rukmini Pertiwi", dt.date(1979, 1, 20), 7103, "320116", SUKAMAJU,
                     "+6281311110003", "Kampung Leuwi Sapi RT 04/02", **SEWER)
    h_b = _household(fac_b, b, "Yuyun Wahyuningsih", dt.date(1988, 6, 9), 8101, "320130", SUKADAMAI,
                     "+6281322220001", "Kampung Babakan Sawah RT 02/05", **SEWER_B)
    p_b = _household(fac_b, b, "Cucu Komalasari Hidayat", dt.date(1983, 3, 15), 8102, "320130", SUKADAMAI,
                     "+6281322220002", "Kampung Cangkrang RT 03/04", **SEWER_B)
    g_b = _household(fac_b, b, "Enok Sumiati Rahmawati", dt.date(1980, 11, 2), 8103, "320130", SUKADAMAI,
                     "+6281322220003", "Kampung Ciherang RT 05/06", **SEWER_B)
    titles = {"oX": "Penjahit Gamis Konveksi Xaverius", "oX2": "Magang Obras Xaverius",
              "oY": "Juru Masak Katering Yasmin", "oV": "Pelatihan Menjahit Desa Sukamaju"}
    o_x = _offer(org_x, titles["oX"], SUKAMAJU)
    o_x2 = _offer(org_x, titles["oX2"], SUKAMAJU, kind=OfferKind.APPRENTICESHIP)
    o_y = _offer(org_y, titles["oY"], SUKADAMAI, skills_text="masak, katering")
    o_v = _offer(org_v, titles["oV"], SUKAMAJU, kind=OfferKind.TRAINING, reach=Reach.SUBDISTRICT, places=10)
    o_s = _offer(org_s, "Montir Motor Bengkel S", SUKAMAJU, skills_text="jahit jok motor")
    fac_a.phone = FAC_A_PHONE
    db.session.flush()
    h_a.likely_duplicate_of_id = p_a.id  # so that "not a duplicate" has something to clear

    m_ax = _match(h_a, o_x, MatchStatus.ACCEPTED, fac_a)
    m_px = _match(p_a, o_x, MatchStatus.STARTED, fac_a)
    m_by = _match(h_b, o_y, MatchStatus.INTRODUCED, fac_b)
    m_ay = _match(h_a, o_y, MatchStatus.PROPOSED, biz_y, consent=False, partner_request=True)
    m_av = _match(h_a, o_v, MatchStatus.PROPOSED, fac_a, consent=False)
    m_pv = _match(p_a, o_v, MatchStatus.PROPOSED, fac_a, consent=True)
    m_bv = _match(h_b, o_v, MatchStatus.INTRODUCED, fac_b)
    m_as = _match(h_a, o_s, MatchStatus.ACCEPTED, fac_a)
    m_ps = _match(p_a, o_s, MatchStatus.INTRODUCED, fac_a)
    r_a, r_b = _pending(p_a, fac_a), _pending(p_b, fac_b)
    _graduated(g_a, fac_a, coord)
    _graduated(g_b, fac_b, coord)
    db.session.flush()
    n_a = Notification(user_id=fac_a.id, kind=Kind.REQUEST, match_id=m_ay.id, household_id=h_a.id, params={})
    n_b = Notification(user_id=fac_b.id, kind=Kind.CHECKIN_DUE, household_id=g_b.id, params={"months": 3})
    n_x = Notification(user_id=biz_x.id, kind=Kind.INTRODUCTION, match_id=m_ax.id, household_id=h_a.id, params={})
    n_y = Notification(user_id=biz_y.id, kind=Kind.INTRODUCTION, match_id=m_by.id, household_id=h_b.id, params={})
    n_s = Notification(user_id=suspended.id, kind=Kind.ACCEPTED, match_id=m_as.id, household_id=h_a.id, params={})
    db.session.add_all([n_a, n_b, n_x, n_y, n_s])
    db.session.commit()
    # The suspension withdraws the pending introduction (A is told) and leaves the accepted one.
    suspend_organization(coord, org_s, "Penipuan terhadap KPM")
    # A facilitator submitted a NIK that B's household holds: a case for the coordinator.
    try:
        create_household(fac_a, HouseholdData(nik=h_b.nik, full_name="Yuyun Wahyu", birth_date=h_b.birth_date,
                                              desa_code=SUKAMAJU), [])
    except HouseholdError:
        pass
    case = db.session.scalar(select(NikCollision))
    assert case is not None, "the NIK case of the world was not opened"

    batches = {}
    for key, facilitator, side, name, nik, desa, kecamatan in (
        ("batch_a", fac_a, a, "Kokom Komariah", "3201164502900101", "Sukamaju", "Cibungbulang"),
        ("batch_b", fac_b, b, "Lilis Karlinawati", "3201304502900102", "Sukadamai", "Dramaga"),
    ):
        side.names.append(name)
        side.niks.append(nik)
        batches[key] = importer.create_import(facilitator, _import_csv(name, nik, desa, kecamatan), "kpm.csv").id
    reset_code = issue_password_reset(member_x, coord).code
    # A finished caseload export of A's, run through the task queue (in-process in tests).
    export_job = queue_caseload_export(fac_a, CaseloadFilters(), request_key="world-export-a")
    api_tokens = {actor: create_token(user, "matrix", ApiTokenScope.WRITE, 30) for actor, user in (
        ("fac_a", fac_a), ("fac_b", fac_b), ("biz_x", biz_x), ("biz_y", biz_y), ("village", village),
        ("coord", coord), ("admin", admin), ("biz_s", suspended))}

    ids = {
        "hA": h_a.id, "pA": p_a.id, "gA": g_a.id, "hB": h_b.id, "pB": p_b.id, "gB": g_b.id,
        "orgX": org_x.id, "orgY": org_y.id, "orgV": org_v.id, "orgP": org_p.id, "orgS": org_s.id,
        "oX": o_x.id, "oX2": o_x2.id, "oY": o_y.id, "oV": o_v.id,
        "mAX": m_ax.id, "mPX": m_px.id, "mBY": m_by.id, "mAY": m_ay.id, "mAV": m_av.id, "mPV": m_pv.id,
        "mBV": m_bv.id, "rA": r_a.id, "rB": r_b.id, "nA": n_a.id, "nB": n_b.id, "nX": n_x.id, "nY": n_y.id,
        "mAS": m_as.id, "mPS": m_ps.id, "oS": o_s.id, "nS": n_s.id, "kA": case.id,
        "memberX": member_x.id, "facA": fac_a.id, "facB": fac_b.id, "admin": admin.id, **batches,
        "jobA": export_job.id,
        "tokA": api_tokens["fac_a"].token.id,
    }
    for key, household in (("cA", g_a), ("cB", g_b)):
        ids[key] = db.session.scalar(select(GraduationCheckin.id).where(GraduationCheckin.household_id == household.id)
                                     .order_by(GraduationCheckin.due_on))
    users: dict[str, User | None] = {"anon": None, "fac_a": fac_a, "fac_b": fac_b, "biz_x": biz_x, "biz_y": biz_y,
                                     "village": village, "coord": coord, "admin": admin, "biz_s": suspended}
    return World(ids=ids, users=users, a=a, b=b, titles=titles, reset_code=reset_code,
                 tokens={actor: new.secret for actor, new in api_tokens.items()})


def clear_world() -> None:
    """Delete every row but the reference data (regions, skills), children first."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name not in REFERENCE_TABLES:
            db.session.execute(delete(table))
    db.session.commit()
    db.session.expunge_all()
    # Bulk deletes bypass the session events that keep the ranking index current.
    get_index().invalidate()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table but the reference data, to tell whether a request wrote anything.

    Audit events of data shown on screen are left out: a refused step re-renders the match page,
    and a partner who accepted her is shown (and audited seeing) her contact there, as on a GET.
    """
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name not in REFERENCE_TABLES:
            statement = select(table).order_by(*table.primary_key.columns)
            if table.name == "audit_event":
                # Every API request leaves an "api.request" row, refused or not, like a page view.
                statement = statement.where(table.c.action.not_like("%shown"), table.c.action.not_like("api.%"))
            if table.name == "api_token":
                statement = select(*[column for column in table.c if column.name != "last_used_at"]).order_by(
                    *table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in db.session.execute(statement)]
    return rows


class Environment:
    """The module's app and world; rebuilds the world only when a request changed it."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.world = build_world()
        self.dirty = False  # a request wrote to the world
        self.touched = False  # a page was opened since the world was built (it may have marked things read)
        self._snapshot: dict[str, list[tuple]] | None = None

    def clean(self, *, pristine: bool = False) -> World:
        """The world as built: rebuilt if a request wrote to it (or, ``pristine``, if anybody used it)."""
        if self.dirty or (pristine and self.touched):
            clear_world()
            self.world = build_world()
            self.dirty = self.touched = False
            self._snapshot = None
        return self.world

    def before(self) -> dict[str, list[tuple]]:
        """The database as it is now (cached while nothing writes)."""
        if self._snapshot is None:
            self._snapshot = snapshot()
        return self._snapshot

    def after(self, before: dict[str, list[tuple]]) -> bool:
        """Whether the database changed since ``before``; marks the world dirty if so."""
        db.session.expire_all()
        now = snapshot()
        changed = now != before
        self._snapshot = now
        if changed:
            self.dirty = True
        return changed

    def forget_snapshot(self) -> None:
        """A GET may write (an audit event, a notification read): do not trust the cached state."""
        self._snapshot = None
        self.touched = True

    def client(self, actor: str):
        """A test client logged in as ``actor`` (Flask-Login's own session, no password check)."""
        client = self.app.test_client()
        user = self.world.users[actor]
        if user is not None:
            with self.app.app_context(), self.app.test_request_context():
                login_user(db.session.get(User, user.id))
                values = dict(session)
            with client.session_transaction() as sess:
                sess.update(values)
        return client


@pytest.fixture(scope="module")
def env() -> Iterator[Environment]:
    """One app for the module, its database holding Kab. Bogor, the skills and the world."""
    exports = tempfile.mkdtemp(prefix="matrix-exports-")
    application = make_app(TASK_EXPORT_DIR=exports)
    with application.app_context():
        if BACKEND == "postgresql":
            _reset_postgres_schema()
        else:
            db.create_all()
        load_regions_subset(db.session, [TEST_DISTRICT])
        load_skills(db.session)
        db.session.commit()
        yield Environment(application)
        db.session.remove()
        if BACKEND == "postgresql":
            _empty_postgres_tables()
        else:
            db.engine.dispose()
    shutil.rmtree(exports, ignore_errors=True)


# --- Form data --------------------------------------------------------------------------------------


def household_form(world: World, key: str) -> dict[str, Any]:
    """The profile form of household ``key`` as her facilitator would send it, with one change."""
    household = db.session.get(Household, world.ids[key])
    return {
        "full_name": household.full_name, "nik": household.nik, "kk_number": household.kk_number,
        "birth_date": household.birth_date.isoformat(), "phone": household.phone, "address": household.address,
        "desa": household.desa.name, "desa_code": household.desa_code, "components-anak_sd": "1",
        "skills_text": household.skills_text, "work_preference": "own_business", "travel_range": "kecamatan",
        "hours_per_week": "25", "income_bracket": "lt_1jt", "status": household.status, "submit": "1",
    }


NEW_HOUSEHOLD = {
    "full_name": "Imas Masitoh", "nik": "3201 1652 0385 0002", "birth_date": "1985-03-12", "phone": "0813-1111-2222",
    "desa": "Sukamaju", "desa_code": SUKAMAJU, "components-anak_sd": "2", "skills_text": "jahit baju",
    "work_preference": "own_business", "travel_range": "kecamatan", "hours_per_week": "20",
    "income_bracket": "lt_1jt", "status": "active", "submit": "1",
}
OFFER_FORM = {
    "kind": OfferKind.JOB, "title": "Penjahit gamis baru", "description": "Menjahit gamis, bahan disediakan.",
    "skills_text": "jahit, obras", "places": "3", "desa_code": SUKAMAJU, "reach": "kecamatan", "hours_per_week": "20",
    "schedule": "Senin–Jumat pagi", "pay_amount": "Rp1.500.000", "pay_terms": "per bulan",
    "start_date": "2026-12-01", "end_date": "2027-03-31", "status": OfferStatus.OPEN,
}
PROFILE_FORM = {
    "name": "Konveksi Baru", "description": "Konveksi gamis.", "desa_code": SUKAMAJU, "desa_name": "Sukamaju",
    "address": "Jl. Raya Cibungbulang 5", "contact_person": "Pak Ujang", "phone": "0857-1111-3333",
    "email": "konveksi@example.test",
}
REGISTRATION = {
    "kind": "business", "organization_name": "Konveksi Berkah Cibatok", "desa_code": SUKAMAJU,
    "contact_name": "Dedi Supriadi", "email": "dedi@konveksi.test", "phone": "0812-3456-7890",
    "password": "jahit-rapi-99", "password_confirm": "jahit-rapi-99",
}
_SERIAL = itertools.count(1)
NEW_PASSWORD = {"password": "sandi-baru-123", "password_confirm": "sandi-baru-123"}


def _today() -> str:
    return local_today().isoformat()


def _upload(world: World) -> dict[str, Any]:
    csv = _import_csv("Nani Suryani", "3201164502900201", "Sukamaju", "Cibungbulang")
    return {"file": (io.BytesIO(csv), "kpm.csv"), "update_existing": "update"}


def _api_upload(world: World) -> dict[str, Any]:
    return {**_upload(world), "update_existing": "true"}


def _candidate_of_x(world: World) -> dict[str, Any]:
    offer = db.session.get(Offer, world.ids["oX"])
    ranked = [c for c in rank_households_for_offer(offer, k=60) if c.household.facilitator_id is not None]
    assert ranked, "business X's offer has no candidate to ask for"
    return {"target": ranked[0].household.id}


# --- The table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One request (an endpoint, a method, a URL naming own or others' objects) and what each actor gets."""

    endpoint: str
    method: str
    url: str
    expect: dict[str, int]
    variant: str = ""
    data: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    writers: frozenset[str] = frozenset()
    anon_to_login: bool = True
    # Each writer changes only what is its own (its password, its profile): no rebuild between them.
    independent: bool = False
    # An /api/v1 request: sent with the actor's bearer token (none for anon), ``data`` as the JSON body.
    api: bool = False
    # For API updates: send the household's current ETag (``If-Match``) of this id key (or the header a
    # function of the world gives, for other resources).
    if_match: str | Callable[[World], str] = ""
    # What the writers' answer may show that they could not see before (her contact, once a partner accepted her).
    reveals: Callable[[World], list[str]] | None = None

    @property
    def id(self) -> str:
        """The pytest id of the row."""
        return f"{self.method} {self.endpoint}" + (f" [{self.variant}]" if self.variant else "")

    def form(self, world: World) -> dict[str, Any] | None:
        """The posted form for this world."""
        if callable(self.data):
            return self.data(world)
        if self.data is None:
            return None
        return {key: value.format(**world.ids) if isinstance(value, str) else value
                for key, value in self.data.items()}


def _row(endpoint: str, method: str, url: str, statuses: str, variant: str = "", *, data: Any = None,
         writers: str = "", anon_to_login: bool = True, independent: bool = False, api: bool = False,
         if_match: str | Callable[[World], str] = "", reveals: Callable[[World], list[str]] | None = None) -> Row:
    codes = [int(code) for code in statuses.split()]
    assert len(codes) == len(ACTORS), f"{endpoint}: {len(codes)} statuses for the actors {' '.join(ACTORS)}"
    unknown = set(writers.split()) - set(ACTORS)
    assert not unknown, f"{endpoint}: unknown actors {unknown}"
    return Row(endpoint, method, url, dict(zip(ACTORS, codes, strict=True)), variant, data,
               frozenset(writers.split()), anon_to_login, independent, api, if_match, reveals)


def GET(endpoint: str, url: str, statuses: str, variant: str = "", **kwargs: Any) -> Row:  # noqa: N802
    """A GET row."""
    return _row(endpoint, "GET", url, statuses, variant, **kwargs)


def POST(endpoint: str, url: str, statuses: str, variant: str = "", **kwargs: Any) -> Row:  # noqa: N802
    """A POST row; ``writers`` are the actors whose request must change the database."""
    return _row(endpoint, "POST", url, statuses, variant, **kwargs)


def API(endpoint: str, method: str, url: str, statuses: str, variant: str = "", **kwargs: Any) -> Row:  # noqa: N802
    """An /api/v1 row: the actor's bearer token, no session; anonymous callers get 401, not the login page."""
    return _row(endpoint, method, url, statuses, variant, api=True, anon_to_login=False, **kwargs)


def _api_household(world: World) -> dict[str, Any]:
    return {"nik": "3201165203850002", "full_name": "Imas Masitoh", "birth_date": "1985-03-12",
            "desa_code": SUKAMAJU, "skills_text": "jahit baju", "components": {"anak_sd": 2}}


def _api_offer(world: World) -> dict[str, Any]:
    return {"kind": OfferKind.JOB, "title": "Penjahit gamis baru", "skills_text": "jahit, obras", "places": 3,
            "desa_code": SUKAMAJU, "reach": "kecamatan", "pay_amount": 1500000}


def _record_if_match(key: str) -> Callable[[World], str]:
    return lambda world: f'"{record_etag(db.session.get(GraduationRecord, world.ids[key]))}"'


def _checkin_if_match(key: str) -> Callable[[World], str]:
    return lambda world: f'"{checkin_etag(db.session.get(GraduationCheckin, world.ids[key]))}"'


def _checklist_if_match(key: str) -> Callable[[World], str]:
    return lambda world: f'"{etag_of(assessment_of(db.session.get(Household, world.ids[key])))}"'


def _api_graduation(world: World) -> dict[str, Any]:
    return {"graduation_type": GraduationType.SELF_RELIANT, "graduated_on": _today(),
            "evidence": "Penghasilan tetap dari konveksi.", "confirm_not_ready": True}


LOGGED_IN = "fac_a fac_b biz_x biz_y village coord admin biz_s"
FACILITATOR_SIDE = "fac_a coord"

# Columns:                                        anon fac_a fac_b biz_x biz_y village coord admin biz_s
ROWS: list[Row] = [
    # main
    GET("main.index", "/", "302 302 302 302 302 302 302 302 302"),
    GET("main.home", "/home", "302 200 200 200 200 200 200 200 200"),
    GET("main.healthz", "/healthz", "200 200 200 200 200 200 200 200 200"),
    GET("main.export_table", "/home/unmatched.xlsx", "302 200 200 404 404 404 404 404 404", "unmatched"),
    GET("main.export_table", "/home/checkins.xlsx", "302 200 200 404 404 404 404 404 404", "checkins"),
    GET("main.export_table", "/home/pipeline.xlsx", "302 200 200 404 404 404 200 404 404", "pipeline"),
    GET("main.export_table", "/home/facilitators.xlsx", "302 404 404 404 404 404 200 404 404", "facilitators"),
    GET("main.export_table", "/home/kecamatan.xlsx", "302 404 404 404 404 404 200 404 404", "kecamatan"),
    GET("main.export_table", "/home/partners.xlsx", "302 404 404 404 404 404 200 404 404", "partners"),
    GET("main.export_table", "/home/programs.xlsx", "302 404 404 200 200 200 404 404 200", "programs"),
    GET("main.export_table", "/home/nothing.xlsx", "302 404 404 404 404 404 404 404 404", "unknown table"),
    GET("static", "/static/app.css", "200 200 200 200 200 200 200 200 200"),
    # auth
    GET("auth.login", "/auth/login", "200 302 302 302 302 302 302 302 302"),
    POST("auth.login", "/auth/login", "302 302 302 302 302 302 302 302 302", anon_to_login=False,
         data={"email": "fac.a@example.test", "password": PASSWORD}, writers="anon"),
    # Logging out ends the account's sessions: it writes a new session generation.
    POST("auth.logout", "/auth/logout", "302 302 302 302 302 302 302 302 302", writers=LOGGED_IN, independent=True),
    POST("auth.logout_everywhere", "/auth/logout-everywhere", "302 302 302 302 302 302 302 302 302",
         writers=LOGGED_IN, independent=True),
    GET("auth.register", "/auth/register", "200 302 302 302 302 302 302 302 302"),
    POST("auth.register", "/auth/register", "200 302 302 302 302 302 302 302 302", data=REGISTRATION, writers="anon"),
    GET("auth.register_regions", "/auth/register/regions?q=Sukamaju", "200 200 200 200 200 200 200 200 200"),
    GET("auth.change_password", "/auth/password", "302 200 200 200 200 200 200 200 200"),
    POST("auth.change_password", "/auth/password", "302 302 302 302 302 302 302 302 302",
         data={"current_password": PASSWORD, **NEW_PASSWORD}, writers=LOGGED_IN, independent=True),
    GET("auth.reset_password", "/auth/reset", "200 200 200 200 200 200 200 200 200"),
    POST("auth.reset_password", "/auth/reset", "302 302 302 302 302 302 302 302 302", anon_to_login=False,
         data=lambda w: {"code": w.reset_code, **NEW_PASSWORD}, writers="anon " + LOGGED_IN),
    POST("auth.set_language", "/auth/language", "302 302 302 302 302 302 302 302 302", anon_to_login=False,
         data={"language": "id"}),
    # api
    GET("api.regions_search", "/api/regions/search?q=Sukamaju", "401 200 200 200 200 200 200 200 200"),
    GET("api.skills_search", "/api/skills/search?q=jahit", "401 200 200 200 200 200 200 200 200"),
    # admin
    GET("admin.organizations", "/admin/organizations", "302 403 403 403 403 403 200 200 403"),
    GET("admin.organizations", "/admin/organizations?status=active", "302 403 403 403 403 403 200 200 403", "active"),
    GET("admin.organization_detail", "/admin/organizations/{orgX}", "302 403 403 403 403 403 200 200 403"),
    GET("admin.organization_detail", "/admin/organizations/999999", "302 403 403 403 403 403 404 404 403", "missing"),
    GET("admin.reject_organization", "/admin/organizations/{orgP}/reject", "302 403 403 403 403 403 200 200 403"),
    POST("admin.reject_organization", "/admin/organizations/{orgP}/reject", "302 403 403 403 403 403 302 302 403",
         data={"reason": "Alamat usaha tidak ditemukan"}, writers="coord admin"),
    POST("admin.approve_organization", "/admin/organizations/{orgP}/approve", "302 403 403 403 403 403 302 302 403",
         writers="coord admin"),
    GET("admin.suspend_organization", "/admin/organizations/{orgX}/suspend", "302 403 403 403 403 403 200 200 403"),
    POST("admin.suspend_organization", "/admin/organizations/{orgX}/suspend", "302 403 403 403 403 403 302 302 403",
         data={"reason": "Laporan penipuan"}, writers="coord admin"),
    POST("admin.reinstate_organization", "/admin/organizations/{orgS}/reinstate", "302 403 403 403 403 403 302 302 403",
         writers="coord admin"),
    GET("admin.users", "/admin/users", "302 403 403 403 403 403 200 200 403"),
    GET("admin.new_user", "/admin/users/new", "302 403 403 403 403 403 200 200 403"),
    POST("admin.new_user", "/admin/users/new", "302 403 403 403 403 403 302 200 403", "facilitator of Cibungbulang",
         data={"role": Role.FACILITATOR, "name": "Rina Marlina", "email": "rina@example.test", "phone": "",
               "areas-0-name": "Cibungbulang", "areas-0-code": CIBUNGBULANG, "password": "mulai-12345"},
         writers="coord"),
    POST("admin.issue_reset", "/admin/users/{facB}/reset", "302 403 403 403 403 403 200 200 403", "a facilitator",
         writers="coord admin"),
    POST("admin.issue_reset", "/admin/users/{admin}/reset", "302 403 403 403 403 403 404 404 403", "the admin"),
    POST("admin.set_user_status", "/admin/users/{facB}/status", "302 403 403 403 403 403 302 302 403", "a facilitator",
         data={"enable": "0"}, writers="coord admin"),
    POST("admin.set_user_status", "/admin/users/{admin}/status", "302 403 403 403 403 403 404 404 403", "the admin",
         data={"enable": "0"}),
    POST("admin.end_sessions", "/admin/users/{facB}/sessions", "302 403 403 403 403 403 302 302 403", "a facilitator",
         writers="coord admin"),
    POST("admin.end_sessions", "/admin/users/{admin}/sessions", "302 403 403 403 403 403 404 404 403", "the admin"),
    # graduation
    GET("graduation.readiness", "/graduation/households/{hA}/readiness", "302 200 404 403 403 403 200 403 403", "hA"),
    GET("graduation.readiness", "/graduation/households/{hB}/readiness", "302 404 200 403 403 403 200 403 403", "hB"),
    POST("graduation.readiness", "/graduation/households/{hA}/readiness", "302 302 404 403 403 403 200 403 403", "hA",
         data=lambda w: {"household_size": "4", "children_in_school": "all_attend", "monthly_income": "2500000",
                        "income_since": "2026-01-05"}, writers="fac_a"),
    GET("graduation.graduate", "/graduation/households/{hA}/graduate", "302 200 404 403 403 403 403 403 403", "hA"),
    GET("graduation.graduate", "/graduation/households/{hB}/graduate", "302 404 200 403 403 403 403 403 403", "hB"),
    POST("graduation.graduate", "/graduation/households/{hA}/graduate", "302 302 404 403 403 403 403 403 403", "hA",
         data=lambda w: {"graduation_type": GraduationType.SELF_RELIANT, "graduated_on": _today(),
                         "evidence": "Penghasilan tetap dari konveksi.", "confirm_not_ready": "y"}, writers="fac_a"),
    GET("graduation.queue", "/graduation/queue", "302 403 403 403 403 403 200 403 403"),
    GET("graduation.record", "/graduation/records/{rA}", "302 200 404 403 403 403 200 403 403", "rA"),
    GET("graduation.record", "/graduation/records/{rB}", "302 404 200 403 403 403 200 403 403", "rB"),
    POST("graduation.approve", "/graduation/records/{rA}/approve", "302 403 403 403 403 403 302 403 403",
         data={"reason": "Usahanya berjalan baik; survei desa menguatkan."}, writers="coord"),
    POST("graduation.reject", "/graduation/records/{rA}/reject", "302 403 403 403 403 403 302 403 403",
         data={"reason": "Lampirkan slip gaji terbaru."}, writers="coord"),
    GET("graduation.checkins", "/graduation/checkins", "302 200 200 403 403 403 403 403 403"),
    GET("graduation.checkin", "/graduation/checkins/{cA}", "302 200 404 403 403 403 403 403 403", "cA"),
    GET("graduation.checkin", "/graduation/checkins/{cB}", "302 404 200 403 403 403 403 403 403", "cB"),
    POST("graduation.checkin", "/graduation/checkins/{cA}", "302 302 404 403 403 403 403 403 403", "cA",
         data=lambda w: {"done_on": _today(), "monthly_income": "3000000", "note": "Usaha jalan."},
         writers="fac_a"),
    # households
    GET("households.index", "/households/", "302 200 200 403 403 403 200 403 403"),
    GET("households.index", "/households/?q=Yuyun", "302 200 200 403 403 403 200 403 403", "search B's name"),
    GET("households.export", "/households/export.xlsx", "302 200 200 403 403 403 200 403 403"),
    GET("households.new", "/households/new", "302 200 200 403 403 403 403 403 403"),
    POST("households.new", "/households/new", "302 302 200 403 403 403 403 403 403", data=NEW_HOUSEHOLD,
         writers="fac_a"),
    GET("households.detail", "/households/{hA}", "302 200 404 403 403 403 200 403 403", "hA"),
    GET("households.detail", "/households/{hB}", "302 404 200 403 403 403 200 403 403", "hB"),
    GET("households.edit", "/households/{hA}/edit", "302 200 404 403 403 403 403 403 403", "hA"),
    GET("households.edit", "/households/{hB}/edit", "302 404 200 403 403 403 403 403 403", "hB"),
    POST("households.edit", "/households/{hA}/edit", "302 302 404 403 403 403 403 403 403", "hA",
         data=lambda w: household_form(w, "hA"), writers="fac_a"),
    POST("households.edit", "/households/{hB}/edit", "302 404 302 403 403 403 403 403 403", "hB",
         data=lambda w: household_form(w, "hB"), writers="fac_b"),
    POST("households.not_duplicate", "/households/{hA}/not-duplicate", "302 302 404 403 403 403 403 403 403",
         writers="fac_a"),
    # offline work: home visits, the outbox's sync endpoint (JSON, 401 rather than the login page), conflicts
    GET("visits.new", "/households/{hA}/visits/new", "302 200 404 403 403 403 403 403 403", "hA"),
    GET("visits.new", "/households/{hB}/visits/new", "302 404 200 403 403 403 403 403 403", "hB"),
    POST("visits.new", "/households/{hA}/visits/new", "302 302 404 403 403 403 403 403 403", "hA",
         data=lambda w: {"visited_on": _today(), "notes": "Usaha kue jalan."}, writers="fac_a"),
    GET("sync.token", "/sync/token", "401 200 200 403 403 403 403 403 403", anon_to_login=False),
    POST("sync.actions", "/sync/actions", "401 400 400 403 403 403 403 403 403", anon_to_login=False),
    GET("sync.resolve", "/sync/conflicts/999999", "302 404 404 403 403 403 403 403 403", "missing"),
    POST("sync.resolve", "/sync/conflicts/999999", "302 404 404 403 403 403 403 403 403", "missing",
         data={"version": "x"}),
    # background jobs
    GET("jobs.detail", "/jobs/{jobA}", "302 200 404 404 404 404 404 200 404", "A's export"),
    GET("jobs.detail", "/jobs/999999", "302 404 404 404 404 404 404 404 404", "missing"),
    GET("jobs.download", "/jobs/{jobA}/download", "302 200 404 404 404 404 404 404 404", "A's export"),
    POST("jobs.export_caseload", "/jobs/export/caseload", "302 302 302 403 403 403 302 403 403",
         writers="fac_a fac_b coord"),
    GET("admin.jobs", "/admin/jobs", "302 403 403 403 403 403 403 200 403"),
    POST("admin.train_ranker", "/admin/jobs/train-ranker", "302 403 403 403 403 403 403 302 403", writers="admin"),
    GET("admin.jobs", "/admin/jobs?status=failed", "302 403 403 403 403 403 403 200 403", "failed"),
    GET("households.import_template", "/households/import/template.xlsx", "302 200 200 403 403 403 403 403 403"),
    GET("households.import_upload", "/households/import", "302 200 200 403 403 403 403 403 403"),
    POST("households.import_upload", "/households/import", "302 302 302 403 403 403 403 403 403", data=_upload,
         writers="fac_a fac_b", independent=True),
    GET("households.import_preview", "/households/import/{batch_a}", "302 200 404 403 403 403 403 403 403", "A's"),
    GET("households.import_preview", "/households/import/{batch_b}", "302 404 200 403 403 403 403 403 403", "B's"),
    GET("households.import_rejected", "/households/import/{batch_a}/rejected.xlsx",
        "302 200 404 403 403 403 403 403 403", "A's"),
    GET("households.import_rejected", "/households/import/{batch_b}/rejected.xlsx",
        "302 404 200 403 403 403 403 403 403", "B's"),
    GET("households.collisions_index", "/households/collisions", "302 403 403 403 403 403 200 200 403"),
    GET("households.collision", "/households/collisions/{kA}", "302 403 403 403 403 403 200 200 403"),
    GET("households.collision", "/households/collisions/999999", "302 403 403 403 403 403 404 404 403", "missing"),
    POST("households.collision", "/households/collisions/{kA}", "302 403 403 403 403 403 302 302 403", "move",
         data={"decision": "transferred", "note": ""}, writers="coord admin"),
    POST("households.collision", "/households/collisions/{kA}", "302 403 403 403 403 403 400 400 403",
         "keep without a note", data={"decision": "rejected", "note": ""}),
    POST("households.import_confirm", "/households/import/{batch_a}/confirm", "302 302 404 403 403 403 403 403 403",
         "A's", writers="fac_a"),
    # matches
    GET("matches.batch", "/matches/batch", "302 403 403 403 403 403 200 200 403"),
    # Asking for a preview queues its plan and sends her to the page that waits for it.
    GET("matches.batch", f"/matches/batch?kecamatan={CIBUNGBULANG}", "302 403 403 403 403 403 302 302 403", "preview"),
    POST("matches.batch", "/matches/batch", "302 403 403 403 403 403 302 302 403", "nothing ticked",
         data={"kecamatan": CIBUNGBULANG, "fingerprint": "0" * 16}),
    GET("matches.find", "/matches/households/{hA}/find", "302 200 404 403 403 403 200 403 403", "hA"),
    GET("matches.find", "/matches/households/{hB}/find", "302 404 200 403 403 403 200 403 403", "hB"),
    POST("matches.propose", "/matches/households/{hA}/propose", "302 302 404 403 403 403 302 403 403", "hA",
         data={"target": "{oX2}"}, writers=FACILITATOR_SIDE),
    POST("matches.propose", "/matches/households/{hB}/propose", "302 404 302 403 403 403 302 403 403", "hB",
         data={"target": "{oX2}"}, writers="fac_b coord"),
    GET("matches.detail", "/matches/{mAX}", "302 200 404 200 404 404 200 403 404", "accepted by X"),
    GET("matches.detail", "/matches/{mPX}", "302 200 404 200 404 404 200 403 404", "started with X"),
    GET("matches.detail", "/matches/{mBY}", "302 404 200 404 200 404 200 403 404", "introduced to Y"),
    GET("matches.detail", "/matches/{mAY}", "302 200 404 404 200 404 200 403 404", "requested by Y"),
    GET("matches.detail", "/matches/{mAV}", "302 200 404 404 404 404 200 403 404", "proposed, not introduced"),
    GET("matches.detail", "/matches/{mBV}", "302 404 200 404 404 200 200 403 404", "introduced to the village"),
    POST("matches.step", "/matches/{mAV}/consent", "302 302 404 404 404 404 302 403 404", "consent",
         writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mPV}/introduce", "302 302 404 404 404 404 302 403 404", "introduce",
         writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mAY}/approve", "302 302 404 404 403 404 302 403 404", "approve Y's request",
         data={"consent": "y"}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mAY}/refuse", "302 302 404 404 403 404 302 403 404", "refuse Y's request",
         data={"reason": "not_interested"}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mBY}/accept", "302 404 403 404 302 404 403 403 404", "accept",
         writers="biz_y"),
    POST("matches.step", "/matches/{mBY}/decline", "302 404 403 404 302 404 403 403 404", "decline",
         data={"reason": "too_far"}, writers="biz_y"),
    POST("matches.step", "/matches/{mAX}/start", "302 302 404 403 404 404 302 403 404", "start",
         data=lambda w: {"started_on": _today()}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mPX}/complete", "302 302 404 403 404 404 302 403 404", "complete",
         data=lambda w: {"income_after": "2500000", "ended_on": _today()}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mAX}/drop", "302 302 404 403 404 404 302 403 404", "drop",
         data={"reason": "health"}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mAX}/fly", "302 404 404 404 404 404 404 403 404", "unknown action"),
    # S accepted hA and had pA's introduction pending when it was suspended (which withdrew it).
    GET("matches.detail", "/matches/{mAS}", "302 200 404 404 404 404 200 403 200", "accepted by S, suspended"),
    GET("matches.letter", "/matches/{mAX}/letter", "302 200 404 200 404 404 200 403 404", "accepted by X"),
    GET("matches.letter", "/matches/{mAV}/letter", "302 404 404 404 404 404 404 403 404", "proposed, not introduced"),
    GET("matches.letter", "/matches/{mAS}/letter", "302 200 404 404 404 404 200 403 404", "accepted by S, suspended"),
    GET("matches.detail", "/matches/{mPS}", "302 200 404 404 404 404 200 403 200", "withdrawn from S"),
    POST("matches.step", "/matches/{mAS}/start", "302 409 404 404 404 404 409 403 403", "start with S",
         data=lambda w: {"started_on": _today()}),
    POST("matches.step", "/matches/{mAS}/drop", "302 302 404 404 404 404 302 403 403", "drop S",
         data={"reason": "partner_ended"}, writers=FACILITATOR_SIDE),
    POST("matches.step", "/matches/{mAS}/decline", "302 409 404 404 404 404 409 403 409", "S declines",
         data={"reason": "too_far"}),
    POST("matches.step", "/matches/{mPS}/accept", "302 409 404 404 404 404 409 403 409", "S accepts withdrawn"),
    GET("matches.candidates", "/matches/offers/{oS}/candidates", "302 403 403 404 404 404 403 403 403", "oS"),
    POST("matches.request_introduction", "/matches/offers/{oS}/request", "302 403 403 404 404 404 403 403 403",
         "oS", data=lambda w: {"target": str(w.ids["pA"])}),
    GET("notifications.open_one", "/notifications/{nS}", "302 404 404 404 404 404 404 404 302", "S's"),
    GET("matches.inbox", "/matches/inbox", "302 403 403 200 200 200 403 403 200"),
    GET("matches.candidates", "/matches/offers/{oX}/candidates", "302 403 403 200 404 404 403 403 404", "oX"),
    GET("matches.candidates", "/matches/offers/{oY}/candidates", "302 403 403 404 200 404 403 403 404", "oY"),
    POST("matches.request_introduction", "/matches/offers/{oX}/request", "302 403 403 302 404 404 403 403 404", "oX",
         data=_candidate_of_x, writers="biz_x"),
    # notifications
    GET("notifications.index", "/notifications/", "302 200 200 200 200 200 200 200 200"),
    GET("notifications.open_one", "/notifications/{nA}", "302 302 404 404 404 404 404 404 404", "A's"),
    GET("notifications.open_one", "/notifications/{nX}", "302 404 404 302 404 404 404 404 404", "X's"),
    POST("notifications.read_all", "/notifications/read-all", "302 302 302 302 302 302 302 302 302",
         writers="fac_a fac_b biz_x biz_y biz_s", independent=True),
    # offline (the installable shell; the list of pages kept on a phone is the user's own)
    GET("offline.service_worker", "/sw.js", "200 200 200 200 200 200 200 200 200"),
    GET("offline.manifest", "/manifest.webmanifest", "200 200 200 200 200 200 200 200 200"),
    GET("offline.pages", "/offline/pages.json", "302 200 200 200 200 200 200 200 200"),
    GET("offline.unavailable", "/offline/unavailable", "302 200 200 200 200 200 200 200 200"),
    # partners
    GET("partners.profile", "/partners/profile", "302 403 403 200 200 200 403 403 200"),
    GET("partners.edit_profile", "/partners/profile/edit", "302 403 403 200 200 200 403 403 200"),
    POST("partners.edit_profile", "/partners/profile/edit", "302 403 403 302 302 200 403 403 302", "a business profile",
         data=PROFILE_FORM, writers="biz_x biz_y biz_s", independent=True),
    GET("partners.members", "/partners/members", "302 403 403 200 200 200 403 403 200"),
    POST("partners.members", "/partners/members", "302 403 403 302 302 302 403 403 302",
         data=lambda w: {"name": "Teh Nia", "email": f"nia{next(_SERIAL)}@example.test", "access": "password",
                         "password": "mulai-12345"},
         writers="biz_x biz_y village biz_s", independent=True),
    POST("partners.member_code", "/partners/members/{memberX}/code", "302 403 403 200 404 404 403 403 404",
         "X's colleague", writers="biz_x"),
    POST("partners.member_access", "/partners/members/{memberX}/access", "302 403 403 302 404 404 403 403 404",
         "X's colleague", data={"active": "0"}, writers="biz_x"),
    GET("partners.my_offers", "/partners/offers", "302 403 403 200 200 200 403 403 200"),
    GET("partners.new_offer", "/partners/offers/new", "302 403 403 200 200 200 403 403 403"),
    POST("partners.new_offer", "/partners/offers/new", "302 403 403 302 302 200 403 403 403", "a job",
         data=OFFER_FORM, writers="biz_x biz_y", independent=True),
    GET("partners.edit_offer", "/partners/offers/{oX}/edit", "302 403 403 200 404 404 403 403 404", "oX"),
    GET("partners.edit_offer", "/partners/offers/{oY}/edit", "302 403 403 404 200 404 403 403 404", "oY"),
    POST("partners.edit_offer", "/partners/offers/{oX}/edit", "302 403 403 302 404 404 403 403 404", "oX",
         data=OFFER_FORM, writers="biz_x"),
    POST("partners.edit_offer", "/partners/offers/{oY}/edit", "302 403 403 404 302 404 403 403 404", "oY",
         data=OFFER_FORM, writers="biz_y"),
    POST("partners.offer_status", "/partners/offers/{oX}/status", "302 403 403 302 404 404 403 403 404", "oX",
         data={"status": OfferStatus.CLOSED}, writers="biz_x"),
    POST("partners.offer_status", "/partners/offers/{oY}/status", "302 403 403 404 302 404 403 403 404", "oY",
         data={"status": OfferStatus.CLOSED}, writers="biz_y"),
    GET("partners.offer_detail", "/partners/offers/{oX}", "302 200 200 200 404 404 200 200 404", "oX"),
    GET("partners.offer_detail", "/partners/offers/{oY}", "302 200 200 404 200 404 200 200 404", "oY"),
    GET("partners.offer_detail", "/partners/offers/{oV}", "302 200 200 404 404 200 200 200 404", "oV"),
    GET("partners.offer_detail", "/partners/offers/{oS}", "302 404 404 404 404 404 200 200 200", "suspended S's"),
    GET("partners.edit_offer", "/partners/offers/{oS}/edit", "302 403 403 404 404 404 403 403 403", "oS"),
    # Closing its own offer stays possible while suspended (it matches nobody either way).
    POST("partners.offer_status", "/partners/offers/{oS}/status", "302 403 403 404 404 404 403 403 302", "oS",
         data={"status": OfferStatus.CLOSED}, writers="biz_s"),
    GET("partners.search", "/partners/search", "302 200 200 403 403 403 200 200 403"),
    GET("partners.directory", "/partners/directory", "302 200 200 403 403 403 200 200 403"),
    GET("partners.organization", "/partners/organizations/{orgX}", "302 200 200 403 403 403 200 200 403", "active"),
    GET("partners.organization", "/partners/organizations/{orgP}", "302 404 404 403 403 403 404 404 403", "pending"),
    # personal access tokens (account page)
    POST("auth.create_token", "/auth/tokens", "302 200 200 200 200 200 200 200 200",
         data={"name": "Laporan", "scope": "read", "lifetime": "30"}, writers=LOGGED_IN, independent=True),
    POST("auth.revoke_token", "/auth/tokens/{tokA}/revoke", "302 302 404 404 404 404 404 404 404", "A's",
         writers="fac_a"),
    # api v1: the document and its documentation page are public; data needs a token
    API("api-docs.openapi_json", "GET", "/api/v1/openapi.json", "200 200 200 200 200 200 200 200 200"),
    API("api_v1_docs.docs", "GET", "/api/v1/docs", "200 200 200 200 200 200 200 200 200"),
    API("api_v1_households.list_households", "GET", "/api/v1/households", "401 200 200 403 403 403 200 403 403"),
    API("api_v1_households.list_households", "GET", "/api/v1/households?q=Ratna", "401 200 200 403 403 403 200 403 403",
        "name search"),
    API("api_v1_households.get_household", "GET", "/api/v1/households/{hA}", "401 200 404 403 403 403 200 403 403",
        "hA"),
    API("api_v1_households.get_household", "GET", "/api/v1/households/{hB}", "401 404 200 403 403 403 200 403 403",
        "hB"),
    API("api_v1_households.create_household", "POST", "/api/v1/households", "401 201 422 403 403 403 403 403 403",
        data=_api_household, writers="fac_a"),
    API("api_v1_households.update_household", "PATCH", "/api/v1/households/{hA}",
        "401 200 404 403 403 403 403 403 403", "hA", data={"address": "Kp. Baru RT 01/01"}, if_match="hA",
        writers="fac_a"),
    API("api_v1_households.update_household", "PATCH", "/api/v1/households/{hB}",
        "401 404 200 403 403 403 403 403 403", "hB", data={"address": "Kp. Baru RT 01/01"}, if_match="hB",
        writers="fac_b"),
    # api v1 offers: the search's readers see what the search shows, a partner her own; only she writes
    API("api_v1_offers.list_offers", "GET", "/api/v1/offers", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_offers.list_offers", "GET", "/api/v1/offers?q=jahit&show=all", "401 200 200 200 200 200 200 200 200",
        "search"),
    API("api_v1_offers.get_offer", "GET", "/api/v1/offers/{oX}", "401 200 200 200 404 404 200 200 404", "oX"),
    API("api_v1_offers.get_offer", "GET", "/api/v1/offers/{oY}", "401 200 200 404 200 404 200 200 404", "oY"),
    API("api_v1_offers.get_offer", "GET", "/api/v1/offers/{oV}", "401 200 200 404 404 200 200 200 404", "oV"),
    API("api_v1_offers.get_offer", "GET", "/api/v1/offers/{oS}", "401 404 404 404 404 404 200 200 200",
        "suspended S's"),
    API("api_v1_offers.create_offer", "POST", "/api/v1/offers", "401 403 403 201 201 422 403 403 403", "a job",
        data=_api_offer, writers="biz_x biz_y", independent=True),
    API("api_v1_offers.update_offer", "PATCH", "/api/v1/offers/{oX}", "401 403 403 200 404 404 403 403 404", "oX",
        data={"title": "Penjahit gamis (diperbarui)"}, if_match="oX", writers="biz_x"),
    API("api_v1_offers.update_offer", "PATCH", "/api/v1/offers/{oY}", "401 403 403 404 200 404 403 403 404", "oY",
        data={"places": 5}, if_match="oY", writers="biz_y"),
    API("api_v1_offers.update_offer", "PATCH", "/api/v1/offers/{oS}", "401 403 403 404 404 404 403 403 403", "oS",
        data={"places": 5}, if_match="oS"),
    API("api_v1_offers.set_offer_status", "POST", "/api/v1/offers/{oX}/status", "401 403 403 200 404 404 403 403 404",
        "close oX", data={"status": OfferStatus.CLOSED}, if_match="oX", writers="biz_x"),
    API("api_v1_offers.set_offer_status", "POST", "/api/v1/offers/{oS}/status", "401 403 403 404 404 404 403 403 200",
        "close oS while suspended", data={"status": OfferStatus.CLOSED}, if_match="oS", writers="biz_s"),
    # api v1 reference data: read-only, any valid token
    API("api_v1_reference.list_regions", "GET", "/api/v1/regions?q=Sukamaju", "401 200 200 200 200 200 200 200 200",
        "search"),
    API("api_v1_reference.list_regions", "GET", f"/api/v1/regions?level=kecamatan&within={TEST_DISTRICT}",
        "401 200 200 200 200 200 200 200 200", "kecamatan of the district"),
    API("api_v1_reference.get_region", "GET", f"/api/v1/regions/{SUKAMAJU}", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.region_children", "GET", f"/api/v1/regions/{CIBUNGBULANG}/children",
        "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.list_skills", "GET", "/api/v1/skills", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.list_skills", "GET", "/api/v1/skills?q=jahit", "401 200 200 200 200 200 200 200 200",
        "search"),
    API("api_v1_reference.skill_categories", "GET", "/api/v1/skills/categories", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.get_skill", "GET", "/api/v1/skills/menjahit", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.list_vocabularies", "GET", "/api/v1/vocabularies", "401 200 200 200 200 200 200 200 200"),
    API("api_v1_reference.get_vocabulary", "GET", "/api/v1/vocabularies/offer_kind",
        "401 200 200 200 200 200 200 200 200"),
    API("api_v1_imports.upload_import", "POST", "/api/v1/imports", "401 201 201 403 403 403 403 403 403",
        data=_api_upload, writers="fac_a fac_b", independent=True),
    API("api_v1_imports.get_import", "GET", "/api/v1/imports/{batch_a}", "401 200 404 403 403 403 403 403 403", "A's"),
    API("api_v1_imports.get_import", "GET", "/api/v1/imports/{batch_b}", "401 404 200 403 403 403 403 403 403", "B's"),
    API("api_v1_imports.list_rows", "GET", "/api/v1/imports/{batch_a}/rows", "401 200 404 403 403 403 403 403 403",
        "A's"),
    API("api_v1_imports.list_rows", "GET", "/api/v1/imports/{batch_b}/rows", "401 404 200 403 403 403 403 403 403",
        "B's"),
    API("api_v1_imports.confirm_import", "POST", "/api/v1/imports/{batch_a}/confirm",
        "401 200 404 403 403 403 403 403 403", "A's", data={}, if_match="batch_a", writers="fac_a"),
    API("api_v1_jobs.get_job", "GET", "/api/v1/jobs/{jobA}", "401 200 404 404 404 404 404 200 404", "A's export"),
    API("api_v1_jobs.get_job", "GET", "/api/v1/jobs/999999", "401 404 404 404 404 404 404 404 404", "missing"),
    # api v1: graduation records and check-ins, as the graduation pages allow them
    API("api_v1_graduation.list_records", "GET", "/api/v1/graduation/records", "401 200 200 403 403 403 200 403 403"),
    API("api_v1_graduation.list_records", "GET", "/api/v1/graduation/records?status=approved",
        "401 200 200 403 403 403 200 403 403", "approved"),
    API("api_v1_graduation.get_record", "GET", "/api/v1/graduation/records/{rA}", "401 200 404 403 403 403 200 403 403",
        "rA"),
    API("api_v1_graduation.get_record", "GET", "/api/v1/graduation/records/{rB}", "401 404 200 403 403 403 200 403 403",
        "rB"),
    API("api_v1_graduation.submit_record", "POST", "/api/v1/graduation/households/{hA}/records",
        "401 201 404 403 403 403 403 403 403", "hA", data=_api_graduation, writers="fac_a"),
    API("api_v1_graduation.submit_record", "POST", "/api/v1/graduation/households/{hB}/records",
        "401 404 201 403 403 403 403 403 403", "hB", data=_api_graduation, writers="fac_b"),
    API("api_v1_graduation.approve_record", "POST", "/api/v1/graduation/records/{rA}/approve",
        "401 403 403 403 403 403 200 403 403", "rA", data={"reason": "Usahanya berjalan baik; survei desa menguatkan."},
        if_match=_record_if_match("rA"), writers="coord"),
    API("api_v1_graduation.reject_record", "POST", "/api/v1/graduation/records/{rB}/reject",
        "401 403 403 403 403 403 200 403 403", "rB", data={"reason": "Lampirkan slip gaji terbaru."},
        if_match=_record_if_match("rB"), writers="coord"),
    API("api_v1_graduation.get_checklist", "GET", "/api/v1/graduation/households/{hA}/readiness",
        "401 200 404 403 403 403 200 403 403", "hA"),
    API("api_v1_graduation.get_checklist", "GET", "/api/v1/graduation/households/{hB}/readiness",
        "401 404 200 403 403 403 200 403 403", "hB"),
    API("api_v1_graduation.put_checklist", "PUT", "/api/v1/graduation/households/{hA}/readiness",
        "401 200 404 403 403 403 403 403 403", "hA", data={"household_size": 4, "children_in_school": "all_attend"},
        if_match=_checklist_if_match("hA"), writers="fac_a"),
    API("api_v1_graduation.list_checkins", "GET", "/api/v1/graduation/checkins", "401 200 200 403 403 403 403 403 403"),
    API("api_v1_graduation.get_checkin", "GET", "/api/v1/graduation/checkins/{cA}",
        "401 200 404 403 403 403 403 403 403", "cA"),
    API("api_v1_graduation.get_checkin", "GET", "/api/v1/graduation/checkins/{cB}",
        "401 404 200 403 403 403 403 403 403", "cB"),
    API("api_v1_graduation.record_checkin", "PUT", "/api/v1/graduation/checkins/{cA}",
        "401 200 404 403 403 403 403 403 403", "cA", data=lambda w: {"done_on": _today(), "note": "Usaha jalan."},
        if_match=_checkin_if_match("cA"), writers="fac_a"),
    API("api_v1_graduation.record_checkin", "PUT", "/api/v1/graduation/checkins/{cB}",
        "401 404 200 403 403 403 403 403 403", "cB", data=lambda w: {"done_on": _today(), "note": "Usaha jalan."},
        if_match=_checkin_if_match("cB"), writers="fac_b"),
    # api v1: the dashboards' figures (a facilitator's own, a coordinator's area; no other home page has them)
    API("api_v1_dashboards.summary", "GET", "/api/v1/dashboards/summary", "401 200 200 403 403 403 200 403 403"),
    API("api_v1_dashboards.facilitators", "GET", "/api/v1/dashboards/facilitators",
        "401 200 200 403 403 403 200 403 403"),
    API("api_v1_dashboards.kecamatan", "GET", "/api/v1/dashboards/kecamatan", "401 403 403 403 403 403 200 403 403"),
    # api v1: proposals, candidates and matches (the match pages' rules); steps send the match's ETag
    API("api_v1_proposals.list_proposals", "GET", "/api/v1/households/{hA}/proposals",
        "401 200 404 403 403 403 200 403 403", "hA"),
    API("api_v1_proposals.list_proposals", "GET", "/api/v1/households/{hB}/proposals",
        "401 404 200 403 403 403 200 403 403", "hB"),
    API("api_v1_proposals.propose", "POST", "/api/v1/households/{hA}/proposals", "401 201 404 403 403 403 201 403 403",
        "hA", data=lambda w: {"offer_id": w.ids["oX2"]}, writers=FACILITATOR_SIDE),
    API("api_v1_proposals.propose", "POST", "/api/v1/households/{hB}/proposals", "401 404 201 403 403 403 201 403 403",
        "hB", data=lambda w: {"offer_id": w.ids["oX2"]}, writers="fac_b coord"),
    API("api_v1_proposals.list_candidates", "GET", "/api/v1/offers/{oX}/candidates",
        "401 403 403 200 404 404 403 403 404", "oX"),
    API("api_v1_proposals.list_candidates", "GET", "/api/v1/offers/{oY}/candidates",
        "401 403 403 404 200 404 403 403 404", "oY"),
    API("api_v1_proposals.list_candidates", "GET", "/api/v1/offers/{oS}/candidates",
        "401 403 403 404 404 404 403 403 403", "oS"),
    API("api_v1_proposals.request_introduction", "POST", "/api/v1/offers/{oX}/introduction-requests",
        "401 403 403 201 404 404 403 403 404", "oX", data=lambda w: {"household_id": _candidate_of_x(w)["target"]},
        writers="biz_x"),
    API("api_v1_proposals.request_introduction", "POST", "/api/v1/offers/{oS}/introduction-requests",
        "401 403 403 404 404 404 403 403 403", "oS", data=lambda w: {"household_id": w.ids["pA"]}),
    API("api_v1_matches.list_matches", "GET", "/api/v1/matches", "401 200 200 200 200 200 200 403 200"),
    API("api_v1_matches.list_matches", "GET", "/api/v1/matches?group=ongoing", "401 200 200 200 200 200 200 403 200",
        "ongoing"),
    API("api_v1_matches.get_match", "GET", "/api/v1/matches/{mAX}", "401 200 404 200 404 404 200 403 404",
        "accepted by X"),
    API("api_v1_matches.get_match", "GET", "/api/v1/matches/{mBY}", "401 404 200 404 200 404 200 403 404",
        "introduced to Y"),
    API("api_v1_matches.get_match", "GET", "/api/v1/matches/{mAY}", "401 200 404 404 200 404 200 403 404",
        "requested by Y"),
    API("api_v1_matches.get_match", "GET", "/api/v1/matches/{mAV}", "401 200 404 404 404 404 200 403 404",
        "proposed, not introduced"),
    API("api_v1_matches.get_match", "GET", "/api/v1/matches/{mAS}", "401 200 404 404 404 404 200 403 200",
        "accepted by S, suspended"),
    API("api_v1_matches.transition_consent", "POST", "/api/v1/matches/{mAV}/transitions/consent",
        "401 200 404 404 404 404 200 403 404", if_match="mAV", writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_introduce", "POST", "/api/v1/matches/{mPV}/transitions/introduce",
        "401 200 404 404 404 404 200 403 404", if_match="mPV", writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_approve", "POST", "/api/v1/matches/{mAY}/transitions/approve",
        "401 200 404 404 403 404 200 403 404", data={"consent": True}, if_match="mAY", writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_refuse", "POST", "/api/v1/matches/{mAY}/transitions/refuse",
        "401 200 404 404 403 404 200 403 404", data={"reason": "not_interested"}, if_match="mAY",
        writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_accept", "POST", "/api/v1/matches/{mBY}/transitions/accept",
        "401 404 403 404 200 404 403 403 404", if_match="mBY", writers="biz_y",
        reveals=lambda w: [w.b.names[0], w.b.phones[0]]),
    API("api_v1_matches.transition_decline", "POST", "/api/v1/matches/{mBY}/transitions/decline",
        "401 404 403 404 200 404 403 403 404", data={"reason": "too_far"}, if_match="mBY", writers="biz_y"),
    API("api_v1_matches.transition_start", "POST", "/api/v1/matches/{mAX}/transitions/start",
        "401 200 404 403 404 404 200 403 404", data=lambda w: {"started_on": _today()}, if_match="mAX",
        writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_complete", "POST", "/api/v1/matches/{mPX}/transitions/complete",
        "401 200 404 403 404 404 200 403 404", data=lambda w: {"income_after": 2500000, "ended_on": _today()},
        if_match="mPX", writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_drop", "POST", "/api/v1/matches/{mAX}/transitions/drop",
        "401 200 404 403 404 404 200 403 404", data={"reason": "health"}, if_match="mAX", writers=FACILITATOR_SIDE),
    API("api_v1_matches.transition_start", "POST", "/api/v1/matches/{mAS}/transitions/start",
        "401 409 404 404 404 404 409 403 403", "start with S", data=lambda w: {"started_on": _today()},
        if_match="mAS"),
    API("api_v1_matches.transition_accept", "POST", "/api/v1/matches/{mPS}/transitions/accept",
        "401 409 404 404 404 404 409 403 409", "S accepts withdrawn", if_match="mPS"),
]


# --- Checking a response ----------------------------------------------------------------------------

_DIGIT_GAP = re.compile(r"(?<=\d)[\s.\-\u00a0](?=\d)")


def readable_text(response) -> str:
    """What a reader of the response sees: the page, the JSON, or the cells of a workbook."""
    if response.mimetype == XLSX:
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            text = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                            if name.endswith(".xml"))
    else:
        text = response.get_data(as_text=True)
    text = html.unescape(text)
    # A NIK written "3201 1652 0385 0002" is still a NIK.
    return text + "\n" + _DIGIT_GAP.sub("", text)


def leaks(response, forbidden: list[str]) -> list[str]:
    """The forbidden strings found in ``response``."""
    text = readable_text(response)
    return [value for value in forbidden if value and value in text]


def check(row: Row, actor: str, response, world: World) -> list[str]:
    """What is wrong with ``actor``'s response to ``row``, in words."""
    problems = []
    expected = row.expect[actor]
    if response.status_code != expected:
        problems.append(f"{actor}: status {response.status_code}, expected {expected}")
    if actor == "anon" and response.status_code == 302 and row.anon_to_login:
        location = response.headers.get("Location", "")
        if "/auth/login" not in location:
            problems.append(f"anon: redirected to {location}, not to the login page")
    forbidden = world.forbidden(actor)
    if row.reveals is not None and actor in row.writers:
        revealed = set(row.reveals(world))
        forbidden = [value for value in forbidden if value not in revealed]
    found = leaks(response, forbidden)
    if found:
        problems.append(f"{actor}: response shows {found}")
    return problems


def _ids(rows: list[Row]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for row in rows:
        seen[row.id] = seen.get(row.id, 0) + 1
        out.append(row.id if seen[row.id] == 1 else f"{row.id} #{seen[row.id]}")
    return out


GET_ROWS = [row for row in ROWS if row.method == "GET" and not row.api]
POST_ROWS = [row for row in ROWS if row.method == "POST" and not row.api]
API_ROWS = [row for row in ROWS if row.api]


# --- Tests -------------------------------------------------------------------------------------------


def test_every_route_is_in_the_table(env):
    """A new page or action would go live without anyone deciding who may open it."""
    routes = {(rule.endpoint, method) for rule in env.app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    covered = {(row.endpoint, row.method) for row in ROWS}
    missing = sorted(routes - covered)
    assert not missing, f"routes missing from the authorization table: {missing}"
    unknown = sorted(covered - routes)
    assert not unknown, f"the authorization table names routes the app does not have: {unknown}"


def test_the_leak_detector_sees_what_owners_see(env):
    """The table could pass while leaking, if it searched for NIKs, names or phones as no page writes them."""
    world = env.clean()
    a, b, ids = world.a, world.b, world.ids
    seen = {
        ("fac_a", f"/households/{ids['hA']}"): [a.names[0], a.niks[0], a.niks[1], a.phones[0], a.addresses[0]],
        ("coord", f"/households/{ids['hB']}"): [b.names[0], b.niks[0], b.phones[0], b.addresses[0]],
        ("fac_a", "/households/export.xlsx"): [a.names[2], a.niks[4], a.phones[2]],
        ("fac_a", f"/households/import/{ids['batch_a']}"): [a.names[3]],
        ("biz_x", f"/matches/{ids['mAX']}"): [a.names[0], a.phones[0], FAC_A_PHONE],
        ("coord", f"/households/collisions/{ids['kA']}"): [b.names[0], b.niks[0], b.phones[0]],
        ("biz_x", "/matches/inbox"): [a.names[1]],
    }
    missing = []
    for (actor, url), values in seen.items():
        text = readable_text(env.client(actor).get(url))
        missing += [f"{actor} {url}: {value}" for value in values if value not in text]
    env.forget_snapshot()
    assert not missing, "owners do not see their own data as the detector expects:\n" + "\n".join(missing)


@pytest.mark.parametrize("row", GET_ROWS, ids=_ids(GET_ROWS))
def test_pages(env, row):
    """A user could open a page that is not hers, or read another owner's households, offers or NIKs."""
    problems = []
    world = env.clean()
    url = row.url.format(**world.ids)
    for actor in ACTORS:
        response = env.client(actor).get(url)
        problems += check(row, actor, response, world)
    env.forget_snapshot()
    assert not problems, f"GET {url}:\n" + "\n".join(problems)


@pytest.mark.parametrize("row", POST_ROWS, ids=_ids(POST_ROWS))
def test_actions(env, row):
    """A user could change what is not hers, or an allowed action would silently do nothing."""
    problems = []
    world = env.clean(pristine=row.independent)
    for actor in ACTORS:
        if not row.independent:
            # An allowed change starts from the world as built; a refused one from whatever nobody changed.
            world = env.clean(pristine=actor in row.writers)
        url = row.url.format(**world.ids)
        before = env.before()
        response = env.client(actor).post(url, data=row.form(world))
        changed = env.after(before)
        problems += check(row, actor, response, world)
        if actor in row.writers and not changed and response.status_code == row.expect[actor]:
            problems.append(f"{actor}: allowed, but nothing was written")
        if actor not in row.writers and changed:
            problems.append(f"{actor}: the request changed the database")
    assert not problems, f"POST {row.url}:\n" + "\n".join(problems)


def _current_etag(app: Flask, world: World, key: str) -> str:
    """The ETag the API gives the object of id ``key`` now (matches ``m…``, offers ``o…``, uploads
    ``batch_*``, else a household)."""
    if key.startswith("m"):
        return match_etag(db.session.get(Match, world.ids[key]))
    if key.startswith("o"):
        return offer_etag(db.session.get(Offer, world.ids[key]))
    if key.startswith("batch"):
        from matchmaker.api.v1.imports import representation as import_representation

        with app.test_request_context():
            return etag_of(import_representation(db.session.get(HouseholdImport, world.ids[key])))
    return etag_of(full_representation(db.session.get(Household, world.ids[key])))


@pytest.mark.parametrize("row", API_ROWS, ids=_ids(API_ROWS))
def test_api(env, row):
    """A token could reach what its owner's pages refuse her, leak another owner's data, or write when refused."""
    problems = []
    world = env.clean(pristine=row.independent)
    for actor in ACTORS:
        if not row.independent and row.method != "GET":
            world = env.clean(pristine=actor in row.writers)
        url = row.url.format(**world.ids)
        headers = {}
        if actor in world.tokens:
            headers["Authorization"] = f"Bearer {world.tokens[actor]}"
        if callable(row.if_match):
            headers["If-Match"] = row.if_match(world)
        elif row.if_match:
            headers["If-Match"] = f'"{_current_etag(env.app, world, row.if_match)}"'
        before = env.before()
        client = env.client(actor)  # logged in too: the session cookie must change nothing
        body = row.form(world)
        # A body with a file (an upload) goes as multipart/form-data, any other as JSON.
        sent = ({"data": body, "content_type": "multipart/form-data"}
                if body and any(isinstance(value, tuple) for value in body.values()) else {"json": body})
        response = client.open(url, method=row.method, headers=headers, **sent)
        changed = env.after(before)
        problems += check(row, actor, response, world)
        if response.status_code >= 400 and response.mimetype != "application/problem+json":
            problems.append(f"{actor}: error answered as {response.mimetype}, not problem+json")
        if actor in row.writers and not changed and response.status_code == row.expect[actor]:
            problems.append(f"{actor}: allowed, but nothing was written")
        if actor not in row.writers and changed:
            problems.append(f"{actor}: the request changed the database")
    assert not problems, f"{row.method} {row.url}:\n" + "\n".join(problems)
