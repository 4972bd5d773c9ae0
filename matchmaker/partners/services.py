"""Partner services: organization profiles, members, offers and their derived status.

The search over offers and partners is in :mod:`matchmaker.partners.search`.

The HTML views, the matching engine and the CLI all go through these functions. Status
rules live here and nowhere else:

* places taken are counted from matches that started or completed, never typed;
* an offer past its end date is closed, whatever was stored (:func:`effective_status`),
  and :func:`close_expired_offers` persists that;
* only an active (verified, not suspended) organization publishes: its offers are the only
  ones :func:`proposable_offers` returns.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..audit import record_audit
from ..auth.services import AccountError, IssuedReset, create_user, issue_password_reset
from ..extensions import db
from ..labels import LABELS
from ..models import (
    Match,
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
    utcnow,
)
from ..reference.skill_resolver import resolve_skills
from ..refusals import InvalidFields, Refusal
from ..scoping import code_within

TAKEN_STATUSES = (MatchStatus.STARTED, MatchStatus.COMPLETED)
# Statuses an owner may set; "full" is derived from places taken and never stored by hand.
SETTABLE_STATUSES = (OfferStatus.DRAFT, OfferStatus.OPEN, OfferStatus.CLOSED)
PROGRAM_REACHES = (Reach.VILLAGE, Reach.SUBDISTRICT)
FUNDING_SOURCES = tuple(LABELS["funding_source"])
KBLI_SECTORS = tuple(LABELS["kbli_sector"])
BROWSER_ROLES = (Role.FACILITATOR, Role.COORDINATOR, Role.ADMIN)
# Pay is stored in an INTEGER column: two billion Rupiah is past any offer and inside its range.
MAX_PAY_AMOUNT = 2_000_000_000


class PartnerError(Refusal, ValueError):
    """A partner request that cannot be carried out; ``code`` says why, ``field`` where."""


class OfferInvalid(InvalidFields):
    """An offer failed validation; ``errors`` maps each field name to an error code."""


# --- Derived status -------------------------------------------------------------------------


def effective_status(offer: Offer, places_taken: int, today: dt.date) -> str:
    """The status people see: closed past the end date, full once every place is taken.

    Otherwise the stored status. A draft or a closed offer stays so even with every place
    taken: "full" only ever replaces "open".
    """
    if offer.end_date is not None and offer.end_date < today:
        return OfferStatus.CLOSED
    if offer.status in (OfferStatus.OPEN, OfferStatus.FULL):
        return OfferStatus.FULL if places_taken >= offer.places else OfferStatus.OPEN
    return offer.status


def places_taken_subquery():
    """A subquery of ``(offer_id, taken)``: started or completed matches per offer."""
    return (
        select(Match.offer_id.label("offer_id"), func.count().label("taken"))
        .where(Match.status.in_(TAKEN_STATUSES))
        .group_by(Match.offer_id)
        .subquery()
    )


def places_taken(offer_ids: Iterable[int]) -> dict[int, int]:
    """Places taken on each of ``offer_ids`` in one query (offers without any are absent)."""
    ids = list(offer_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Match.offer_id, func.count())
        .where(Match.offer_id.in_(ids), Match.status.in_(TAKEN_STATUSES))
        .group_by(Match.offer_id)
    )
    return {offer_id: int(count) for offer_id, count in rows}


@dataclass(frozen=True)
class OfferRow:
    """An offer with its places taken and the status derived from them."""

    offer: Offer
    taken: int
    status: str

    @property
    def places_left(self) -> int:
        """Places still free (never negative)."""
        return max(self.offer.places - self.taken, 0)


def _offer_rows(*conditions: ColumnElement[bool], today: dt.date, order_by: Iterable = ()) -> list[OfferRow]:
    """Offers matching ``conditions`` with their places taken, in one query plus eager loads."""
    taken = places_taken_subquery()
    statement = (
        select(Offer, func.coalesce(taken.c.taken, 0))
        .join(Organization, Offer.organization_id == Organization.id)
        .outerjoin(taken, taken.c.offer_id == Offer.id)
        .where(*conditions)
        .options(
            selectinload(Offer.skills),
            joinedload(Offer.organization),
            joinedload(Offer.desa).joinedload(Region.parent),
        )
        .order_by(*order_by)
    )
    return [
        OfferRow(offer, int(count), effective_status(offer, int(count), today))
        for offer, count in db.session.execute(statement)
    ]


def organization_offers(organization: Organization, today: dt.date | None = None) -> list[OfferRow]:
    """An organization's offers with places taken and derived status, newest first."""
    return _offer_rows(
        Offer.organization_id == organization.id,
        today=today or clock.today(),
        order_by=(Offer.created_at.desc(), Offer.id.desc()),
    )


def offer_row(offer: Offer, today: dt.date | None = None) -> OfferRow:
    """One offer's row (places taken, derived status)."""
    taken = places_taken([offer.id]).get(offer.id, 0)
    return OfferRow(offer, taken, effective_status(offer, taken, today or clock.today()))


def _proposable_conditions(today: dt.date, taken) -> list[ColumnElement[bool]]:
    return [
        Offer.status == OfferStatus.OPEN,
        Organization.status == OrgStatus.ACTIVE,
        or_(Offer.end_date.is_(None), Offer.end_date >= today),
        func.coalesce(taken.c.taken, 0) < Offer.places,
    ]


def proposable_offers_query(today: dt.date | None = None) -> Select:
    """``select(Offer)`` of the offers the engine may propose, for callers that add conditions.

    Open (as stored), not full, not past the end date, published by an active organization.
    """
    taken = places_taken_subquery()
    return (
        select(Offer)
        .join(Organization, Offer.organization_id == Organization.id)
        .outerjoin(taken, taken.c.offer_id == Offer.id)
        .where(*_proposable_conditions(today or clock.today(), taken))
        .order_by(Offer.id)
    )


def proposable_offers(today: dt.date | None = None) -> list[Offer]:
    """The offers the matching engine may propose, with skills, organization and desa loaded."""
    statement = proposable_offers_query(today).options(
        selectinload(Offer.skills), joinedload(Offer.organization), joinedload(Offer.desa)
    )
    return list(db.session.scalars(statement).unique())


def close_expired_offers(today: dt.date | None = None) -> int:
    """Persist "closed" on every offer past its end date; return how many changed. Commits."""
    today = today or clock.today()
    result = db.session.execute(
        update(Offer)
        .where(Offer.end_date.is_not(None), Offer.end_date < today, Offer.status != OfferStatus.CLOSED)
        .values(status=OfferStatus.CLOSED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    changed = result.rowcount or 0
    db.session.commit()
    if changed:
        # Loaded offers may still show the old status in this session.
        db.session.expire_all()
    return changed


# --- Organizations ----------------------------------------------------------------------------


def can_publish(organization: Organization | None) -> bool:
    """Only an active (approved, not suspended) organization publishes."""
    return organization is not None and organization.status == OrgStatus.ACTIVE


def is_owner(user: User, organization: Organization | None) -> bool:
    """Whether ``user`` owns ``organization`` (only the owner edits the profile and manages members)."""
    return organization is not None and user.organization_id == organization.id and organization.owner_id == user.id


def allowed_kinds(organization: Organization) -> tuple[str, ...]:
    """Offer kinds this organization may publish: business kinds, or village program kinds."""
    return OfferKind.BUSINESS_KINDS if organization.kind == OrgKind.BUSINESS else OfferKind.PROGRAM_KINDS


def allowed_reaches(organization: Organization) -> tuple[str, ...]:
    """A village program is for its desa or kecamatan; a business may recruit district-wide."""
    return Reach.ALL if organization.kind == OrgKind.BUSINESS else PROGRAM_REACHES


@dataclass
class ProfileData:
    """What the owner may change on an organization's profile."""

    name: str
    description: str
    desa_code: str
    address: str | None
    contact_person: str | None
    phone: str | None
    email: str | None
    sector: str | None = None
    serves_code: str | None = None


def _region(code: str | None, levels: tuple[str, ...]) -> Region | None:
    if not code:
        return None
    region = db.session.get(Region, code)
    return region if region is not None and region.level in levels else None


def update_profile(user: User, organization: Organization, data: ProfileData) -> None:
    """Save the organization's profile; only its owner may. Raises :class:`PartnerError`."""
    if not is_owner(user, organization):
        raise PartnerError("not_owner")
    if _region(data.desa_code, (RegionLevel.VILLAGE,)) is None:
        raise PartnerError("bad_region", "desa_code")
    if organization.kind == OrgKind.BUSINESS:
        if data.sector and data.sector not in KBLI_SECTORS:
            raise PartnerError("bad_sector", "sector")
        serves_code = None
        sector = data.sector or None
    else:
        if _region(data.serves_code, (RegionLevel.VILLAGE, RegionLevel.SUBDISTRICT)) is None:
            raise PartnerError("bad_region", "serves_code")
        serves_code = data.serves_code
        sector = None
    organization.name = data.name.strip()
    organization.description = (data.description or "").strip()
    organization.desa_code = data.desa_code
    organization.serves_code = serves_code
    organization.sector = sector
    organization.address = (data.address or "").strip() or None
    organization.contact_person = (data.contact_person or "").strip() or None
    organization.phone = data.phone or None
    organization.email = User.normalize_email(data.email) if data.email else None
    db.session.commit()


# --- Members ------------------------------------------------------------------------------------


def members_of(organization: Organization) -> list[User]:
    """The organization's accounts, owner first, then by name."""
    return sorted(organization.members, key=lambda member: (member.id != organization.owner_id, member.name))


def add_member(
    owner: User,
    *,
    name: str,
    email: str,
    phone: str | None,
    password: str | None,
) -> tuple[User, IssuedReset | None]:
    """The owner creates a colleague's account, with a first password or a one-time invite code.

    Without ``password`` the account gets an unusable random one and an invite code (the
    password-reset machinery) that the colleague redeems to choose her own. The colleague
    can publish as soon as the organization is active. Commits once.
    """
    organization = owner.organization
    if not is_owner(owner, organization):
        raise PartnerError("not_owner")
    try:
        member = create_user(
            email=email,
            name=name,
            # Nobody knows this one: the colleague sets hers with the invite code.
            password=password or secrets.token_urlsafe(32),
            role=owner.role,
            status=UserStatus.ACTIVE if organization.status == OrgStatus.ACTIVE else UserStatus.PENDING,
            phone=phone,
            created_by=owner,
        )
    except AccountError as exc:
        db.session.rollback()
        raise PartnerError(exc.code, "email") from exc
    member.organization = organization
    db.session.flush()
    record_audit(owner, "member_added", "user", member.id, organization_id=organization.id)
    if password:
        db.session.commit()
        return member, None
    return member, issue_password_reset(member, owner)


def _own_member(owner: User, member: User) -> Organization:
    organization = owner.organization
    if not is_owner(owner, organization):
        raise PartnerError("not_owner")
    if member.organization_id != organization.id or member.id == owner.id:
        raise PartnerError("not_member")
    return organization


def new_invite_code(owner: User, member: User) -> IssuedReset:
    """Issue a fresh one-time code for a colleague who lost hers or forgot her password."""
    _own_member(owner, member)
    return issue_password_reset(member, owner)


def set_member_active(owner: User, member: User, active: bool) -> None:
    """Take a colleague's access away (she can no longer log in), or give it back."""
    organization = _own_member(owner, member)
    if active:
        member.status = UserStatus.ACTIVE if organization.status == OrgStatus.ACTIVE else UserStatus.PENDING
    else:
        member.status = UserStatus.DISABLED
    record_audit(owner, "member_enabled" if active else "member_disabled", "user", member.id)
    db.session.commit()


# --- Offers ---------------------------------------------------------------------------------------


@dataclass
class OfferData:
    """The fields of an offer as a form (or the API) sends them."""

    kind: str
    title: str
    description: str
    skills_text: str
    places: int
    desa_code: str
    home_based: bool = False
    reach: str = Reach.SUBDISTRICT
    hours_per_week: int | None = None
    schedule: str | None = None
    pay_amount: int | None = None
    pay_terms: str | None = None
    funding_source: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = OfferStatus.DRAFT


def validate_offer(organization: Organization, data: OfferData, today: dt.date) -> dict[str, str]:
    """Every problem with ``data`` at once, as ``{field: error code}`` (empty when valid)."""
    errors: dict[str, str] = {}
    if data.kind not in allowed_kinds(organization):
        errors["kind"] = "bad_kind"
    if not data.title.strip():
        errors["title"] = "required"
    if data.places is None or data.places < 1:
        errors["places"] = "bad_places"
    if _region(data.desa_code, (RegionLevel.VILLAGE,)) is None:
        errors["desa_code"] = "bad_region"
    if data.reach not in allowed_reaches(organization):
        errors["reach"] = "bad_reach"
    if data.hours_per_week is not None and not 1 <= data.hours_per_week <= 84:
        errors["hours_per_week"] = "bad_hours"
    if data.pay_amount is not None and data.pay_amount < 0:
        errors["pay_amount"] = "bad_amount"
    elif data.pay_amount is not None and data.pay_amount > MAX_PAY_AMOUNT:
        errors["pay_amount"] = "amount_too_large"
    is_program = organization.kind == OrgKind.VILLAGE_OFFICE
    if data.funding_source and (not is_program or data.funding_source not in FUNDING_SOURCES):
        errors["funding_source"] = "bad_funding"
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors["end_date"] = "end_before_start"
    if data.status not in SETTABLE_STATUSES:
        errors["status"] = "bad_status"
    elif data.status == OfferStatus.OPEN and data.end_date is not None and data.end_date < today:
        errors["end_date"] = "ended"
    return errors


def _apply(offer: Offer, data: OfferData) -> None:
    offer.kind = data.kind
    offer.title = data.title.strip()
    offer.description = (data.description or "").strip()
    offer.skills_text = (data.skills_text or "").strip()
    offer.places = data.places
    offer.desa_code = data.desa_code
    offer.home_based = bool(data.home_based)
    offer.reach = data.reach
    offer.hours_per_week = data.hours_per_week
    offer.schedule = (data.schedule or "").strip() or None
    offer.pay_amount = data.pay_amount
    offer.pay_terms = (data.pay_terms or "").strip() or None
    offer.funding_source = data.funding_source or None
    offer.start_date = data.start_date
    offer.end_date = data.end_date
    offer.status = data.status
    offer.skills = skills_for_text(offer.skills_text)


def _require_publisher(user: User) -> Organization:
    organization = user.organization
    if user.role not in Role.PARTNERS or organization is None:
        raise PartnerError("not_member")
    if not can_publish(organization):
        raise PartnerError("not_active")
    return organization


def create_offer(user: User, data: OfferData, today: dt.date | None = None) -> Offer:
    """Publish (or save as a draft) a new offer of ``user``'s organization; commits."""
    organization = _require_publisher(user)
    errors = validate_offer(organization, data, today or clock.today())
    if errors:
        raise OfferInvalid(errors)
    offer = Offer(organization_id=organization.id)
    _apply(offer, data)
    db.session.add(offer)
    db.session.commit()
    return offer


def get_own_offer(user: User, offer_id: int) -> Offer | None:
    """The offer if it belongs to ``user``'s organization, else ``None`` (shown as 404)."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or user.organization_id is None or offer.organization_id != user.organization_id:
        return None
    return offer


def update_offer(user: User, offer: Offer, data: OfferData, today: dt.date | None = None) -> None:
    """Change an offer of ``user``'s own organization; commits."""
    organization = _require_publisher(user)
    if offer.organization_id != organization.id:
        raise PartnerError("not_member")
    errors = validate_offer(organization, data, today or clock.today())
    if errors:
        raise OfferInvalid(errors)
    _apply(offer, data)
    db.session.commit()


def set_offer_status(user: User, offer: Offer, status: str, today: dt.date | None = None) -> None:
    """Open, close or return an offer to draft. Closing is allowed even while suspended."""
    if offer.organization_id != user.organization_id or user.role not in Role.PARTNERS:
        raise PartnerError("not_member")
    if status not in SETTABLE_STATUSES:
        raise PartnerError("bad_status")
    if status != OfferStatus.CLOSED and not can_publish(offer.organization):
        raise PartnerError("not_active")
    if status == OfferStatus.OPEN and offer.end_date is not None and offer.end_date < (today or clock.today()):
        raise PartnerError("ended")
    offer.status = status
    db.session.commit()


def visible_offer(viewer: User, offer_id: int) -> Offer | None:
    """The offer if ``viewer`` may read it, else ``None``.

    Members of the publishing organization see all of its offers; facilitators see the
    published offers of active organizations; coordinators also those of organizations in
    their district whatever their state (they verify and suspend them).
    """
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        return None
    if viewer.organization_id is not None and offer.organization_id == viewer.organization_id:
        return offer
    if viewer.role not in BROWSER_ROLES or offer.status == OfferStatus.DRAFT:
        return None
    if viewer.role == Role.FACILITATOR:
        return offer if offer.organization.status == OrgStatus.ACTIVE else None
    if viewer.role == Role.COORDINATOR and not code_within(offer.organization.desa_code, viewer.area_codes):
        return None
    return offer


def visible_organization(viewer: User, organization_id: int) -> Organization | None:
    """A partner's public page: active organizations, for facilitators, coordinators and the admin."""
    organization = db.session.get(Organization, organization_id)
    if organization is None or viewer.role not in BROWSER_ROLES or organization.status != OrgStatus.ACTIVE:
        return None
    return organization


# --- Skills ---------------------------------------------------------------------------------------


def resolve_skill_slugs(text: str) -> list[tuple[str, str]]:
    """Canonical skills named in ``text`` (typos and colloquial forms included) as
    ``(slug, matched phrase)`` pairs, best first."""
    if not text.strip():
        return []
    return [(suggestion.slug, suggestion.phrase) for suggestion in resolve_skills(text).skills]


def skills_for_text(text: str) -> list[Skill]:
    """The ``Skill`` rows named in ``text`` (only those loaded in the database)."""
    slugs = [slug for slug, _phrase in resolve_skill_slugs(text)]
    if not slugs:
        return []
    return list(db.session.scalars(select(Skill).where(Skill.slug.in_(slugs)).order_by(Skill.slug)))


# --- Search ---------------------------------------------------------------------------------------
