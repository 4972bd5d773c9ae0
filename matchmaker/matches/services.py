"""Match services shared by the pages, the API and the CLI: decisions the ranker learns from, the
ranked lists the pages show (a household's proposals, an offer's candidates) and the matches a user sees."""

from __future__ import annotations

from sqlalchemy import Select, exists, false, or_, select

from ..extensions import db
from ..models import (
    Household,
    Match,
    MatchEvent,
    MatchStatus,
    Offer,
    OfferKind,
    RankingDecision,
    RankingDecisionKind,
    Role,
    User,
)
from ..refusals import Refusal
from ..scoping import region_within
from .ranking import CandidateProposal, Proposal, rank_households_for_offer, rank_offers_for_household

# How many ranked offers "Find partners" shows her, and how many candidates a partner's offer gets.
SHOWN = 20
CANDIDATES = 30
LOCALITY_TIERS = ("desa", "kecamatan", "kabupaten")

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


# --- The ranked lists the pages show ------------------------------------------------------------


def locality_tier(household: Household, offer: Offer) -> str:
    """How far the offer is from her: same ``desa``, same ``kecamatan``, else ``kabupaten``."""
    if household.desa_code == offer.desa_code:
        return "desa"
    if household.desa_code.rsplit(".", 1)[0] == offer.desa_code.rsplit(".", 1)[0]:
        return "kecamatan"
    return "kabupaten"


def household_proposals(household: Household, lang: str, *, kind: str | None = None,
                        tier: str | None = None) -> list[tuple[Proposal, str]]:
    """"Find partners": the offers ranked for her (at most :data:`SHOWN`), each with its locality tier.

    ``kind`` (an offer kind) and ``tier`` (one of :data:`LOCALITY_TIERS`) narrow the ranking;
    other values mean no filter, as on the page.
    """
    kind = kind if kind in OfferKind.ALL else None
    tier = tier if tier in LOCALITY_TIERS else None
    return [(proposal, locality_tier(household, proposal.offer)) for proposal in
            rank_offers_for_household(household, k=SHOWN, lang=lang, kind=kind, tier=tier)]


def propose_shown(actor: User, household: Household, offer: Offer, lang: str, *, kind: str | None = None,
                  tier: str | None = None, note: str | None = None) -> Match:
    """Propose ``offer`` to her if it is in the list she is shown now (same filters); commits.

    The position and score the decision log keeps are those of the list done again on the server,
    never taken from the caller. Raises :class:`~.workflow.WorkflowError` (``not_in_list`` when the
    offer is no longer in her list) before anything is written.
    """
    from . import workflow

    shown = {proposal.offer.id: proposal for proposal, _tier in household_proposals(household, lang, kind=kind,
                                                                                     tier=tier)}
    proposal = shown.get(offer.id)
    if proposal is None:
        raise workflow.WorkflowError("not_in_list")
    return workflow.propose(actor, household, offer, score=proposal.score, position=proposal.position,
                            reasons=proposal.reasons, note=note)


def offer_candidates(offer: Offer, lang: str) -> list[CandidateProposal]:
    """The ranked candidates a partner sees for its offer: households of facilitators' caseloads only."""
    ranked = rank_households_for_offer(offer, k=CANDIDATES * 2, lang=lang)
    return [c for c in ranked if c.household.facilitator_id is not None][:CANDIDATES]


def request_shown(actor: User, offer: Offer, household_id: int, lang: str, note: str | None = None) -> Match | None:
    """A partner asks for an introduction to one of its offer's shown candidates; commits.

    ``None`` when she is not among the candidates shown (a partner cannot reach other households
    by their id). Raises :class:`~.workflow.WorkflowError` as :func:`~.workflow.request_introduction`.
    """
    from . import workflow

    candidate = {c.household.id: c for c in offer_candidates(offer, lang)}.get(household_id)
    if candidate is None:
        return None
    return workflow.request_introduction(actor, candidate.household, offer, score=candidate.score,
                                         position=candidate.position, reasons=candidate.reasons, note=note)


# --- The matches a user sees ----------------------------------------------------------------------

# The partner inbox's groups, by state.
INBOX_GROUPS: dict[str, tuple[str, ...]] = {
    "to_answer": (MatchStatus.INTRODUCED,),
    "requests": (MatchStatus.PROPOSED,),
    "ongoing": (MatchStatus.ACCEPTED, MatchStatus.STARTED),
    "closed": (MatchStatus.DECLINED, MatchStatus.COMPLETED, MatchStatus.DROPPED),
}


def visible_matches_query(actor: User) -> Select:
    """The matches ``actor`` may open, as ``select(Match)``: the same rule as a match's page.

    The household's side: a facilitator's own households inside her area, a coordinator's
    area. A partner: its organization's matches once introduced, or requested by it. Anyone
    else: none.
    """
    from . import workflow

    statement = select(Match)
    if actor.role in workflow.FACILITATOR_SIDE:
        statement = statement.join(Household, Match.household_id == Household.id)
        if actor.role == Role.FACILITATOR:
            statement = statement.where(Household.facilitator_id == actor.id)
        return statement.where(region_within(Household.desa_code, actor.area_codes))
    if actor.role in workflow.PARTNER_SIDE and actor.organization_id is not None:
        introduced = exists().where(MatchEvent.match_id == Match.id, MatchEvent.to_status == MatchStatus.INTRODUCED)
        return (statement.join(Offer, Match.offer_id == Offer.id)
                .where(Offer.organization_id == actor.organization_id,
                       or_(Match.partner_request.is_(True), introduced)))
    return statement.where(false())

