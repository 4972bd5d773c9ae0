"""The ranking service: database rows in, ranked proposals out, with a live process-level index.

The engine (:mod:`matchmaker.matching`) knows nothing of Flask or the database; this module
converts ``Household`` and ``Offer`` rows into engine records and keeps one
:class:`RankingIndex` per application object, i.e. per process. Under gunicorn each
worker holds its own index: it is built lazily on the worker's first ranking call (or
warmed in a background thread when ``RANKING_WARM_ON_START`` is set) and kept fresh
two ways:

* in this process, SQLAlchemy session events collect the offers, households, matches and
  organizations a committed transaction touched, and mark them dirty;
* for writes made by other workers or by CLI commands, each ranking call compares a cheap
  watermark (latest ``updated_at`` and row counts, the active partners, today's date, the
  learned model's file) with the one the index was built at.

The next ranking call applies what is dirty incrementally (``partial_update``); the engine
refits its vectorisers when the new text has drifted from their vocabulary. Pages that do
not rank never touch the index.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, func, select
from sqlalchemy.orm import joinedload, selectinload

from .. import clock
from ..extensions import db
from ..matching import HouseholdRecord, MatchRanker, OfferRecord
from ..models import (
    Household,
    HouseholdStatus,
    Match,
    MatchStatus,
    Offer,
    Organization,
    OrgStatus,
)
from ..partners.services import proposable_offers_query

log = logging.getLogger(__name__)

EXTENSION_KEY = "ranking_index"
# Households that can still be proposed something.
RANKABLE_HOUSEHOLD_STATUSES = (HouseholdStatus.ACTIVE, HouseholdStatus.IN_PROGRESS)
# Matches a partner still has to act on: they weigh on its load.
PENDING_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INTRODUCED)
TAKEN_STATUSES = (MatchStatus.STARTED, MatchStatus.COMPLETED)
_SKILL_SPLIT = re.compile(r"[,;\n]+")


# --- Rows to engine records -----------------------------------------------------------------


def offer_record(offer: Offer, *, taken: int, pending: int, proposable: bool = True) -> OfferRecord:
    """The engine's view of an offer row; ``proposable=False`` makes the engine treat it as closed."""
    organization = offer.organization
    return OfferRecord(
        id=str(offer.id),
        kind=offer.kind,
        provider=organization.name if organization else "",
        provider_type=organization.kind if organization else "business",
        title=offer.title,
        description=offer.description or "",
        skills=[part.strip() for part in _SKILL_SPLIT.split(offer.skills_text or "") if part.strip()],
        village_code=offer.desa_code,
        home_based=bool(offer.home_based),
        reach=offer.reach,
        places=int(offer.places or 0),
        places_taken=taken,
        hours_per_week=offer.hours_per_week,
        status="open" if proposable else "closed",
        provider_id=str(offer.organization_id),
        pending_proposals=pending,
        canonical_skills=[skill.slug for skill in offer.skills],
    )


def household_record(household: Household) -> HouseholdRecord:
    """The engine's view of a household's livelihood profile (no identity data goes in)."""
    experience = ". ".join(part for part in (household.work_experience, household.business_experience) if part)
    return HouseholdRecord(
        id=str(household.id),
        skills=household.skills_text or "",
        interests=household.interests or "",
        experience=experience,
        village_code=household.desa_code,
        work_preference=household.work_preference,
        travel=household.travel_range,
        home_based_only=bool(household.home_based_only),
        hours_per_week=household.hours_per_week,
        constraints=list(household.constraints or []),
        assets=list(household.assets or []),
        canonical_skills=[skill.slug for skill in household.skills],
    )


def pending_by_organization(organization_ids: list[int] | None = None) -> dict[int, int]:
    """Matches still waiting on each organization (proposed or introduced), in one query."""
    statement = (
        select(Offer.organization_id, func.count())
        .join(Match, Match.offer_id == Offer.id)
        .where(Match.status.in_(PENDING_STATUSES))
        .group_by(Offer.organization_id)
    )
    if organization_ids is not None:
        statement = statement.where(Offer.organization_id.in_(organization_ids))
    return {org_id: int(count) for org_id, count in db.session.execute(statement)}


def taken_by_offer(offer_ids: list[int] | None = None) -> dict[int, int]:
    """Places taken (started or completed matches) per offer."""
    statement = select(Match.offer_id, func.count()).where(Match.status.in_(TAKEN_STATUSES)).group_by(Match.offer_id)
    if offer_ids is not None:
        statement = statement.where(Match.offer_id.in_(offer_ids))
    return {offer_id: int(count) for offer_id, count in db.session.execute(statement)}


def load_offer_records(offer_ids: list[int] | None = None, today: dt.date | None = None) -> list[OfferRecord]:
    """Engine records of the proposable offers (all of them, or those of ``offer_ids`` still proposable)."""
    statement = proposable_offers_query(today).options(selectinload(Offer.skills), joinedload(Offer.organization))
    if offer_ids is not None:
        if not offer_ids:
            return []
        statement = statement.where(Offer.id.in_(offer_ids))
    offers = list(db.session.scalars(statement).unique())
    ids = [offer.id for offer in offers]
    taken = taken_by_offer(ids if offer_ids is not None else None)
    pending = pending_by_organization(sorted({o.organization_id for o in offers}) if offer_ids is not None else None)
    return [
        offer_record(offer, taken=taken.get(offer.id, 0), pending=pending.get(offer.organization_id, 0))
        for offer in offers
    ]


def load_household_records(household_ids: list[int] | None = None) -> list[HouseholdRecord]:
    """Engine records of the households that can still be proposed something."""
    statement = (
        select(Household)
        .where(Household.status.in_(RANKABLE_HOUSEHOLD_STATUSES))
        .options(selectinload(Household.skills))
        .order_by(Household.id)
    )
    if household_ids is not None:
        if not household_ids:
            return []
        statement = statement.where(Household.id.in_(household_ids))
    return [household_record(h) for h in db.session.scalars(statement)]


# --- The process-level index ----------------------------------------------------------------


@dataclass
class _Dirty:
    """What changed since the index last caught up."""

    offers: set[int] = field(default_factory=set)
    # Offers whose organization's load changed: every offer of that organization is redone.
    offers_of_org: set[int] = field(default_factory=set)
    # Organizations whose status may have changed: their offers may have stopped (or started) being proposable.
    orgs: set[int] = field(default_factory=set)
    households: set[int] = field(default_factory=set)
    rebuild: bool = False

    def __bool__(self) -> bool:
        return bool(self.offers or self.offers_of_org or self.orgs or self.households or self.rebuild)

    def merge(self, other: _Dirty) -> None:
        self.offers |= other.offers
        self.offers_of_org |= other.offers_of_org
        self.orgs |= other.orgs
        self.households |= other.households
        self.rebuild = self.rebuild or other.rebuild


@dataclass(frozen=True)
class _Watermark:
    offer_max: dt.datetime | None
    offer_count: int
    household_max: dt.datetime | None
    household_count: int
    match_max: dt.datetime | None
    match_count: int
    active_orgs: int
    today: dt.date
    model_mtime: float | None


class RankingIndex:
    """One ranker over the proposable offers and rankable households, kept fresh incrementally.

    Thread-safe: every build, update and ranking runs under :attr:`lock`. The counters
    (``builds``, ``offer_updates``, ``household_updates``, ``refits``) say what work was
    done, for tests and the ``ranker app-bench`` command.
    """

    def __init__(self, model_path: str | None = None, sync_seconds: float = 5.0) -> None:
        self.lock = threading.RLock()
        self.model_path = model_path
        # How often to look for writes made by other processes; this process's own commits
        # arrive through session events at once.
        self.sync_seconds = sync_seconds
        self._synced_at = float("-inf")
        self.ranker: MatchRanker | None = None
        self.model_info: dict[str, Any] | None = None
        self.builds = 0
        self.offer_updates = 0
        self.household_updates = 0
        self.last_build_seconds = 0.0
        self._dirty = _Dirty()
        self._watermark: _Watermark | None = None

    @property
    def is_built(self) -> bool:
        """Whether the index has been built in this process."""
        return self.ranker is not None

    @property
    def refits(self) -> int:
        """Vocabulary refits the engine did on drift since the last full build."""
        return getattr(self.ranker, "n_refits_", 0) if self.ranker is not None else 0

    def stats(self) -> dict[str, Any]:
        """Counters and sizes, for tests and benchmarks."""
        with self.lock:
            ranker = self.ranker
            return {
                "built": ranker is not None,
                "builds": self.builds,
                "offer_updates": self.offer_updates,
                "household_updates": self.household_updates,
                "refits": self.refits,
                "offers": len(ranker.offers_.row_of) if ranker else 0,
                "households": len(ranker.households_.row_of) if ranker and ranker.households_ else 0,
                "learned_model": bool(self.model_info),
                "last_build_seconds": round(self.last_build_seconds, 4),
            }

    def mark(self, dirty: _Dirty) -> None:
        """Remember changes committed in this process; the next ranking call applies them."""
        with self.lock:
            self._dirty.merge(dirty)

    def invalidate(self) -> None:
        """Force a full build on the next ranking call (a new learned model, say)."""
        with self.lock:
            self._dirty.rebuild = True

    def ready(self) -> MatchRanker:
        """The up-to-date ranker: built on first use, then caught up with what changed."""
        with self.lock:
            now = time.monotonic()
            if self.ranker is not None and not self._dirty.rebuild and now - self._synced_at < self.sync_seconds:
                if self._dirty:
                    self._apply(self._dirty)
                    self._dirty = _Dirty()
                return self.ranker
            self._synced_at = now
            watermark = self._current_watermark()
            if self.ranker is None or self._dirty.rebuild or self._needs_rebuild(watermark):
                self._build(watermark)
                return self.ranker  # type: ignore[return-value]
            if watermark != self._watermark:
                self._dirty.merge(self._changes_since(self._watermark, watermark))  # type: ignore[arg-type]
            if self._dirty:
                self._apply(self._dirty)
                self._dirty = _Dirty()
            self._watermark = watermark
            return self.ranker

    # -- internals

    def _build(self, watermark: _Watermark) -> None:
        started = time.perf_counter()
        self._dirty = _Dirty()
        self.model_info = load_model(self.model_path)
        ranker = ranker_from_model(self.model_info)
        ranker.fit(load_offer_records(today=watermark.today), load_household_records())
        self.ranker = ranker
        self._watermark = watermark
        self.builds += 1
        self.last_build_seconds = time.perf_counter() - started
        log.info("ranking index built: %s offers, %s households in %.2f s", len(ranker.offers_.row_of),
                 len(ranker.households_.row_of) if ranker.households_ else 0, self.last_build_seconds)

    def _needs_rebuild(self, watermark: _Watermark) -> bool:
        old = self._watermark
        if old is None:
            return True
        ranker = self.ranker
        # Replaced rows pile up in the engine's arrays; compact once they outnumber live ones.
        if ranker is not None and len(ranker.offers_.ids) > 2 * len(ranker.offers_.row_of) + 64:
            return True
        return (
            watermark.today != old.today  # offers pass their end date at midnight without a write
            or watermark.model_mtime != old.model_mtime
            or watermark.active_orgs != old.active_orgs
            or watermark.offer_count < old.offer_count
            or watermark.household_count < old.household_count
            or watermark.match_count < old.match_count
        )

    def _current_watermark(self) -> _Watermark:
        row = db.session.execute(
            select(
                select(func.max(Offer.updated_at)).scalar_subquery(),
                select(func.count(Offer.id)).scalar_subquery(),
                select(func.max(Household.updated_at)).scalar_subquery(),
                select(func.count(Household.id)).scalar_subquery(),
                select(func.max(Match.updated_at)).scalar_subquery(),
                select(func.count(Match.id)).scalar_subquery(),
                select(func.count(Organization.id)).where(Organization.status == OrgStatus.ACTIVE).scalar_subquery(),
            )
        ).one()
        mtime = None
        if self.model_path and os.path.exists(self.model_path):
            mtime = os.path.getmtime(self.model_path)
        return _Watermark(row[0], int(row[1]), row[2], int(row[3]), row[4], int(row[5]), int(row[6]),
                          clock.today(), mtime)

    @staticmethod
    def _changes_since(old: _Watermark, new: _Watermark) -> _Dirty:
        """Rows written since ``old`` by anyone (other workers, CLI commands)."""
        dirty = _Dirty()
        if new.offer_max is not None and (new.offer_max != old.offer_max or new.offer_count != old.offer_count):
            since = old.offer_max or dt.datetime.min
            dirty.offers |= set(db.session.scalars(select(Offer.id).where(Offer.updated_at >= since)))
        if new.household_max is not None and (
            new.household_max != old.household_max or new.household_count != old.household_count
        ):
            since = old.household_max or dt.datetime.min
            dirty.households |= set(db.session.scalars(select(Household.id).where(Household.updated_at >= since)))
        if new.match_max is not None and (new.match_max != old.match_max or new.match_count != old.match_count):
            since = old.match_max or dt.datetime.min
            dirty.offers_of_org |= set(db.session.scalars(select(Match.offer_id).where(Match.updated_at >= since)))
        return dirty

    def _apply(self, dirty: _Dirty) -> None:
        ranker = self.ranker
        assert ranker is not None  # noqa: S101 - ready() builds first
        offer_ids = set(dirty.offers)
        org_ids = set(dirty.orgs)
        if dirty.offers_of_org:
            org_ids |= set(db.session.scalars(
                select(Offer.organization_id).where(Offer.id.in_(dirty.offers_of_org))))
        if org_ids:
            offer_ids |= set(db.session.scalars(select(Offer.id).where(Offer.organization_id.in_(org_ids))))
        if offer_ids:
            records = load_offer_records(sorted(offer_ids))
            still = {record.id for record in records}
            ranker.retire_offers(str(oid) for oid in offer_ids if str(oid) not in still)
            if records:
                ranker.partial_update(records)
            self.offer_updates += 1
        if dirty.households:
            records = load_household_records(sorted(dirty.households))
            still = {record.id for record in records}
            ranker.retire_households(str(hid) for hid in dirty.households if str(hid) not in still)
            if records:
                ranker.partial_update_households(records)
            self.household_updates += 1


def get_index(app: Flask | None = None) -> RankingIndex:
    """The ranking index of ``app`` (the current app by default)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    return app.extensions[EXTENSION_KEY]


# --- Session events: what a commit changed --------------------------------------------------

_INFO_KEY = "ranking_dirty"


def _after_flush(session: Any, flush_context: Any) -> None:
    dirty: _Dirty = session.info.setdefault(_INFO_KEY, _Dirty())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Offer) and obj.id is not None:
            dirty.offers.add(obj.id)
        elif isinstance(obj, Household) and obj.id is not None:
            dirty.households.add(obj.id)
        elif isinstance(obj, Match) and obj.offer_id is not None:
            dirty.offers_of_org.add(obj.offer_id)
        elif isinstance(obj, Organization) and obj.id is not None:
            # Suspension or approval changes which offers are proposable: redo them all.
            dirty.orgs.add(obj.id)


def _after_commit(session: Any) -> None:
    dirty = session.info.pop(_INFO_KEY, None)
    if not dirty or not has_app_context():
        return
    index = current_app.extensions.get(EXTENSION_KEY)
    if index is not None:
        index.mark(dirty)


def _after_rollback(session: Any) -> None:
    session.info.pop(_INFO_KEY, None)


def _install_session_hooks() -> None:
    if not event.contains(FlaskSession, "after_flush", _after_flush):
        event.listen(FlaskSession, "after_flush", _after_flush)
        event.listen(FlaskSession, "after_commit", _after_commit)
        event.listen(FlaskSession, "after_soft_rollback", lambda session, previous: _after_rollback(session))


def init_ranking(app: Flask) -> None:
    """Give ``app`` its (not yet built) ranking index; warm it in the background if configured.

    ``RANKING_WARM_ON_START`` (environment ``RANKING_WARM=1``) builds the index in a
    daemon thread right after start, so that the first facilitator does not wait for it.
    ``RANKING_SYNC_SECONDS`` (default 5) is how stale the index may be with respect to
    writes made by *other* processes (gunicorn workers, CLI commands).
    """
    app.config.setdefault(
        "RANKER_MODEL_PATH", None if app.testing else os.path.join(app.instance_path, "ranker-model.pkl")
    )
    app.config.setdefault("RANKING_WARM_ON_START", os.environ.get("RANKING_WARM", "").lower() in ("1", "true"))
    app.config.setdefault("RANKING_SYNC_SECONDS", 5.0)
    app.extensions[EXTENSION_KEY] = RankingIndex(app.config["RANKER_MODEL_PATH"], app.config["RANKING_SYNC_SECONDS"])
    _install_session_hooks()
    if app.config["RANKING_WARM_ON_START"]:
        threading.Thread(target=_warm, args=(app,), name="ranking-warm", daemon=True).start()


def _warm(app: Flask) -> None:
    with app.app_context():
        try:
            get_index(app).ready()
        except Exception:  # the first ranking call will build it (and show the error) instead
            log.exception("warming the ranking index failed")
        finally:
            db.session.remove()


# --- Learned model --------------------------------------------------------------------------


def load_model(path: str | None) -> dict[str, Any] | None:
    """The learned model saved by ``flask ranker train``, or None (rule-based weights stand)."""
    from .learning import read_model

    if not path or not Path(path).exists():
        return None
    return read_model(Path(path))


def ranker_from_model(model: dict[str, Any] | None) -> MatchRanker:
    """A ranker with the learned weights when a model is given, the rule-based ones otherwise."""
    from ..reference.skill_resolver import VocabularyForRanking

    if not model:
        return MatchRanker(skill_vocabulary=VocabularyForRanking())
    weights = dict(model["weights"])
    load = weights.pop("load")
    return MatchRanker(weights=weights, load_penalty=load, skill_vocabulary=VocabularyForRanking())


# --- Ranking --------------------------------------------------------------------------------


@dataclass
class Proposal:
    """An offer proposed to a household: where it stands in her list and why."""

    offer: Offer
    score: float
    reasons: list[str]
    missing_skills: list[str]
    suggested_training: Offer | None
    position: int


@dataclass
class CandidateProposal:
    """A household proposed for an offer: where she stands in the list and why."""

    household: Household
    score: float
    reasons: list[str]
    missing_skills: list[str]
    suggested_training: Offer | None
    position: int


def _offers_by_id(ids: set[int]) -> dict[int, Offer]:
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Offer).where(Offer.id.in_(ids)).options(joinedload(Offer.organization))
    ).unique()
    return {offer.id: offer for offer in rows}


def rank_offers_for_household(household: Household, k: int = 20, lang: str = "id", *,
                              kind: str | None = None, tier: str | None = None) -> list[Proposal]:
    """Every proposable offer (business opportunities and village programmes) for her, best first.

    Offers she already has a match with, in any state, are left out. ``lang`` is the
    language of the reasons (``matchmaker.i18n.current_language()`` in views). ``kind`` and
    ``tier`` (``desa``, ``kecamatan``, ``kabupaten``: how far the offer is from her) narrow
    the ranking itself, so a filtered list is as long as the suitable offers allow.
    """
    index = get_index()
    with index.lock:
        ranker = index.ready()
        already = {str(offer_id) for offer_id in
                   db.session.scalars(select(Match.offer_id).where(Match.household_id == household.id))}
        results = ranker.rank_offers(household_record(household), k=k, lang=lang, exclude=already,
                                     kinds=[kind] if kind else None, tiers=[tier] if tier else None)
    ids = {int(m.offer_id) for m in results}
    ids |= {int(m.suggested_training.offer_id) for m in results if m.suggested_training}
    offers = _offers_by_id(ids)
    return [
        Proposal(
            offer=offers[int(m.offer_id)],
            score=m.score,
            reasons=m.reasons,
            missing_skills=m.missing_skills,
            suggested_training=offers.get(int(m.suggested_training.offer_id)) if m.suggested_training else None,
            position=position,
        )
        for position, m in enumerate(results, start=1)
        if int(m.offer_id) in offers
    ]


def rank_households_for_offer(
    offer: Offer, k: int = 20, within_areas: list[str] | None = None, lang: str = "id"
) -> list[CandidateProposal]:
    """The households best suited to a proposable offer, best first.

    ``within_areas`` limits the candidates to households of those region codes (a
    facilitator's or coordinator's area); households already matched with the offer are
    left out. An offer that is not proposable (draft, closed, full, past its end date,
    suspended partner) has no candidates.
    """
    index = get_index()
    records = load_offer_records([offer.id])
    if not records:
        return []
    with index.lock:
        ranker = index.ready()
        only = None
        if within_areas is not None:
            prefixes = tuple(code + "." for code in within_areas)
            only = [
                h.id for h in ranker.live_household_records()
                if h.village_code in within_areas or h.village_code.startswith(prefixes)
            ]
        already = {str(hid) for hid in
                   db.session.scalars(select(Match.household_id).where(Match.offer_id == offer.id))}
        results = ranker.rank_households(records[0], k=k, lang=lang, only=only, exclude=already)
    households = {
        h.id: h for h in db.session.scalars(
            select(Household).where(Household.id.in_([int(m.household_id) for m in results]))
            .options(joinedload(Household.desa))
        )
    }
    trainings = _offers_by_id({int(m.suggested_training.offer_id) for m in results if m.suggested_training})
    return [
        CandidateProposal(
            household=households[int(m.household_id)],
            score=m.score,
            reasons=m.reasons,
            missing_skills=m.missing_skills,
            suggested_training=trainings.get(int(m.suggested_training.offer_id)) if m.suggested_training else None,
            position=position,
        )
        for position, m in enumerate(results, start=1)
        if int(m.household_id) in households
    ]
