"""A season of facilitators' decisions simulated from graded districts, and learning from them.

Pure engine code (no Flask, no database): the app's ``flask ranker simulate-learning``
command and the demo seed both build on it; the learner itself is
:class:`~.learner.EngineCorrection`, which ``flask ranker train`` uses too.

How a facilitator is simulated: for each household of a ``matchmaker-judgments/1`` file
she is shown the rule-based ranker's top ``k`` in order, as the app shows it, and decides
on each graded offer as the decision log records it:

* grade 2 or 3 (a good or very good fit): confirmed;
* grade 0 (unsuitable): declined, with a reason code drawn from ``reasons``;
* grade 1 (possible but weak): a realistic mix. Confirmed with probability
  ``weak_confirm_share`` (0.3: facilitators sometimes take a weak offer when nothing
  better is near), otherwise declined as ``not_interested``;
* ungraded offers: no decision. The grader never looked at the pair, so neither does
  the simulated facilitator (the decision log only holds pairs someone acted on).

Two kinds of realistic noise (both on by default): *position bias*, she looks at the
offer shown at position ``p`` with probability ``look_top * p ** -look_decay`` (0.95 at
the top, about 0.43 at position 10), and *missing decisions*, a decision she made is
not recorded with probability ``missing_share`` (she decided on paper, or moved on).

Draws come from a :class:`random.Random` seeded per file, household and offer, so the
same file always gives the same season whatever the order the files are read in.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .learner import EngineCorrection
from .ranker import MatchRanker
from .schema import JudgmentSet
from .terms import DEFAULT_BIAS, DEFAULT_WEIGHTS, FEATURE_NAMES

CONFIRMED = "confirmed"
DECLINED = "declined"
WEAK_CONFIRM_SHARE = 0.3
WEAK_DECLINE_REASON = "not_interested"
LOOK_TOP = 0.95
LOOK_DECAY = 0.35
MISSING_SHARE = 0.1


@dataclass(frozen=True)
class SimulatedDecision:
    """One simulated decision, with the fields of a ``RankingDecision`` row."""

    household_id: str
    offer_id: str
    decision: str  # CONFIRMED or DECLINED
    reason: str | None
    shown_position: int  # 1-based, as the app stores it
    shown_score: float
    grade: int


def looked_at(position: int, look_top: float = LOOK_TOP, look_decay: float = LOOK_DECAY) -> float:
    """The chance that a facilitator looks at the offer shown at 1-based ``position``."""
    return min(1.0, look_top * position ** -look_decay)


def simulate_decisions(js: JudgmentSet, reasons: Sequence[str], k: int = 10, seed: int = 0,
                       weak_confirm_share: float = WEAK_CONFIRM_SHARE, ranker: MatchRanker | None = None,
                       look_top: float = LOOK_TOP, look_decay: float = LOOK_DECAY,
                       missing_share: float = MISSING_SHARE) -> list[SimulatedDecision]:
    """The decisions facilitators would make on ``js``'s households shown the ranker's top ``k``.

    ``reasons``: the decline reason codes a facilitator picks from for an unsuitable offer
    (the app's ``HOUSEHOLD_DECLINE_REASONS``). See the module docstring for the rules and
    the noise (``look_top=1, look_decay=0, missing_share=0``: none).
    """
    if not reasons:
        raise ValueError("at least one decline reason is needed")
    model = (ranker if ranker is not None else MatchRanker()).fit(js.offers)
    out: list[SimulatedDecision] = []
    for household in js.households:
        grades = js.judgments.get(household.id, {})
        for position, match in enumerate(model.rank_offers(household, k), start=1):
            grade = grades.get(match.offer_id)
            if grade is None:
                continue
            rng = random.Random(_seed(seed, js.name, household.id, match.offer_id))  # noqa: S311 - simulation
            # Drawn first and always, so the decision itself does not depend on the noise settings.
            looks, recorded, draw, pick = rng.random(), rng.random(), rng.random(), rng.randrange(len(reasons))
            if looks >= looked_at(position, look_top, look_decay) or recorded < missing_share:
                continue
            if grade >= 2:
                decision, reason = CONFIRMED, None
            elif grade == 0:
                decision, reason = DECLINED, reasons[pick]
            elif draw < weak_confirm_share:
                decision, reason = CONFIRMED, None
            else:
                decision, reason = DECLINED, WEAK_DECLINE_REASON
            out.append(SimulatedDecision(household.id, match.offer_id, decision, reason, position,
                                         float(match.score), int(grade)))
    return out


def _seed(seed: int, *parts: str) -> int:
    digest = hashlib.sha256("\x1f".join([str(seed), *parts]).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big")


def position_discount(position: int | None) -> float:
    """The DCG discount: how much more a proposal is looked at for being near the top (0 if unknown)."""
    return 1.0 / math.log2(position + 1) if position and position > 0 else 0.0


def decision_features(js: JudgmentSet, decisions: Sequence[SimulatedDecision]) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of ``decisions`` on ``js``: the engine's pair terms and 1 confirmed / 0 declined."""
    ranker = MatchRanker().fit(js.offers)
    households = {h.id: h for h in js.households}
    X = np.zeros((len(decisions), len(FEATURE_NAMES)))
    rows_of: dict[str, list[int]] = {}
    for i, d in enumerate(decisions):
        rows_of.setdefault(d.household_id, []).append(i)
    for household_id, rows in rows_of.items():
        _, features, _, _ = ranker.pair_features(households[household_id], [decisions[i].offer_id for i in rows])
        X[rows] = features
    y = np.array([1 if d.decision == CONFIRMED else 0 for d in decisions], dtype=int)
    return X, y


def rule_weight_vector(load_penalty: float | None = None) -> np.ndarray:
    """The rule-based weight vector (in :data:`FEATURE_NAMES` order) and, last, its bias."""
    load = MatchRanker().load_penalty if load_penalty is None else load_penalty
    return np.array([*(load if name == "load" else DEFAULT_WEIGHTS[name] for name in FEATURE_NAMES), DEFAULT_BIAS])


def learned_ranker(weights: np.ndarray, **params: Any) -> MatchRanker:
    """A ranker scoring with a learned weight vector (bias last); constraints and reasons are unchanged."""
    named = {name: float(w) for name, w in zip(FEATURE_NAMES, weights[:-1], strict=True)}
    load = named.pop("load")
    return MatchRanker(weights={**named, "bias": float(weights[-1])}, load_penalty=load, **params)


def train_on(sets: Sequence[JudgmentSet], reasons: Sequence[str], k: int = 10, seed: int = 0,
             **noise: float) -> tuple[EngineCorrection, int]:
    """The correction learned from the simulated seasons of ``sets`` (one CV fold per district), and
    the number of decisions. ``noise``: the noise settings of :func:`simulate_decisions`."""
    Xs, ys, groups, domains = [], [], [], []
    for n, js in enumerate(sets):
        decisions = simulate_decisions(js, reasons, k=k, seed=seed, **noise)
        if not decisions:
            continue
        X, y = decision_features(js, decisions)
        Xs.append(X)
        ys.append(y)
        groups.extend(f"{n}:{d.household_id}" for d in decisions)
        domains.extend([n] * len(decisions))
    if not Xs:
        raise ValueError("the training districts gave no decisions")
    y = np.concatenate(ys)
    learner = EngineCorrection(rule_weight_vector()[:-1]).fit(np.vstack(Xs), y, np.array(groups),
                                                               domains=np.array(domains))
    return learner, int(y.size)


def weight_vector(learner: EngineCorrection) -> np.ndarray:
    """The learner's weights with the engine's bias last, as :func:`learned_ranker` takes them."""
    return np.array([*learner.weights_, DEFAULT_BIAS])


@dataclass
class HeldOutResult:
    """One district ranked before (rule-based) and after (learned from the other districts)."""

    name: str
    n_train_decisions: int
    before: dict[str, float]
    after: dict[str, float]
    weights: np.ndarray
    adopted: bool = False  # whether the learner's own guard let the correction through
    cv_gain: float = 0.0  # its held-out pairwise-accuracy gain inside the training districts


def held_out_result(test: JudgmentSet, train: Sequence[JudgmentSet], reasons: Sequence[str], k: int = 10,
                    seed: int = 0, **noise: float) -> HeldOutResult:
    """Learn from the simulated seasons of ``train``, rank ``test`` before and after."""
    from .evaluation import ranker_rankings, score_rankings  # evaluation imports the ranker, not us

    learner, n = train_on(train, reasons, k=k, seed=seed, **noise)
    weights = weight_vector(learner)
    before = score_rankings(test, ranker_rankings(test, k), k)
    after = score_rankings(test, ranker_rankings(test, k, learned_ranker(weights)), k) if learner.adopted_ else before
    return HeldOutResult(test.name, n, before, after, weights, learner.adopted_, learner.cv_gain_)


def leave_one_district_out(sets: Sequence[JudgmentSet], reasons: Sequence[str], k: int = 10,
                           seed: int = 0, **noise: float) -> list[HeldOutResult]:
    """For each district: learn from the simulated seasons of the others, rank it before and after."""
    return [held_out_result(test, [js for j, js in enumerate(sets) if j != i], reasons, k=k, seed=seed, **noise)
            for i, test in enumerate(sets)]


def learning_helps(results: Sequence[HeldOutResult]) -> bool:
    """Whether learning ranked the held-out districts better on average, never worse by much, with no violation."""
    if not results:
        return False
    gains = [r.after["ndcg"] - r.before["ndcg"] for r in results]
    return float(np.mean(gains)) > 0 and min(gains) > -0.01 and all(r.after["violations"] == 0 for r in results)
