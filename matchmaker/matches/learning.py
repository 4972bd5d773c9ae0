"""Learning a correction of the ranker's weights from the decisions people made on proposals.

The one training service: ``flask ranker train`` and the demo seed both call :func:`train`.

Each :class:`~matchmaker.models.RankingDecision` is one labelled pair: confirmed or
accepted is a yes, declined or rejected a no. The pair's features are the engine's own
score terms (:meth:`MatchRanker.pair_features`), computed on the household and offer as
they are now. The learner (:class:`matchmaker.matching.learner.EngineCorrection`) compares
a yes with a no shown to the same woman and learns a small, regularised correction of the
engine's weights; its penalty is chosen by cross-validation over households, and it keeps
the engine's weights unless the correction wins there (its own guard).

A second guard, on data it never saw: the households decided on last (about 20% of the
decisions) are held out, and the corrected weights are adopted only when they order the
held-out yes/no pairs better than the engine does. The model is then written to
``instance/ranker-model.pkl``; otherwise any model file is removed and the engine's
weights stand. Constraints and reasons never depend on the model: the learned weights
only change the score, the masks and the reasons come from the engine's terms.
"""

from __future__ import annotations

import pickle  # noqa: S403 - the model file is written by our own train command, in the instance folder
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..matching import MatchRanker
from ..matching.learner import EngineCorrection, pairwise_accuracy, shown_pairs
from ..matching.ranker import FEATURE_NAMES
from ..matching.simulation import rule_weight_vector
from ..matching.terms import DEFAULT_BIAS
from ..models import Household, Offer, RankingDecision, RankingDecisionKind, utcnow
from .ranking import household_record, offer_record, pending_by_organization, taken_by_offer

MODEL_FORMAT = "matchmaker-ranker-model/2"
MIN_DECISIONS = 200
HOLDOUT_SHARE = 0.2


@dataclass
class TrainingReport:
    """What ``flask ranker train`` found: the figures and whether the model is now used.

    Accuracies are pairwise: the share of (confirmed, declined) pairs shown to the same
    woman that a weight vector orders right.
    """

    n_decisions: int
    n_train: int = 0
    n_holdout: int = 0
    cv_engine: float | None = None  # cross-validated inside the training households
    cv_model: float | None = None
    rule_accuracy: float | None = None  # on the held-out households
    model_accuracy: float | None = None
    n_holdout_pairs: int = 0
    adopted: bool = False
    reason: str = ""  # "adopted", "too_few", "one_class", "no_pairs", "not_better"
    path: Path | None = None

    def message(self) -> str:
        """A one-line, plain explanation of the outcome."""
        if self.reason == "too_few":
            return (f"Refused: {self.n_decisions} decisions, at least {MIN_DECISIONS} are needed. "
                    "The rule-based weights stay in use.")
        if self.reason == "one_class":
            return ("Refused: the training or hold-out decisions are all of one kind (all yes or all no), "
                    "so no comparison is possible. The rule-based weights stay in use.")
        if self.reason == "no_pairs":
            return ("Refused: no woman has both a confirmed and a declined offer in the hold-out, "
                    "so no comparison is possible. The rule-based weights stay in use.")
        figures = (f"pairwise accuracy {self.model_accuracy:.3f} against the rules' {self.rule_accuracy:.3f} "
                   f"on {self.n_holdout_pairs} pairs about the households decided on last")
        if self.reason == "not_better":
            return f"Refused: the learned correction does not beat the rule-based weights ({figures}). " \
                   "The rule-based weights stay in use."
        return f"Adopted: the learned correction beats the rule-based weights ({figures}); saved to {self.path}."


@dataclass
class _Examples:
    X: np.ndarray  # pair features, one row per decision, oldest first
    y: np.ndarray
    household: np.ndarray  # the household each decision is about


def decision_examples() -> _Examples:
    """Pair features and labels of every stored decision, oldest first."""
    decisions = list(db.session.scalars(
        select(RankingDecision).order_by(RankingDecision.created_at, RankingDecision.id)
    ))
    n = len(decisions)
    if n == 0:
        return _Examples(np.zeros((0, len(FEATURE_NAMES))), np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    offer_ids = sorted({d.offer_id for d in decisions})
    household_ids = sorted({d.household_id for d in decisions})
    offers = list(db.session.scalars(
        select(Offer).where(Offer.id.in_(offer_ids)).options(selectinload(Offer.skills),
                                                              joinedload(Offer.organization))
    ).unique())
    taken = taken_by_offer(offer_ids)
    pending = pending_by_organization()
    # Features only: whether the offer is still proposable does not matter here.
    records = [offer_record(o, taken=taken.get(o.id, 0), pending=pending.get(o.organization_id, 0)) for o in offers]
    ranker = MatchRanker().fit(records)
    households = {
        h.id: household_record(h)
        for h in db.session.scalars(
            select(Household).where(Household.id.in_(household_ids)).options(selectinload(Household.skills))
        )
    }
    X = np.zeros((n, len(FEATURE_NAMES)))
    by_household: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(decisions):
        by_household[d.household_id].append(i)
    for household_id, rows in by_household.items():
        _, features, _, _ = ranker.pair_features(households[household_id], [str(decisions[i].offer_id) for i in rows])
        X[rows] = features
    y = np.array([1 if d.decision in RankingDecisionKind.POSITIVE else 0 for d in decisions])
    return _Examples(X, y, np.array([d.household_id for d in decisions], dtype=int))


def rule_weights() -> np.ndarray:
    """The rule-based weight vector (in :data:`FEATURE_NAMES` order) and, last, its bias."""
    return rule_weight_vector()


def household_split(household_ids: np.ndarray, share: float = HOLDOUT_SHARE) -> np.ndarray:
    """A mask of the hold-out decisions: those about the households decided on last.

    ``household_ids`` is in time order. Households are taken from the newest first
    decision backwards until about ``share`` of the decisions are held out; at least one
    household is always kept for training.
    """
    first_seen: dict[int, int] = {}
    for i, hid in enumerate(household_ids.tolist()):
        first_seen.setdefault(hid, i)
    counts: dict[int, int] = defaultdict(int)
    for hid in household_ids.tolist():
        counts[hid] += 1
    target = share * household_ids.size
    held: set[int] = set()
    n_held = 0
    for hid in sorted(first_seen, key=first_seen.__getitem__, reverse=True)[:-1]:
        if n_held >= target:
            break
        held.add(hid)
        n_held += counts[hid]
    return np.isin(household_ids, list(held))


def train(model_path: Path, min_decisions: int = MIN_DECISIONS) -> TrainingReport:
    """Fit the correction, check it on the held-out households and save it only when it wins."""
    examples = decision_examples()
    n = int(examples.y.size)
    report = TrainingReport(n_decisions=n)
    if n < min_decisions:
        report.reason = "too_few"
        model_path.unlink(missing_ok=True)
        return report
    held = household_split(examples.household)
    report.n_train, report.n_holdout = int((~held).sum()), int(held.sum())
    train_y, hold_y = examples.y[~held], examples.y[held]
    if len(set(train_y.tolist())) < 2 or len(set(hold_y.tolist())) < 2:
        report.reason = "one_class"
        model_path.unlink(missing_ok=True)
        return report
    engine = rule_weights()
    learner = EngineCorrection(engine[:-1]).fit(examples.X[~held], train_y, examples.household[~held])
    better, worse = shown_pairs(hold_y, examples.household[held])
    report.n_holdout_pairs = int(better.size)
    if not better.size:
        report.reason = "no_pairs"
        model_path.unlink(missing_ok=True)
        return report
    D = examples.X[held][better] - examples.X[held][worse]
    report.cv_engine, report.cv_model = learner.cv_engine_, learner.cv_model_
    report.rule_accuracy = pairwise_accuracy(D, engine[:-1])
    report.model_accuracy = pairwise_accuracy(D, learner.weights_)
    if not learner.adopted_ or report.model_accuracy <= report.rule_accuracy:
        report.reason = "not_better"
        # A model that no longer wins must not stay in use either.
        model_path.unlink(missing_ok=True)
        return report
    payload = {
        "format": MODEL_FORMAT,
        "features": list(FEATURE_NAMES),
        "weights": {**learner.weight_dict(), "bias": float(DEFAULT_BIAS)},
        # The engine the correction was learned on: a model of another engine is not used.
        "engine_weights": {name: float(w) for name, w in zip(FEATURE_NAMES, engine[:-1], strict=True)},
        "correction": {name: float(d) for name, d in zip(FEATURE_NAMES, learner.delta_, strict=True)},
        "alpha": learner.alpha_,
        "n_decisions": n,
        "n_train": report.n_train,
        "n_holdout": report.n_holdout,
        "n_holdout_pairs": report.n_holdout_pairs,
        "cv_engine": report.cv_engine,
        "cv_model": report.cv_model,
        "rule_accuracy": report.rule_accuracy,
        "model_accuracy": report.model_accuracy,
        "fitted_at": utcnow().isoformat(timespec="seconds"),
    }
    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(payload, handle)
    tmp.replace(model_path)  # atomic: a worker never reads half a file
    report.adopted, report.reason, report.path = True, "adopted", model_path
    return report


def read_model(path: Path) -> dict[str, Any] | None:
    """Read a saved model; None (rule-based weights) if it is unreadable or of another format."""
    try:
        with path.open("rb") as handle:
            payload = pickle.load(handle)  # noqa: S301 - our own file, see the module docstring
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
        return None
    if payload.get("features") != list(FEATURE_NAMES):
        return None  # written by another version of the engine
    engine = {name: float(w) for name, w in zip(FEATURE_NAMES, rule_weights()[:-1], strict=True)}
    if payload.get("engine_weights") != engine:
        return None  # a correction of weights the engine no longer has: retrain
    return payload


def model_summary(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The model's metadata, for display (None: the rule-based weights are in use)."""
    if not payload:
        return None
    return dict(payload)

