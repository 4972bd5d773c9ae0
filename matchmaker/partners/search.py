"""Searching offers and partner organizations: typo-tolerant, over an index of each worker.

A search document is made of an offer's texts (title, description, skills, provider, kind,
place and its canonical skills' names and synonyms), split into words. Each process keeps the
documents and an inverted index from words to offers (:class:`_SearchCache`), so that a text
query scores only the offers that hold a word close to every query word.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import sys
import threading
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import force_locale
from rapidfuzz import fuzz, process
from sqlalchemy import ColumnElement, Select, String, cast, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from .. import clock
from ..caching import generation
from ..extensions import db
from ..labels import label
from ..models import Offer, OfferStatus, Organization, OrgStatus, Region, Role, Skill, User, offer_skill
from ..pagination import clamp_page, page_count, page_slice
from ..reference.stopwords import stopwords
from ..reference.text import fold_accents
from ..scoping import region_within
from .services import (
    OfferRow,
    _offer_rows,
    _proposable_conditions,
    places_taken_subquery,
    resolve_skill_slugs,
)

_WORD = re.compile(r"[0-9a-z]+")
_STOPWORDS = stopwords("search")
# A query word matches a text word at this similarity (0–100); tuned on one-letter typos of
# 5-to-10-letter Indonesian words ("jahitt", "penjhit", "kerajianan").
MATCH_CUTOFF = 78
# A worker reads every offer's key again at least this often (seconds). Offers added, edited or
# deleted anywhere are seen at once (the offer table's count, highest id and latest edit are
# checked on each search); this bounds how long a change that leaves those alone, made by
# another process (a partner renamed, a skill's synonyms edited), takes to reach its searches.
FULL_REFRESH_SECONDS = 15.0
# Tables whose rows make up a search document: a commit to one of them in this process
# makes the next search here read every key again.
INDEX_TABLES = ("offer", "organization", "offer_skill", "skill", "region")
# Up to this many candidates, the database is handed their ids; above it, it returns the ids of
# every offer the filters select (plain integers) and the candidates are picked out here.
MAX_ID_LIST = 500


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

    The inverted index holds every offer once it is *current*: a full read of every offer's
    key under the ``stamp`` of the database it was read from (see :func:`_refresh_index`).
    """

    MAX_DOCUMENTS = 50_000

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # What the last full read saw, when (monotonic seconds), and how many times the cache
        # was emptied: a full read during which it was emptied does not make the index current.
        self.stamp: tuple | None = None
        self.refreshed_at = 0.0
        self.clears = 0
        # Every offer's document as of the last full read, by offer id.
        self.current: dict[int, _Document] = {}
        self.documents: dict[tuple, _Document] = {}
        self.vocabulary: set[str] = set()
        self.sorted_vocabulary: list[str] | None = None
        self.similar: dict[str, dict[str, float]] = {}
        # Inverted index of the current documents: word (or canonical skill) -> ids of the offers
        # whose documents hold it. Kept in step with ``current`` by each full read.
        self.postings: dict[str, set[int]] = {}
        self.skill_postings: dict[str, set[int]] = {}

    def get(self, key: tuple) -> _Document:
        """The document cached under ``key``."""
        return self.documents[key]

    def add(self, key: tuple, document: _Document) -> None:
        """Cache ``document`` under ``key`` and add its words to the vocabulary."""
        with self.lock:
            if len(self.documents) >= self.MAX_DOCUMENTS:
                self.documents.clear()
                self.stamp = None
                self.clears += 1
            self.documents[key] = document
            if not document.words <= self.vocabulary:
                self.vocabulary |= document.words
                self.sorted_vocabulary = None
                self.similar = {}

    def is_current(self, stamp: tuple, now: float) -> bool:
        """Whether the index holds every offer as of ``stamp``, read less than a refresh period ago."""
        return self.stamp == stamp and now - self.refreshed_at < FULL_REFRESH_SECONDS

    def mark_current(self, stamp: tuple, started: float, clears_before: int, documents: list[_Document]) -> None:
        """Make ``documents``, a full read that began at ``started`` under ``stamp``, the current
        ones and index them, unless the cache was emptied since."""
        with self.lock:
            if self.clears != clears_before:
                return
            fresh = {document.key: document for document in documents}
            if self.stamp is None or self.stamp[0] != stamp[0]:
                # Another app or database (or an emptied cache): index everything afresh.
                self.postings, self.skill_postings, previous = {}, {}, {}
            else:
                previous = self.current
            for offer_id in previous.keys() | fresh.keys():
                old, new = previous.get(offer_id), fresh.get(offer_id)
                if old is new:
                    continue
                if old is not None:
                    self._unpost(offer_id, old)
                if new is not None:
                    self._post(offer_id, new)
            self.stamp, self.refreshed_at, self.current = stamp, started, fresh

    def _post(self, offer_id: int, document: _Document) -> None:
        for word in document.words:
            self.postings.setdefault(word, set()).add(offer_id)
        for slug in document.skill_slugs:
            self.skill_postings.setdefault(slug, set()).add(offer_id)

    def _unpost(self, offer_id: int, document: _Document) -> None:
        for word in document.words:
            self.postings.get(word, set()).discard(offer_id)
        for slug in document.skill_slugs:
            self.skill_postings.get(slug, set()).discard(offer_id)

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


def _all_offer_documents() -> list[_Document]:
    """The search document of every offer, from the cache where it holds it.

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
        .outerjoin(linked, linked.c.offer_id == Offer.id)
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


def _now() -> float:
    """Monotonic seconds (a function of its own, so that tests can move it)."""
    return time.monotonic()


def _index_stamp() -> tuple:
    """What tells this process that its index may be out of date: the offer table's count, highest
    id and latest edit, the tables committed to here, and which app and database it serves."""
    count, highest, latest = db.session.execute(
        select(func.count(Offer.id), func.max(Offer.id), func.max(Offer.updated_at))
    ).one()
    owner = current_app.extensions.setdefault("search_index_owner", secrets.token_hex(8))
    return (owner, count, highest, latest, *(generation(table) for table in INDEX_TABLES))


def _refresh_index() -> int:
    """Read every offer's key and make the missing documents, unless the index is current;
    return how many offers were read (0 when it was current)."""
    started = _now()
    stamp = _index_stamp()
    if _search_cache.is_current(stamp, started):
        return 0
    clears_before = _search_cache.clears
    # The stamp is read before the keys: a change committed in between is read now and seen
    # again as a new stamp next time, never missed.
    documents = _all_offer_documents()
    _search_cache.mark_current(stamp, started, clears_before, documents)
    return len(documents)


def warm_search_documents() -> int:
    """Make every offer's search document and the index now (a worker's warm-up); return how many."""
    _search_cache.stamp = None
    read = _refresh_index()
    _search_cache.similarities([])  # sorts the vocabulary once
    return read


def matching_offer_ids(viewer: User, filters: OfferFilters, today: dt.date) -> list[int]:
    """Ids of the offers ``filters`` select, best match first (newest first without a query)."""
    taken = places_taken_subquery()
    conditions = _offer_conditions(viewer, filters, today, taken)
    words = query_words(filters.q)
    if not words:
        return list(db.session.scalars(_newest_offer_ids(conditions, taken)))
    _refresh_index()
    similar = _search_cache.similarities(words)
    # Only the offers the inverted index names as candidates are scored; the database says which
    # of them the filters keep, newest first, and the index holds their current documents.
    candidates = _search_cache.candidates(filters.q, similar)
    if not candidates:
        return []
    ids_query = _newest_offer_ids(conditions, taken)
    if len(candidates) <= MAX_ID_LIST:
        ids_query = ids_query.where(Offer.id.in_(sorted(candidates)))
    current = _search_cache.current
    documents = [
        current[offer_id]
        # On the connection (Core): thousands of plain integers, without ORM row processing.
        for offer_id in db.session.connection().execute(ids_query).scalars()
        if offer_id in candidates and offer_id in current
    ]
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
