"""The data model: regions, people, households, partners, matches and their history.

Status and kind columns hold short English codes (``"pending"``, ``"job"``); the labels a
user reads come from :mod:`matchmaker.labels`, so that they can be translated.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from enum import StrEnum, nonmember
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import NEVER_SET, NO_VALUE
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db


def one_of(column: str, codes: tuple[str, ...]) -> CheckConstraint:
    """A CHECK constraint keeping ``column`` to the codes of its vocabulary (named ``ck_<table>_<column>_code``)."""
    listed = ", ".join(f"'{code}'" for code in codes)
    return CheckConstraint(f"{column} IN ({listed})", name=f"{column}_code")


def new_session_token() -> str:
    """A fresh random session generation for :attr:`User.session_token`."""
    return secrets.token_urlsafe(24)


def utcnow() -> dt.datetime:
    """Return the current UTC time as a naive datetime (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class RegionLevel:
    """Administrative levels, widest first."""

    PROVINCE = "provinsi"
    DISTRICT = "kabupaten"
    SUBDISTRICT = "kecamatan"
    VILLAGE = "desa"
    ALL = (PROVINCE, DISTRICT, SUBDISTRICT, VILLAGE)


class Role:
    """User roles."""

    FACILITATOR = "facilitator"
    BUSINESS = "business"
    VILLAGE_OFFICE = "village_office"
    COORDINATOR = "coordinator"
    ADMIN = "admin"
    ALL = (FACILITATOR, BUSINESS, VILLAGE_OFFICE, COORDINATOR, ADMIN)
    PARTNERS = (BUSINESS, VILLAGE_OFFICE)


class UserStatus:
    """Account states: partners wait in ``pending`` until a coordinator approves them."""

    PENDING = "pending"
    ACTIVE = "active"
    DISABLED = "disabled"
    ALL = (PENDING, ACTIVE, DISABLED)


class OrgStatus:
    """Organization states."""

    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    ALL = (PENDING, ACTIVE, REJECTED, SUSPENDED)


class OrgKind:
    """The two kinds of partner organization."""

    BUSINESS = "business"
    VILLAGE_OFFICE = "village_office"
    ALL = (BUSINESS, VILLAGE_OFFICE)


class OfferKind(StrEnum):
    """Kinds of offer: the first five are published by businesses, the rest by village offices."""

    JOB = "job"
    APPRENTICESHIP = "apprenticeship"
    SUPPLIER = "supplier"
    MENTORING = "mentoring"
    CAPITAL = "capital"
    BUMDES = "bumdes"
    PADAT_KARYA = "padat_karya"
    TRAINING = "training"
    COOPERATIVE = "cooperative"
    TOURISM = "tourism_village"
    VILLAGE_MARKET = "village_market"
    OTHER_PROGRAM = "other_program"
    BUSINESS_KINDS = nonmember((JOB, APPRENTICESHIP, SUPPLIER, MENTORING, CAPITAL))
    PROGRAM_KINDS = nonmember((BUMDES, PADAT_KARYA, TRAINING, COOPERATIVE, TOURISM, VILLAGE_MARKET, OTHER_PROGRAM))
    ALL = nonmember((JOB, APPRENTICESHIP, SUPPLIER, MENTORING, CAPITAL,
                     BUMDES, PADAT_KARYA, TRAINING, COOPERATIVE, TOURISM, VILLAGE_MARKET, OTHER_PROGRAM))


class OfferStatus:
    """Offer states. ``full`` is derived from places taken, never typed."""

    DRAFT = "draft"
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"
    ALL = (DRAFT, OPEN, FULL, CLOSED)


class Reach(StrEnum):
    """How far candidates (or, for a household, she herself) may come from."""

    VILLAGE = "desa"
    SUBDISTRICT = "kecamatan"
    DISTRICT = "kabupaten"
    ALL = nonmember((VILLAGE, SUBDISTRICT, DISTRICT))


class WorkPreference(StrEnum):
    """What kind of livelihood a household prefers."""

    WAGE = "wage"
    OWN_BUSINESS = "own_business"
    ANY = "any"
    ALL = nonmember((WAGE, OWN_BUSINESS, ANY))


class HouseholdStatus:
    """Where a household stands on its way to graduation."""

    ACTIVE = "active"
    IN_PROGRESS = "in_progress"
    GRADUATED = "graduated"
    EXITED = "exited"
    ALL = (ACTIVE, IN_PROGRESS, GRADUATED, EXITED)


class MatchStatus:
    """The states of a match, in the order a successful one passes through them."""

    PROPOSED = "proposed"
    INTRODUCED = "introduced"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    STARTED = "started"
    COMPLETED = "completed"
    DROPPED = "dropped"
    ALL = (PROPOSED, INTRODUCED, ACCEPTED, DECLINED, STARTED, COMPLETED, DROPPED)


class GraduationType:
    """The two ways a family leaves PKH."""

    SELF_RELIANT = "sejahtera_mandiri"
    NATURAL = "alamiah"
    ALL = (SELF_RELIANT, NATURAL)


class GraduationStatus:
    """Approval state of a graduation record."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ALL = (PENDING, APPROVED, REJECTED)


class Region(db.Model):
    """An Indonesian administrative region with its Kemendagri code (``32.01.16.2013``)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(12), index=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[code])

    @property
    def display_name(self) -> str:
        """The name as people read it: ``Kab. Bogor`` rather than ``KAB. BOGOR``."""
        return display_region_name(self.name, self.level)

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


def display_region_name(name: str, level: str) -> str:
    """Title-case the upper-case province and district names of the Kemendagri list."""
    if level in (RegionLevel.PROVINCE, RegionLevel.DISTRICT) and name.isupper():
        words = name.title().split()
        fixed = {"Kab.": "Kab.", "Dki": "DKI", "Di": "DI"}
        return " ".join(fixed.get(word, word) for word in words)
    return name


user_area = Table(
    "user_area",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("region_code", ForeignKey("region.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    """Anyone who logs in: facilitators, partners' staff, coordinators, the admin."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so that the unique constraint is case-insensitive on every backend.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    status: Mapped[str] = mapped_column(String(12), default=UserStatus.ACTIVE)
    preferred_language: Mapped[str] = mapped_column(String(5), default="id")
    # use_alter: user and organization refer to each other, so this key is added last.
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL", use_alter=True), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The session generation: part of every session and remember cookie (see get_id). Replacing
    # it ends every session of the account at once; see end_sessions and the listeners below.
    session_token: Mapped[str] = mapped_column(String(40), default=new_session_token)

    areas: Mapped[list[Region]] = relationship(secondary=user_area, order_by=Region.code)
    organization: Mapped[Organization | None] = relationship(
        back_populates="members", foreign_keys=[organization_id]
    )

    @staticmethod
    def normalize_email(email: str) -> str:
        """Return the canonical (trimmed, lower-case) form of an e-mail address."""
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """Tell whether ``password`` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie of this account (the caller commits)."""
        self.session_token = new_session_token()

    def get_id(self) -> str:
        """The login id Flask-Login keeps in the session and the remember cookie.

        ``<user id>:<session generation>:<login nonce>``: the generation is checked on every
        request (see :func:`matchmaker.auth.login.load_user`), so that replacing it ends every
        session; the nonce, new at each login, makes two logins' remember cookies differ.
        """
        nonce = getattr(self, "_login_nonce", None)
        if nonce is None:
            nonce = self._login_nonce = secrets.token_urlsafe(8)
        return f"{self.id}:{self.session_token}:{nonce}"

    def holds_session(self, session_token: str, nonce: str) -> bool:
        """Whether a login id's generation is this account's current one; keeps its nonce."""
        if not self.session_token or not hmac.compare_digest(self.session_token.encode(), session_token.encode()):
            return False
        self._login_nonce = nonce
        return True

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        """Only active accounts may hold a session (Flask-Login reads this)."""
        return self.status == UserStatus.ACTIVE

    @property
    def area_codes(self) -> list[str]:
        """The region codes this user is assigned to."""
        return [area.code for area in self.areas]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


def _end_sessions_on_change(target: User, value: Any, oldvalue: Any, initiator: Any) -> None:
    """A new password, role or status ends the account's sessions, whatever code made the change."""
    if oldvalue in (NO_VALUE, NEVER_SET) or oldvalue == value:
        return
    target.end_sessions()


def _end_sessions_on_area_change(target: User, value: Any, initiator: Any) -> None:
    """A changed area (what a facilitator or coordinator may see) ends the account's sessions."""
    target.end_sessions()


for _attribute in (User.password_hash, User.role, User.status):
    # active_history loads the old value of an expired object, so that a real change is told apart.
    event.listen(_attribute, "set", _end_sessions_on_change, active_history=True)
event.listen(User.areas, "append", _end_sessions_on_area_change)
event.listen(User.areas, "remove", _end_sessions_on_area_change)


class PasswordReset(db.Model):
    """A one-time password-reset code that a coordinator or the admin issued for a user."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Skill(db.Model):
    """A canonical skill of the vocabulary, with the colloquial forms people write for it."""

    __tablename__ = "skill"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name_id: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(40), index=True)
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)

    def label(self, locale: str) -> str:
        """The skill's name in ``locale`` (Indonesian unless English is asked for)."""
        return self.name_en if locale == "en" else self.name_id


household_skill = Table(
    "household_skill",
    db.metadata,
    Column("household_id", ForeignKey("household.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True),
)

offer_skill = Table(
    "offer_skill",
    db.metadata,
    Column("offer_id", ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skill.id", ondelete="CASCADE"), primary_key=True),
)


class Household(db.Model):
    """A KPM family, represented by its registered recipient (a woman)."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Identity: personal data, shown only to the owning facilitator and the coordinator.
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    kk_number: Mapped[str | None] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(120), index=True)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(255))
    desa_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    # PKH membership.
    pkh_participant_id: Mapped[str | None] = mapped_column(String(40))
    components: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    year_joined: Mapped[int | None] = mapped_column(Integer)
    # Livelihood profile, as the facilitator wrote it.
    skills_text: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    work_experience: Mapped[str] = mapped_column(Text, default="")
    business_experience: Mapped[str] = mapped_column(Text, default="")
    work_preference: Mapped[str] = mapped_column(String(16), default=WorkPreference.ANY)
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    travel_range: Mapped[str] = mapped_column(String(12), default=Reach.VILLAGE)
    home_based_only: Mapped[bool] = mapped_column(Boolean, default=False)
    constraints: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Asset codes (matchmaker.reference.vocabulary.Asset), and what she wrote that matched none.
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    assets_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Words of optional sheet cells that no vocabulary recognised, kept rather than lost.
    profile_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    income_bracket: Mapped[str | None] = mapped_column(String(20))
    has_savings: Mapped[bool] = mapped_column(Boolean, default=False)
    # Progress.
    status: Mapped[str] = mapped_column(String(16), default=HouseholdStatus.ACTIVE, index=True)
    graduation_type: Mapped[str | None] = mapped_column(String(20))
    graduated_on: Mapped[dt.date | None] = mapped_column(Date)
    # Set when an import or a form found another household with a similar name, the same
    # birth date and desa but a different NIK; cleared once someone has reviewed it.
    likely_duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        one_of("work_preference", WorkPreference.ALL),
        one_of("travel_range", Reach.ALL),
    )

    facilitator: Mapped[User | None] = relationship()
    desa: Mapped[Region] = relationship()
    likely_duplicate_of: Mapped[Household | None] = relationship(
        remote_side=[id], foreign_keys=[likely_duplicate_of_id]
    )
    skills: Mapped[list[Skill]] = relationship(secondary=household_skill, order_by=Skill.slug)
    matches: Mapped[list[Match]] = relationship(back_populates="household", order_by="Match.id")

    @property
    def first_name(self) -> str:
        """The first word of her name: all a partner sees before an introduction is accepted."""
        return self.full_name.split()[0] if self.full_name else ""

    def __repr__(self) -> str:
        return f"<Household {self.id}>"


class HouseholdEvent(db.Model):
    """One change to a household's profile (created, edited, imported, status), for its history.

    ``fields`` names the profile fields that changed, never their values.
    """

    __tablename__ = "household_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()


class HouseholdImport(db.Model):
    """An uploaded household sheet between its preview and the facilitator's confirmation.

    ``table`` keeps the sheet's cells (header and data rows with their sheet row numbers, as
    bounded by the reader: no padding, at most 60 columns and 20 million characters) so that
    confirming re-checks them against the database as it is then; ``preview`` is what the
    preview page shows (statuses, problems, changed non-personal values). Both hold personal
    data: the row is deleted when it expires (a day after the upload).
    """

    __tablename__ = "household_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    update_existing: Mapped[bool] = mapped_column(Boolean, default=True)
    table: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    preview: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The counts once confirmed; the rejected rows stay downloadable until the import expires.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    applied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)

    facilitator: Mapped[User] = relationship()


class NikCollisionStatus:
    """Where a coordinator's NIK case stands: open, or decided one of two ways."""

    OPEN = "open"
    TRANSFERRED = "transferred"  # the household moved to the requesting facilitator
    REJECTED = "rejected"  # a correction: the NIK stays with the household that holds it
    ALL = (OPEN, TRANSFERRED, REJECTED)
    DECISIONS = (TRANSFERRED, REJECTED)


class NikCollision(db.Model):
    """A facilitator submitted a NIK that another facilitator's household holds: a case for the coordinator.

    The facilitator was only told that the NIK cannot be registered now; ``submitted`` keeps
    what she typed (NIK, name, birth date, desa, phone, No. KK, address) so that the coordinator
    can compare it with the household and decide. ``desa_code`` is the desa she submitted (in
    her area), by which coordinators are scoped together with the household's own desa.
    """

    __tablename__ = "nik_collision"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    # The facilitator who held the household when the case was opened (she is told of the decision).
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(10))  # "form", "edit" or "import"
    desa_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    submitted: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=NikCollisionStatus.OPEN, index=True)
    resolution_note: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    holder: Mapped[User | None] = relationship(foreign_keys=[holder_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    household: Mapped[Household] = relationship()
    desa: Mapped[Region] = relationship()

    def __repr__(self) -> str:
        return f"<NikCollision {self.id} {self.status}>"


class Organization(db.Model):
    """A partner: a local business or a village office."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    name: Mapped[str] = mapped_column(String(160))
    sector: Mapped[str | None] = mapped_column(String(2))  # KBLI 2020 main category letter
    description: Mapped[str] = mapped_column(Text, default="")
    desa_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    # For a village office: the desa or kecamatan it serves.
    serves_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    address: Mapped[str | None] = mapped_column(String(255))
    contact_person: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(12), default=OrgStatus.PENDING, index=True)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # A coordinator's suspension: the members read the reason; offers stop being proposed.
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    suspended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    suspended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(
        back_populates="organization", foreign_keys="User.organization_id"
    )
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], post_update=True)
    desa: Mapped[Region | None] = relationship(foreign_keys=[desa_code])
    serves: Mapped[Region | None] = relationship(foreign_keys=[serves_code])
    offers: Mapped[list[Offer]] = relationship(back_populates="organization", order_by="Offer.id")

    @property
    def is_verified(self) -> bool:
        """An approved, active organization wears the verified badge."""
        return self.status == OrgStatus.ACTIVE and self.verified_at is not None

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.kind}>"


class Offer(db.Model):
    """An opportunity published by a business, or a program listed by a village office."""

    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    skills_text: Mapped[str] = mapped_column(Text, default="")
    desa_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    home_based: Mapped[bool] = mapped_column(Boolean, default=False)
    reach: Mapped[str] = mapped_column(String(12), default=Reach.SUBDISTRICT)
    places: Mapped[int] = mapped_column(Integer, default=1)
    hours_per_week: Mapped[int | None] = mapped_column(Integer)
    schedule: Mapped[str | None] = mapped_column(String(200))
    pay_amount: Mapped[int | None] = mapped_column(Integer)  # Rupiah
    pay_terms: Mapped[str | None] = mapped_column(String(200))
    funding_source: Mapped[str | None] = mapped_column(String(20))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=OfferStatus.DRAFT, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (one_of("kind", OfferKind.ALL), one_of("reach", Reach.ALL))

    organization: Mapped[Organization] = relationship(back_populates="offers")
    desa: Mapped[Region] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=offer_skill, order_by=Skill.slug)
    matches: Mapped[list[Match]] = relationship(back_populates="offer", order_by="Match.id")

    @property
    def places_taken(self) -> int:
        """Places held by started or completed matches: derived, never typed."""
        return sum(1 for match in self.matches if match.status in (MatchStatus.STARTED, MatchStatus.COMPLETED))

    @property
    def is_full(self) -> bool:
        """True once every place is taken."""
        return self.places_taken >= self.places

    def __repr__(self) -> str:
        return f"<Offer {self.id} {self.kind}>"


class Match(db.Model):
    """A household paired with an offer, followed from proposal to outcome."""

    __tablename__ = "match"
    __table_args__ = (UniqueConstraint("household_id", "offer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=MatchStatus.PROPOSED, index=True)
    score: Mapped[float | None] = mapped_column()
    shown_position: Mapped[int | None] = mapped_column(Integer)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    income_after: Mapped[int | None] = mapped_column(Integer)  # Rupiah a month
    # Why it ended without success: a ``decline_reason`` code when declined, a ``drop_reason`` code when dropped.
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    # True when the partner asked for this introduction from its offer's candidates: the match
    # waits in "proposed" for the facilitator to approve (consent + introduce) or decline it.
    partner_request: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship(back_populates="matches")
    offer: Mapped[Offer] = relationship(back_populates="matches")
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", order_by="MatchEvent.id", cascade="all, delete-orphan"
    )


class MatchEvent(db.Model):
    """One status change of a match: who made it, when, from which state to which."""

    __tablename__ = "match_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    match: Mapped[Match] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Notification(db.Model):
    """An in-app message for one user: a new introduction, an answer from a partner, a check-in due.

    The text is rendered from ``kind`` and ``params`` in the reader's language when shown
    (see :mod:`matchmaker.notifications`); ``params`` hold ids and small values, never personal data.
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id", ondelete="CASCADE"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
    match: Mapped[Match | None] = relationship()
    household: Mapped[Household | None] = relationship()


class RankingDecisionKind:
    """What someone decided about a proposal: facilitators confirm or decline, partners accept or reject."""

    CONFIRMED = "confirmed"
    DECLINED = "declined"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ALL = (CONFIRMED, DECLINED, ACCEPTED, REJECTED)
    POSITIVE = (CONFIRMED, ACCEPTED)


class RankingDecision(db.Model):
    """One decision on a proposed pair, with where and how it was shown: what the ranker learns from."""

    __tablename__ = "ranking_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("match.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_role: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(40))
    shown_position: Mapped[int | None] = mapped_column(Integer)
    shown_score: Mapped[float | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class GraduationRecord(db.Model):
    """A household's graduation, submitted by its facilitator and approved by a coordinator."""

    __tablename__ = "graduation_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    graduation_type: Mapped[str] = mapped_column(String(20))
    graduated_on: Mapped[dt.date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=GraduationStatus.PENDING, index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The coordinator who reviewed the record and when, whether she approved or rejected it.
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # Why the coordinator approved although required checklist items did not hold (None when they all held).
    override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    household: Mapped[Household] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    checkins: Mapped[list[GraduationCheckin]] = relationship(
        back_populates="record", order_by="GraduationCheckin.due_on", cascade="all, delete-orphan"
    )


class SchoolAttendance:
    """What the facilitator confirmed about the household's school-age children."""

    ALL_ATTEND = "all_attend"
    NOT_ALL = "not_all"
    NONE_OF_AGE = "none_of_age"
    ALL = (ALL_ATTEND, NOT_ALL, NONE_OF_AGE)


class ReadinessAssessment(db.Model):
    """What the facilitator confirmed for the graduation checklist where the data cannot tell.

    One row per household; a missing row or an empty column means "not confirmed yet".
    """

    __tablename__ = "readiness_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        ForeignKey("household.id", ondelete="CASCADE"), unique=True
    )
    household_size: Mapped[int | None] = mapped_column(Integer)
    children_in_school: Mapped[str | None] = mapped_column(String(12))
    # Income from every source (Rupiah a month) and since when she earns it: for a livelihood
    # found outside the app, e.g. her own stall.
    monthly_income: Mapped[int | None] = mapped_column(Integer)
    income_since: Mapped[dt.date | None] = mapped_column(Date)
    livelihood_since: Mapped[dt.date | None] = mapped_column(Date)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    household: Mapped[Household] = relationship()


class GraduationCheckin(db.Model):
    """A follow-up visit after an approved graduation (at 3, 6 and 12 months)."""

    __tablename__ = "graduation_checkin"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("graduation_record.id", ondelete="CASCADE"), index=True)
    months_after: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    monthly_income: Mapped[int | None] = mapped_column(Integer)  # Rupiah a month
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # When the facilitator was last told it is due, so the daily reminder is sent once.
    notified_on: Mapped[dt.date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship()
    record: Mapped[GraduationRecord] = relationship(back_populates="checkins")


class AuditEvent(db.Model):
    """A record of a sensitive action (a full NIK shown, an export, an approval).

    ``detail`` never holds personal data itself: only ids and counts.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()


class FormSubmission(db.Model):
    """The one-time token of a rendered form, claimed by the first request that sends it.

    A double tap on a slow connection sends the same form twice; the second request finds
    the token taken and is sent to what the first one made instead of making it again.
    """

    __tablename__ = "form_submission"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    result_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ApiTokenScope:
    """What a personal access token may do: ``read`` (GET only) or ``write`` (reads and changes)."""

    READ = "read"
    WRITE = "write"
    ALL = (READ, WRITE)


class ApiToken(db.Model):
    """A personal access token for ``/api/v1``: it acts as its owner, with her role and areas.

    Only a SHA-256 hash of the token is stored; the token itself is shown once, when it is
    created. ``display_prefix`` (the first characters) lets her tell her tokens apart.
    """

    __tablename__ = "api_token"
    __table_args__ = (one_of("scope", ApiTokenScope.ALL),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    display_prefix: Mapped[str] = mapped_column(String(16))
    scope: Mapped[str] = mapped_column(String(8), default=ApiTokenScope.READ)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()

    def usable(self, now: dt.datetime) -> bool:
        """Whether the token still authenticates at ``now``: not revoked, not expired."""
        return not self.revoked and now < self.expires_at

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.scope}>"


class HomeVisit(db.Model):
    """A facilitator's visit to a household's home: when, what she noted and what changed since the last one."""

    __tablename__ = "home_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text)
    changes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    household: Mapped[Household] = relationship()
    facilitator: Mapped[User | None] = relationship()


class SyncConflict(db.Model):
    """An edit made offline that the server refused because the record changed since she read it.

    ``token`` is the action's once-only key; ``fields`` the form fields she sent (and ``base``
    those she had read), kept until she chooses field by field what to keep (``resolved_at``).
    """

    __tablename__ = "sync_conflict"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    base: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
