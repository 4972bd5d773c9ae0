"""Batch allocation: propose matches for every unmatched household of a kecamatan at once.

Each offer is expanded into its free places; the engine scores every household against
every offer; :func:`scipy.optimize.linear_sum_assignment` then picks the assignment with
the greatest total fit such that no offer gets more households than it has places.
Pairs that break a hard constraint, that already exist as a match, or that score below
:data:`MIN_SCORE` can never be chosen. A household may also stay unassigned: every row has
its own "nobody" column worth zero, so a weak pair is never forced on anyone.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linear_sum_assignment
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ..audit import record_audit
from ..extensions import db
from ..models import Household, Match, MatchEvent, MatchStatus, Offer, User
from .ranking import RANKABLE_HOUSEHOLD_STATUSES, get_index, household_record

# A household with one of these matches is already on her way: she is not "unmatched".
ACTIVE_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.INTRODUCED, MatchStatus.ACCEPTED, MatchStatus.STARTED)
# Matches that hold one of an offer's places, or will once they start.
HOLDING_STATUSES = (*ACTIVE_MATCH_STATUSES, MatchStatus.COMPLETED)
MIN_SCORE = 0.3
BATCH_NOTE = "usulan massal"
_FORBIDDEN = -1e6


@dataclass
class Assignment:
    """One proposed pair of the batch."""

    household: Household
    offer: Offer
    score: float
    reasons: list[str]
    position: int  # where the offer stands among all her feasible offers

    @property
    def key(self) -> str:
        """``household:offer``, how the preview's tick boxes name the pair."""
        return f"{self.household.id}:{self.offer.id}"


@dataclass
class BatchPlan:
    """The allocation for a kecamatan, before (or without) writing it."""

    kecamatan_code: str
    assignments: list[Assignment]
    unmatched_households: int
    offers_considered: int
    places_available: int

    @property
    def total_score(self) -> float:
        """The total fit the allocation maximised."""
        return round(sum(a.score for a in self.assignments), 6)

    @property
    def offers_used(self) -> int:
        """How many different offers get at least one proposal."""
        return len({a.offer.id for a in self.assignments})

    @property
    def households_left(self) -> int:
        """Households without a match under way that get no proposal from this plan."""
        return self.unmatched_households - len(self.assignments)

    @property
    def fingerprint(self) -> str:
        """A short digest of the pairs: confirming checks that the preview is still what gets written."""
        pairs = ",".join(f"{a.household.id}:{a.offer.id}" for a in self.assignments)
        return hashlib.sha256(pairs.encode()).hexdigest()[:16]


class PlanChanged(RuntimeError):
    """The data changed between the preview and the confirmation: the new plan is attached."""

    def __init__(self, plan: BatchPlan) -> None:
        super().__init__("the batch plan changed since the preview")
        self.plan = plan


def solve(scores: np.ndarray, allowed: np.ndarray, capacities: list[int]) -> list[tuple[int, int]]:
    """Rows (households) to columns (offers) with the greatest total score within capacities.

    ``scores`` and ``allowed`` are households x offers; ``capacities[j]`` is how many
    households offer ``j`` may take. Returns ``(row, column)`` pairs, rows in order.
    """
    n_rows, n_cols = scores.shape
    if n_rows == 0 or n_cols == 0:
        return []
    # A household can fill at most one place of an offer, so more places than households are moot.
    columns = [j for j in range(n_cols) for _ in range(min(max(capacities[j], 0), n_rows))]
    if not columns:
        return []
    value = np.where(allowed, scores, _FORBIDDEN)[:, columns]
    nobody = np.zeros((n_rows, n_rows))
    rows, picked = linear_sum_assignment(np.hstack([value, nobody]), maximize=True)
    return [
        (int(r), columns[c]) for r, c in zip(rows, picked, strict=True)
        if c < len(columns) and value[r, c] > _FORBIDDEN / 2
    ]


def unmatched_households(kecamatan_code: str) -> list[Household]:
    """Households of the kecamatan that can be proposed something and have no match under way."""
    busy = select(Match.household_id).where(Match.status.in_(ACTIVE_MATCH_STATUSES))
    return list(db.session.scalars(
        select(Household)
        .where(
            Household.desa_code.startswith(kecamatan_code + "."),
            Household.status.in_(RANKABLE_HOUSEHOLD_STATUSES),
            Household.id.not_in(busy),
        )
        .options(selectinload(Household.skills), joinedload(Household.desa))
        .order_by(Household.id)
    ))


def plan_batch(kecamatan_code: str, lang: str = "id", min_score: float = MIN_SCORE) -> BatchPlan:
    """Compute (without writing) the best capacity-respecting proposals for the kecamatan."""
    households = unmatched_households(kecamatan_code)
    index = get_index()
    with index.lock:
        ranker = index.ready()
        offer_ids = [record.id for record in ranker.live_offer_records()]
        plan = BatchPlan(kecamatan_code, [], len(households), 0, 0)
        if not households or not offer_ids:
            return plan
        holding = dict(db.session.execute(
            select(Match.offer_id, func.count()).where(Match.status.in_(HOLDING_STATUSES)).group_by(Match.offer_id)
        ).all())
        offer_rows = {o.id: o for o in db.session.scalars(select(Offer).where(Offer.id.in_([int(i) for i in offer_ids]))
                                                          .options(joinedload(Offer.organization)))}
        capacities = [max(offer_rows[int(oid)].places - holding.get(int(oid), 0), 0) for oid in offer_ids]
        existing: dict[int, set[str]] = defaultdict(set)
        for household_id, offer_id in db.session.execute(
            select(Match.household_id, Match.offer_id).where(Match.household_id.in_([h.id for h in households]))
        ):
            existing[household_id].add(str(offer_id))
        records = [household_record(h) for h in households]
        scores = np.zeros((len(households), len(offer_ids)))
        allowed = np.zeros_like(scores, dtype=bool)
        feasible_all = np.zeros_like(scores, dtype=bool)
        for i, (household, record) in enumerate(zip(households, records, strict=True)):
            ids, row, feasible = ranker.score_offers(record, offer_ids)
            scores[i] = row
            feasible_all[i] = feasible
            taken_before = np.array([oid in existing[household.id] for oid in ids])
            allowed[i] = feasible & (row >= min_score) & ~taken_before
        allowed &= np.array(capacities) > 0
        pairs = solve(scores, allowed, capacities)
        plan.offers_considered = int(allowed.any(axis=0).sum())
        plan.places_available = int(sum(c for c, used in zip(capacities, allowed.any(axis=0), strict=True) if used))
        for i, j in pairs:
            position = 1 + int(np.sum(scores[i][feasible_all[i]] > scores[i, j]))
            explained = ranker.explain_pair(records[i], offer_ids[j], lang)
            plan.assignments.append(Assignment(households[i], offer_rows[int(offer_ids[j])], float(scores[i, j]),
                                               explained.reasons, position))
    return plan


def apply_batch(actor: User | None, kecamatan_code: str, expected_fingerprint: str | None = None,
                lang: str = "id", only: Collection[str] | None = None) -> BatchPlan:
    """Recompute the plan and write it: one ``proposed`` match and its first event per pair, in one transaction.

    With ``expected_fingerprint`` (from the preview), raises :class:`PlanChanged` instead of
    writing when the plan is no longer the one that was shown. With ``only`` (the pairs the
    coordinator left ticked, as :attr:`Assignment.key`), writes just those of the plan. Returns
    the plan with the written pairs as its assignments.
    """
    plan = plan_batch(kecamatan_code, lang=lang)
    if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
        raise PlanChanged(plan)
    if only is not None:
        chosen = set(only)
        plan = replace(plan, assignments=[a for a in plan.assignments if a.key in chosen])
    actor_id = actor.id if actor is not None else None
    try:
        for a in plan.assignments:
            match = Match(
                household_id=a.household.id,
                offer_id=a.offer.id,
                status=MatchStatus.PROPOSED,
                score=a.score,
                shown_position=a.position,
                reasons=a.reasons,
                created_by_id=actor_id,
            )
            match.events.append(MatchEvent(actor_id=actor_id, from_status=None, to_status=MatchStatus.PROPOSED,
                                           note=BATCH_NOTE))
            db.session.add(match)
        record_audit(actor, "matches.propose_batch", "region", None, kecamatan=kecamatan_code,
                     proposals=len(plan.assignments))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return plan


@dataclass
class PlannedBatch:
    """A plan as the queue's job computed it (ids, scores, reasons), for the preview page.

    Only the page shown loads its households and offers; a household or offer deleted since the
    job ran is left out of the page (confirming recomputes the plan and checks its fingerprint).
    """

    kecamatan_code: str
    fingerprint: str
    pairs: list[list]
    unmatched_households: int
    offers_considered: int
    places_available: int

    @classmethod
    def from_result(cls, result: dict) -> PlannedBatch:
        """The plan of a finished ``matches.plan_batch`` job's result."""
        return cls(result["kecamatan"], result["fingerprint"], list(result.get("pairs", [])),
                   int(result.get("unmatched_households", 0)), int(result.get("offers_considered", 0)),
                   int(result.get("places_available", 0)))

    @property
    def assignments(self) -> list[list]:
        """The planned pairs (household id, offer id, score, position, reasons)."""
        return self.pairs

    @property
    def offers_used(self) -> int:
        """How many different offers get at least one proposal."""
        return len({pair[1] for pair in self.pairs})

    @property
    def households_left(self) -> int:
        """Households without a match under way that get no proposal from this plan."""
        return self.unmatched_households - len(self.pairs)

    def load(self, pairs: list[list]) -> list[Assignment]:
        """``pairs`` (a page of :attr:`pairs`) with their households and offers, in order."""
        households = {h.id: h for h in db.session.scalars(
            select(Household).where(Household.id.in_([p[0] for p in pairs])).options(joinedload(Household.desa)))}
        offers = {o.id: o for o in db.session.scalars(
            select(Offer).where(Offer.id.in_([p[1] for p in pairs])).options(joinedload(Offer.organization)))}
        return [Assignment(households[h], offers[o], float(score), list(reasons), int(position))
                for h, o, score, position, reasons in pairs if h in households and o in offers]
