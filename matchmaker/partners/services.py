"""Partner services: organization profiles, members, offers and their derived status, search.

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
import re
import secrets
import sys
import threading
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import clock
from ..audit import record_audit
from ..auth.services import AccountError, IssuedReset, create_user, issue_password_reset
from ..extensions import db
from ..labels import LABELS, label
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
    offer_skill,
    utcnow,
)
from ..pagination import clamp_page, page_count, page_slice
from ..reference.skill_resolver import resolve_skills
from ..reference.stopwords import stopwords
from ..reference.text import fold_accents
from ..refusals import InvalidFields, Refusal
from ..scoping import code_within, region_within

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

_WORD = re.compile(r"[0-9a-z]+")
_STOPWORDS = stopwords("search")
# A query word matches a text word at this similarity (0–100); tuned on one-letter typos of
# 5-to-10-letter Indonesian words ("jahitt", "penjhit", "kerajianan").
MATCH_CUTOFF = 78


def _words(text: str) -> list[str]:
    return _WORD.findall(fold_accents(text))


def query_words(query: str) -> list[str]:
    """The words of a search query worth matching: no stop words, no single letters."""
    return [word for word in dict.fromkeys(_words(query)) if len(word) > 1 and word not in _STOPWORDS]


def _similarities(words: list[str], vocabulary_words: list[str]) -> dict[str, dict[str, float]]:
    """For each query word, the text words within typo distance and their similarity."""
    result: dict[str, dict[str, float]] = {}
    for word in words:
        close: dict[str, float] = {}
        if vocabulary_words:
            ratios = process.cdist([word], vocabulary_words, scorer=fuzz.ratio)[0]
            # A query word inside a longer word ("jahit" in "penjahit") counts, slightly less.
            partials = (
                process.cdist([word], vocabulary_words, scorer=fuzz.partial_ratio)[0] if len(word) >= 4 else None
            )
            for position, text_word in enumerate(vocabulary_words):
                score = float(ratios[position])
                if partials is not None and len(text_word) > len(word):
                    score = max(score, float(partials[position]) * 0.95)
                if score >= MATCH_CUTOFF:
                    close[text_word] = score
        result[word] = close
    return result


@dataclass
class _Document:
    key: int
    words: AbstractSet[str]
    title_words: AbstractSet[str]
    skill_slugs: AbstractSet[str] = field(default_factory=frozenset)


def _rank(
    query: str,
    documents: list[_Document],
    similar: dict[str, dict[str, float]] | None = None,
) -> dict[int, float]:
    """Score documents against ``query``: every query word must match (typo-tolerant) or name
    a canonical skill the document is linked to. Returns ``{key: score}`` of the matches.

    ``similar`` may hold the close words of each query word, computed over any vocabulary
    that includes the documents' words (the scores only depend on the pairs of words).
    """
    words = query_words(query)
    if not words:
        return {document.key: 0.0 for document in documents}
    word_skills: dict[str, set[str]] = {}
    for slug, phrase in resolve_skill_slugs(query):
        for word in _words(phrase):
            word_skills.setdefault(word, set()).add(slug)
    if similar is None:
        vocabulary_words = sorted(set().union(*(document.words for document in documents))) if documents else []
        similar = _similarities(words, vocabulary_words)
    # A set intersection (in C) finds the document's close words; most documents have none.
    close_words = {word: frozenset(similar[word]) for word in words}
    scores: dict[int, float] = {}
    for document in documents:
        total = 0.0
        for word in words:
            close = similar[word]
            best = max((close[text_word] for text_word in close_words[word] & document.words), default=0.0)
            if word_skills.get(word, set()) & document.skill_slugs:
                best = max(best, 100.0)
            if best < MATCH_CUTOFF:
                break
            title_bonus = 5.0 if any(similar[word].get(text_word) for text_word in document.title_words) else 0.0
            total += best + title_bonus
        else:
            scores[document.key] = total / len(words)
    return scores


@dataclass
class OfferFilters:
    """What a facilitator narrows the offers by."""

    q: str = ""
    kind: str | None = None
    category: str | None = None
    kecamatan: str | None = None
    open_only: bool = True
    # Set for a partner's own list: every offer of her organization, drafts included.
    organization_id: int | None = None


def _label_text(group: str, code: str | None) -> str:
    """A code's label in both languages, so that either finds it, with or without a request."""
    if not code:
        return ""
    texts = []
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            texts.append(label(group, code))
    return " ".join(texts)


class _SearchCache:
    """Per-process cache of offer search documents and of the close words of query words.

    Turning an offer's texts into words is most of a search's work, and offers change
    seldom: a document is kept under the very texts it was made from, so any edit (title,
    description, provider name, place, skills) simply misses the cache. Close words are
    computed against every word seen so far, a superset of any search's documents, which
    gives the same scores (they depend only on pairs of words) and lets them be reused
    until a new word appears.
    """

    MAX_DOCUMENTS = 50_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.documents: dict[tuple, _Document] = {}
        self.vocabulary: set[str] = set()
        self.sorted_vocabulary: list[str] | None = None
        self.similar: dict[str, dict[str, float]] = {}
        # Inverted index: word (or canonical skill) -> ids of the offers whose documents hold it.
        # Old versions of an offer may linger in it; the search scores each candidate with its
        # current document, so a superset is harmless and no current document is ever missed.
        self.postings: dict[str, set[int]] = {}
        self.skill_postings: dict[str, set[int]] = {}

    def get(self, key: tuple) -> _Document:
        """The document cached under ``key``."""
        return self.documents[key]

    def add(self, key: tuple, document: _Document) -> None:
        """Cache ``document`` under ``key`` and add its words to the vocabulary and the index."""
        with self.lock:
            if len(self.documents) >= self.MAX_DOCUMENTS:
                self.documents.clear()
                self.postings.clear()
                self.skill_postings.clear()
            self.documents[key] = document
            for word in document.words:
                self.postings.setdefault(word, set()).add(document.key)
            for slug in document.skill_slugs:
                self.skill_postings.setdefault(slug, set()).add(document.key)
            if not document.words <= self.vocabulary:
                self.vocabulary |= document.words
                self.sorted_vocabulary = None
                self.similar = {}

    def candidates(self, query: str, similar: dict[str, dict[str, float]]) -> set[int]:
        """Ids of the offers that may match every word of ``query``: each word must have a close
        word in the offer's text or name a canonical skill the offer is linked to."""
        word_skills: dict[str, set[str]] = {}
        for slug, phrase in resolve_skill_slugs(query):
            for word in _words(phrase):
                word_skills.setdefault(word, set()).add(slug)
        found: set[int] | None = None
        with self.lock:
            for word in query_words(query):
                ids: set[int] = set()
                for text_word in similar.get(word, ()):
                    ids |= self.postings.get(text_word, set())
                for slug in word_skills.get(word, ()):
                    ids |= self.skill_postings.get(slug, set())
                found = ids if found is None else found & ids
                if not found:
                    return set()
        return found or set()

    def similarities(self, words: list[str]) -> dict[str, dict[str, float]]:
        """Close words of each query word among every word of the cached documents."""
        with self.lock:
            if self.sorted_vocabulary is None:
                self.sorted_vocabulary = sorted(self.vocabulary)
            vocabulary, similar = self.sorted_vocabulary, self.similar
        missing = [word for word in words if word not in similar]
        if missing:
            found = _similarities(missing, vocabulary)
            with self.lock:
                if self.similar is similar:
                    similar.update(found)
            similar = {**similar, **found}
        return {word: similar[word] for word in words}


_search_cache = _SearchCache()


def _offer_conditions(viewer: User, filters: OfferFilters, today: dt.date, taken) -> list[ColumnElement[bool]]:
    """SQL conditions of the offers ``filters`` select (places taken come from ``taken``)."""
    conditions: list[ColumnElement[bool]]
    if filters.organization_id is not None:
        # Its members see all of their organization's offers, whatever its state (as on "my offers").
        conditions = [Offer.organization_id == filters.organization_id]
    else:
        conditions = [Organization.status == OrgStatus.ACTIVE, Offer.status != OfferStatus.DRAFT]
        if viewer.role == Role.COORDINATOR:
            conditions.append(region_within(Organization.desa_code, viewer.area_codes))
    if filters.kind:
        conditions.append(Offer.kind == filters.kind)
    if filters.kecamatan:
        conditions.append(Offer.desa_code.startswith(filters.kecamatan + "."))
    if filters.category:
        conditions.append(
            Offer.id.in_(
                select(offer_skill.c.offer_id)
                .join(Skill, Skill.id == offer_skill.c.skill_id)
                .where(Skill.category == filters.category)
            )
        )
    if filters.open_only:
        # Open as people see it (effective_status): open, not past its end date, not full.
        conditions += [
            Offer.status == OfferStatus.OPEN,
            or_(Offer.end_date.is_(None), Offer.end_date >= today),
            func.coalesce(taken.c.taken, 0) < Offer.places,
        ]
    return conditions


def _offer_documents(conditions: list[ColumnElement[bool]], taken) -> list[_Document]:
    """The search documents of the offers matching ``conditions``, newest first, from the cache.

    A document is cached under the offer's id and ``updated_at`` (every edit of an offer
    moves it), its provider's name and its linked skills, so only new or changed offers
    have their texts read and split into words.
    """
    # One row per offer with its skill ids aggregated, run on the session's connection (Core):
    # thousands of plain tuples, without ORM row processing.
    linked = (
        select(offer_skill.c.offer_id, func.aggregate_strings(cast(offer_skill.c.skill_id, String), ",").label("ids"))
        .group_by(offer_skill.c.offer_id)
        .subquery()
    )
    rows = db.session.connection().execute(
        select(Offer.id, Offer.updated_at, Organization.name, linked.c.ids)
        .join(Organization, Offer.organization_id == Organization.id)
        .outerjoin(taken, taken.c.offer_id == Offer.id)
        .outerjoin(linked, linked.c.offer_id == Offer.id)
        .where(*conditions)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    )
    # The aggregate's order is the database's choice: sorted, the key of an unchanged offer stays the same.
    keys = [(offer_id, updated, provider, _sorted_ids(ids)) for offer_id, updated, provider, ids in rows.all()]
    documents = [_search_cache.documents.get(key) for key in keys]
    missing = [key for key, document in zip(keys, documents, strict=True) if document is None]
    if not missing:
        return documents  # type: ignore[return-value]
    _cache_offer_documents(missing)
    return [_search_cache.get(key) for key in keys]


def _sorted_ids(ids: str | None) -> str:
    """A comma-separated list of ids in increasing order ("" for none)."""
    if not ids:
        return ""
    return ",".join(sorted(ids.split(","), key=int)) if "," in ids else ids


def _cache_offer_documents(keys: list[tuple]) -> None:
    """Read the texts of the offers of ``keys`` and cache their documents."""
    kecamatan = aliased(Region)
    skills = {skill.id: skill for skill in db.session.scalars(select(Skill))}
    kind_labels: dict[str, str] = {}
    by_id = {key[0]: key for key in keys}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            select(Offer.id, Offer.title, Offer.description, Offer.skills_text, Offer.kind, Region.name, kecamatan.name)
            .outerjoin(Region, Region.code == Offer.desa_code)
            .outerjoin(kecamatan, kecamatan.code == Region.parent_code)
            .where(Offer.id.in_(ids[start : start + 500]))
        )
        for offer_id, title, description, skills_text, kind, desa, kecamatan_name in rows:
            key = by_id[offer_id]
            if kind not in kind_labels:
                kind_labels[kind] = _label_text("offer_kind", kind)
            linked = sorted(int(skill_id) for skill_id in key[3].split(",")) if key[3] else []
            offer_skills = [skills[skill_id] for skill_id in linked if skill_id in skills]
            parts = [title, description, skills_text, key[2], kind_labels[kind], desa or "", kecamatan_name or ""]
            for skill in offer_skills:
                parts += [skill.name_id, skill.name_en, *skill.synonyms]
            _search_cache.add(
                key,
                _Document(
                    key=offer_id,
                    words=frozenset(sys.intern(word) for word in _words(" ".join(parts))),
                    title_words=frozenset(_words(title)),
                    skill_slugs=frozenset(skill.slug for skill in offer_skills),
                ),
            )


def warm_search_documents() -> int:
    """Make the search documents of every published offer now (a worker's warm-up); return how many."""
    documents = _offer_documents([Offer.status != OfferStatus.DRAFT], places_taken_subquery())
    _search_cache.similarities([])  # sorts the vocabulary once
    return len(documents)


def matching_offer_ids(viewer: User, filters: OfferFilters, today: dt.date) -> list[int]:
    """Ids of the offers ``filters`` select, best match first (newest first without a query)."""
    taken = places_taken_subquery()
    conditions = _offer_conditions(viewer, filters, today, taken)
    words = query_words(filters.q)
    if not words:
        return list(db.session.scalars(_newest_offer_ids(conditions, taken)))
    documents = _offer_documents(conditions, taken)
    similar = _search_cache.similarities(words)
    # Only the offers the inverted index names as candidates are scored, not every open offer.
    candidates = _search_cache.candidates(filters.q, similar)
    documents = [document for document in documents if document.key in candidates]
    scores = _rank(filters.q, documents, similar)
    # sorted() is stable: equal scores keep the newest-first order.
    return sorted((document.key for document in documents if document.key in scores), key=lambda key: -scores[key])


def _newest_offer_ids(conditions: list[ColumnElement[bool]], taken) -> Select:
    """The ids of the offers matching ``conditions``, newest first."""
    return (
        select(Offer.id)
        .join(Organization, Offer.organization_id == Organization.id)
        .outerjoin(taken, taken.c.offer_id == Offer.id)
        .where(*conditions)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    )


def rows_in_order(ids: list[int], today: dt.date) -> list[OfferRow]:
    """The rows of offers ``ids`` (places taken, derived status), in that order."""
    if not ids:
        return []
    rows = {row.offer.id: row for row in _offer_rows(Offer.id.in_(ids), today=today)}
    return [rows[offer_id] for offer_id in ids if offer_id in rows]


def search_offers(viewer: User, filters: OfferFilters, today: dt.date | None = None) -> list[OfferRow]:
    """Published offers of active organizations that match ``filters``, best match first.

    The text query tolerates typos (rapidfuzz over title, description, skills, provider
    name, kind and place) and also finds offers linked to the canonical skills it names.
    Without a query the newest come first. See :func:`search_offers_page` for one page.
    """
    today = today or clock.today()
    return rows_in_order(matching_offer_ids(viewer, filters, today), today)


@dataclass(frozen=True)
class OfferPage:
    """One page of search results and how many there are in all."""

    rows: list[OfferRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """The number of pages (at least one)."""
        return page_count(self.total, self.per_page)


def search_offers_page(
    viewer: User, filters: OfferFilters, page: int = 1, per_page: int = 25, today: dt.date | None = None
) -> OfferPage:
    """Page ``page`` of :func:`search_offers`: the ranking runs over the candidate offers, rows load for one page.

    Without a text query the database counts the offers and hands over one page of them.
    """
    today = today or clock.today()
    if not query_words(filters.q):
        taken = places_taken_subquery()
        ids_query = _newest_offer_ids(_offer_conditions(viewer, filters, today, taken), taken)
        total = db.session.scalar(select(func.count()).select_from(ids_query.order_by(None).subquery())) or 0
        page = clamp_page(page, total, per_page)
        page_ids = list(db.session.scalars(ids_query.limit(per_page).offset((page - 1) * per_page)))
        return OfferPage(rows_in_order(page_ids, today), total, page, per_page)
    ids = matching_offer_ids(viewer, filters, today)
    page = clamp_page(page, len(ids), per_page)
    return OfferPage(rows_in_order(list(page_slice(ids, page, per_page)), today), len(ids), page, per_page)


@dataclass(frozen=True)
class PartnerRow:
    """An organization in the directory, with how many offers it has open."""

    organization: Organization
    open_offers: int


def search_partners(
    viewer: User,
    *,
    q: str = "",
    kind: str | None = None,
    kecamatan: str | None = None,
    today: dt.date | None = None,
) -> list[PartnerRow]:
    """Active partner organizations, filtered and typo-tolerantly searched, best match first."""
    today = today or clock.today()
    conditions: list[ColumnElement[bool]] = [Organization.status == OrgStatus.ACTIVE]
    if viewer.role == Role.COORDINATOR:
        conditions.append(region_within(Organization.desa_code, viewer.area_codes))
    if kind:
        conditions.append(Organization.kind == kind)
    if kecamatan:
        conditions.append(Organization.desa_code.startswith(kecamatan + "."))
    organizations = list(
        db.session.scalars(
            select(Organization)
            .where(*conditions)
            .options(joinedload(Organization.desa).joinedload(Region.parent))
            .order_by(Organization.name)
        ).unique()
    )
    open_counts = _open_offer_counts([organization.id for organization in organizations], today)
    rows = [PartnerRow(organization, open_counts.get(organization.id, 0)) for organization in organizations]
    if not query_words(q):
        return rows
    documents = []
    for organization in organizations:
        parts = [
            organization.name,
            organization.description,
            _label_text("kbli_sector", organization.sector),
            _label_text("org_kind", organization.kind),
            organization.desa.name if organization.desa else "",
            organization.desa.parent.name if organization.desa and organization.desa.parent else "",
        ]
        words = set(_words(" ".join(parts)))
        documents.append(_Document(key=organization.id, words=words, title_words=set(_words(organization.name))))
    scores = _rank(q, documents)
    return sorted((row for row in rows if row.organization.id in scores), key=lambda row: -scores[row.organization.id])


def _open_offer_counts(organization_ids: list[int], today: dt.date) -> dict[int, int]:
    if not organization_ids:
        return {}
    taken = places_taken_subquery()
    rows = db.session.execute(
        select(Offer.organization_id, func.count())
        .join(Organization, Offer.organization_id == Organization.id)
        .outerjoin(taken, taken.c.offer_id == Offer.id)
        .where(Offer.organization_id.in_(organization_ids), *_proposable_conditions(today, taken))
        .group_by(Offer.organization_id)
    )
    return {organization_id: int(count) for organization_id, count in rows}
