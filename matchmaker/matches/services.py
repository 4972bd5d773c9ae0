"""Match services shared by the pages, the API and the CLI: decisions the ranker learns from."""

from __future__ import annotations

from ..extensions import db
from ..models import Household, Match, Offer, RankingDecision, RankingDecisionKind, Role, User
from ..refusals import Refusal

# Who may make which decision: the facilitator (or her coordinator) confirms or declines a
# proposal for the household; the partner accepts or rejects the introduction.
DECISIONS_BY_ROLE: dict[str, tuple[str, ...]] = {
    Role.FACILITATOR: (RankingDecisionKind.CONFIRMED, RankingDecisionKind.DECLINED),
    Role.COORDINATOR: (RankingDecisionKind.CONFIRMED, RankingDecisionKind.DECLINED),
    Role.ADMIN: (RankingDecisionKind.CONFIRMED, RankingDecisionKind.DECLINED),
    Role.BUSINESS: (RankingDecisionKind.ACCEPTED, RankingDecisionKind.REJECTED),
    Role.VILLAGE_OFFICE: (RankingDecisionKind.ACCEPTED, RankingDecisionKind.REJECTED),
}


class DecisionError(Refusal, ValueError):
    """A decision that cannot be recorded; ``code`` says why."""


def record_decision(
    actor: User,
    household: Household,
    offer: Offer,
    decision: str,
    *,
    match: Match | None = None,
    reason: str | None = None,
    shown_position: int | None = None,
    shown_score: float | None = None,
) -> RankingDecision:
    """Add one decision on a proposal to the session; the caller's transaction commits it.

    The match workflow calls this when a facilitator confirms or declines a proposal (with
    a reason code) and when a partner accepts or rejects one. Position and score default to
    those stored on ``match`` when it was proposed: the learner needs to know where the
    proposal was shown. Raises :class:`DecisionError` (``bad_decision``,
    ``not_allowed_for_role``, ``match_mismatch``) before writing anything.
    """
    if decision not in RankingDecisionKind.ALL:
        raise DecisionError("bad_decision")
    if decision not in DECISIONS_BY_ROLE.get(actor.role, ()):
        raise DecisionError("not_allowed_for_role")
    if match is not None:
        if match.household_id != household.id or match.offer_id != offer.id:
            raise DecisionError("match_mismatch")
        shown_position = match.shown_position if shown_position is None else shown_position
        shown_score = match.score if shown_score is None else shown_score
    row = RankingDecision(
        household_id=household.id,
        offer_id=offer.id,
        match_id=match.id if match is not None else None,
        actor_id=actor.id,
        actor_role=actor.role,
        decision=decision,
        reason=(reason or None) and reason[:40],
        shown_position=shown_position,
        shown_score=shown_score,
    )
    db.session.add(row)
    return row
