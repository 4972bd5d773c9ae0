"""A season of facilitators' decisions simulated from graded districts, and learning from them.

Pure engine code (no Flask, no database): the app's ``flask ranker simulate-learning``
command and the demo seed both build on it, and ``flask ranker train`` fits its weights
with :func:`fit_weights`.

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
from sklearn.linear_model import LogisticRegression

from .ranker import MatchRanker
from .schema import JudgmentSet
from .terms import DEFAULT_BIAS, DEFAULT_WEIGHTS, FEATURE_NAMES

CONFIRMED = "confirmed"
DECLINED = "declined"
WEAK_CONFIRM_SHARE = 0.3
WEAK_DECLINE_REASON = "not_interested"
# The text and concept weights scale the index as square roots: they cannot go negative.
NON_NEGATIVE = ("text", "concept")


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


def simulate_decisions(js: JudgmentSet, reasons: Sequence[str], k: int = 10, seed: int = 0,
                       weak_confirm_share: float = WEAK_CONFIRM_SHARE,
                       ranker: MatchRanker | None = None) -> list[SimulatedDecision]:
    """The decisions facilitators would make on ``js``'s households shown the ranker's top ``k``.

    ``reasons``: the decline reason codes a facilitator picks from for an unsuitable offer
    (the app's ``HOUSEHOLD_DECLINE_REASONS``). See the module docstring for the rules.
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
            if grade >= 2:
                decision, reason = CONFIRMED, None
            elif grade == 0:
                decision, reason = DECLINED, reasons[rng.randrange(len(reasons))]
            elif rng.random() < weak_confirm_share:
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


def decision_features(js: JudgmentSet, decisions: Sequence[SimulatedDecision]
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X, position, y, incomplete)`` of ``decisions`` on ``js``, as :func:`fit_weights` takes them."""
    ranker = MatchRanker().fit(js.offers)
    households = {h.id: h for h in js.households}
    X = np.zeros((len(decisions), len(FEATURE_NAMES)))
    incomplete = np.zeros(len(decisions), dtype=bool)
    rows_of: dict[str, list[int]] = {}
    for i, d in enumerate(decisions):
        rows_of.setdefault(d.household_id, []).append(i)
    for household_id, rows in rows_of.items():
        _, features, _, is_incomplete = ranker.pair_features(households[household_id],
                                                             [decisions[i].offer_id for i in rows])
        X[rows] = features
        incomplete[rows] = is_incomplete
    position = np.array([position_discount(d.shown_position) for d in decisions])
    y = np.array([1 if d.decision == CONFIRMED else 0 for d in decisions], dtype=int)
    return X, position, y, incomplete


def fit_weights(X: np.ndarray, position: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, LogisticRegression]:
    """Logistic regression on standardised features plus position; weights back in raw units (bias last).

    The position is a feature so that "she took it because it was first" is not mistaken
    for fit; ranking happens without a position, so its term is folded into the bias as if
    the proposal were shown first (discount 1).
    """
    design = np.column_stack([X, position])
    mean = design.mean(axis=0)
    std = design.std(axis=0)
    std[std == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit((design - mean) / std, y)
    coef = model.coef_[0] / std
    bias = float(model.intercept_[0] - np.sum(model.coef_[0] * mean / std))
    weights = coef[:-1].copy()
    for name in NON_NEGATIVE:
        i = FEATURE_NAMES.index(name)
        weights[i] = max(weights[i], 0.0)
    bias += coef[-1] * 1.0
    return np.array([*weights, bias]), model


def rule_weight_vector(load_penalty: float | None = None) -> np.ndarray:
    """The rule-based weight vector (in :data:`FEATURE_NAMES` order) and, last, its bias."""
    load = MatchRanker().load_penalty if load_penalty is None else load_penalty
    return np.array([*(load if name == "load" else DEFAULT_WEIGHTS[name] for name in FEATURE_NAMES), DEFAULT_BIAS])


def learned_ranker(weights: np.ndarray, **params: Any) -> MatchRanker:
    """A ranker scoring with a learned weight vector (bias last); constraints and reasons are unchanged."""
    named = {name: float(w) for name, w in zip(FEATURE_NAMES, weights[:-1], strict=True)}
    load = named.pop("load")
    return MatchRanker(weights={**named, "bias": float(weights[-1])}, load_penalty=load, **params)


def train_on(sets: Sequence[JudgmentSet], reasons: Sequence[str], k: int = 10, seed: int = 0
             ) -> tuple[np.ndarray, int]:
    """Learned weights (bias last) from the simulated seasons of ``sets``, and the number of decisions."""
    parts = []
    for js in sets:
        decisions = simulate_decisions(js, reasons, k=k, seed=seed)
        if decisions:
            parts.append(decision_features(js, decisions))
    if not parts:
        raise ValueError("the training districts gave no decisions")
    X = np.vstack([p[0] for p in parts])
    position = np.concatenate([p[1] for p in parts])
    y = np.concatenate([p[2] for p in parts])
    if len(set(y.tolist())) < 2:
        raise ValueError("the training decisions are all of one kind")
    weights, _ = fit_weights(X, position, y)
    return weights, int(y.size)


# The learned weights must beat the rule-based ones by this much mean NDCG@10 on districts
# they were not trained on, with no violation anywhere, to be worth adopting.
MIN_NDCG_GAIN = 0.005


@dataclass
class HeldOutResult:
    """One district ranked before (rule-based) and after (learned from the other districts)."""

    name: str
    n_train_decisions: int
    before: dict[str, float]
    after: dict[str, float]
    weights: np.ndarray


def leave_one_district_out(sets: Sequence[JudgmentSet], reasons: Sequence[str], k: int = 10,
                           seed: int = 0) -> list[HeldOutResult]:
    """For each district: learn from the simulated seasons of the others, rank it before and after."""
    from .evaluation import ranker_rankings, score_rankings  # evaluation imports the ranker, not us

    results = []
    for i, test in enumerate(sets):
        weights, n = train_on([js for j, js in enumerate(sets) if j != i], reasons, k=k, seed=seed)
        before = score_rankings(test, ranker_rankings(test, k), k)
        after = score_rankings(test, ranker_rankings(test, k, learned_ranker(weights)), k)
        results.append(HeldOutResult(test.name, n, before, after, weights))
    return results


def learning_helps(results: Sequence[HeldOutResult], min_gain: float = MIN_NDCG_GAIN) -> bool:
    """Whether the learned weights beat the rules on held-out districts: mean NDCG up, no violation."""
    if not results:
        return False
    before = float(np.mean([r.before["ndcg"] for r in results]))
    after = float(np.mean([r.after["ndcg"] for r in results]))
    return after >= before + min_gain and all(r.after["violations"] == 0 for r in results)
