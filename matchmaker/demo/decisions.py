"""A season of facilitators' decisions on the demo district's proposals, for the ranker to learn from.

Over the last twelve weeks each facilitator opened the proposal list of some of her
households, as the app shows it (the engine's top 10 in order), looked at the first
offers more often than the last (:func:`~matchmaker.matching.simulation.looked_at`) and
confirmed or declined them. What she decides follows what the demo's own plans say fits
(an offer template names the personas it suits) and how far the offer is: the demo's
facilitators weigh closeness more than the engine's defaults do (mothers of young
children rarely take work outside their kecamatan). Draws are seeded, so two loads give the
same season; the decisions are written only with the households they are about.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, joinedload, selectinload

from ..matching import MatchRanker
from ..matching.simulation import looked_at
from ..models import Household, Offer, OfferStatus, RankingDecision, RankingDecisionKind, Role

SEASON_WEEKS = 12
HOUSEHOLD_SHARE = 0.6  # of the new households, those whose list a facilitator went through
MISSING_SHARE = 0.1
# Chance that she confirms, by (the offer suits her persona, how far it is: 0 desa, 1 kecamatan, 2 kabupaten).
CONFIRM = {(True, 0): 0.9, (True, 1): 0.75, (True, 2): 0.2, (False, 0): 0.25, (False, 1): 0.1, (False, 2): 0.02}
REASONS_NOT_SUITED = ("not_interested", "schedule_conflict", "family_objection", "childcare", "other")


def write_decisions(session: Session, households: Sequence[tuple[Household, str]],
                    tags_by_offer: dict[int, tuple[str, ...]], today: dt.date, seed: int) -> int:
    """Write the season's decisions about ``households`` (each with its persona key); return how many."""
    from ..matches.ranking import household_record, offer_record

    offers = list(session.scalars(
        select(Offer).where(Offer.status == OfferStatus.OPEN)
        .options(selectinload(Offer.skills), joinedload(Offer.organization))
    ).unique())
    if not offers or not households:
        return 0
    ranker = MatchRanker().fit([offer_record(o, taken=0, pending=0) for o in offers])
    rng = random.Random(f"{seed}:decisions")  # noqa: S311 - demo data, not secrets
    start = dt.datetime.combine(today - dt.timedelta(weeks=SEASON_WEEKS), dt.time(1, 0))
    rows: list[dict[str, Any]] = []
    chosen = [pair for pair in households if rng.random() < HOUSEHOLD_SHARE]
    for n, (household, persona) in enumerate(chosen):
        # Facilitators work through their lists week by week, in the morning.
        opened = start + dt.timedelta(days=int(n * SEASON_WEEKS * 7 / max(1, len(chosen))),
                                      hours=rng.randrange(0, 6), minutes=rng.randrange(60))
        for position, match in enumerate(ranker.rank_offers(household_record(household), 10), start=1):
            if rng.random() >= looked_at(position) or rng.random() < MISSING_SHARE:
                continue
            offer_id = int(match.offer_id)
            offer = next(o for o in offers if o.id == offer_id)
            suits = persona in tags_by_offer.get(offer_id, ())
            distance = _distance(household.desa_code, offer.desa_code)
            yes = rng.random() < CONFIRM[(suits, distance)]
            reason = None
            if not yes:
                reason = "too_far" if suits and distance > 0 else rng.choice(REASONS_NOT_SUITED)
            rows.append({
                "household_id": household.id, "offer_id": offer_id, "actor_id": household.facilitator_id,
                "actor_role": Role.FACILITATOR,
                "decision": RankingDecisionKind.CONFIRMED if yes else RankingDecisionKind.DECLINED,
                "reason": reason, "shown_position": position, "shown_score": float(match.score),
                "created_at": opened + dt.timedelta(minutes=2 * position),
            })
    if rows:
        session.execute(insert(RankingDecision), rows)
    return len(rows)


def _distance(a: str, b: str) -> int:
    """0 same desa, 1 same kecamatan, 2 farther (codes are hierarchical: kab.kec.desa)."""
    if a == b:
        return 0
    return 1 if a.rsplit(".", 1)[0] == b.rsplit(".", 1)[0] else 2
