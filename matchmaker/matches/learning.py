"""Learning the ranker's weights from the decisions people made on proposals.

Each :class:`~matchmaker.models.RankingDecision` is one labelled pair: confirmed or
accepted is a yes, declined or rejected a no. The pair's features come from the engine
(:meth:`MatchRanker.pair_features`), computed on the household and offer as they are
now. A logistic regression (:func:`matchmaker.matching.simulation.fit_weights`) is fitted
on the decisions about the households decided on first, with the position the proposal
was shown at as an extra feature so that "she only accepted it because it was first" is
not mistaken for fit; the position is then left out when ranking.

The learned weights replace the rule-based ones only when there are enough decisions
and they rank the hold-out better than the rule-based score does, by ROC AUC. The
hold-out is the households decided on last (about 20% of the decisions): no decision
about a held-out woman is in the training set, so the comparison measures how the model
does on households it has not seen, never how well it fits its own training data. The
model is then written to ``instance/ranker-model.pkl``; otherwise any model
file is removed and the rule-based weights stand.
"""

from __future__ import annotations

import pickle  # noqa: S403 - the model file is written by our own train command, in the instance folder
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..matching import MatchRanker
from ..matching.ranker import FEATURE_NAMES
from ..matching.simulation import fit_weights, position_discount, rule_weight_vector
from ..models import Household, Offer, RankingDecision, RankingDecisionKind, utcnow
from .ranking import household_record, offer_record, pending_by_organization, taken_by_offer

MODEL_FORMAT = "matchmaker-ranker-model/1"
MIN_DECISIONS = 200
HOLDOUT_SHARE = 0.2
# The learned weights must beat the rule-based score by at least this much AUC: a
# difference smaller than that on a few dozen hold-out decisions is noise.
MIN_GAIN = 0.01


@dataclass
class TrainingReport:
    """What ``flask ranker train`` found: the figures and whether the model is now used."""

    n_decisions: int
    n_train: int = 0
    n_holdout: int = 0
    rule_auc: float | None = None
    model_auc: float | None = None
    adopted: bool = False
    reason: str = ""  # "adopted", "too_few", "one_class", "not_better"
    path: Path | None = None

    def message(self) -> str:
        """A one-line, plain explanation of the outcome."""
        if self.reason == "too_few":
            return (f"Refused: {self.n_decisions} decisions, at least {MIN_DECISIONS} are needed. "
                    "The rule-based weights stay in use.")
        if self.reason == "one_class":
            return ("Refused: the training or hold-out decisions are all of one kind (all yes or all no), "
                    "so no comparison is possible. The rule-based weights stay in use.")
        if self.reason == "not_better":
            return (f"Refused: the learned model (AUC {self.model_auc:.3f}) does not beat the rule-based score "
                    f"(AUC {self.rule_auc:.3f}) on the {self.n_holdout} decisions "
                    "about the households decided on last. "
                    "The rule-based weights stay in use.")
        return (f"Adopted: the learned model (AUC {self.model_auc:.3f}) beats the rule-based score "
                f"(AUC {self.rule_auc:.3f}) on the {self.n_holdout} decisions "
                f"about the households decided on last; saved to {self.path}.")


@dataclass
class _Examples:
    X: np.ndarray  # pair features, one row per decision, oldest first
    position: np.ndarray  # the position discount the proposal was shown with
    y: np.ndarray
    incomplete: np.ndarray
    household: np.ndarray  # the household each decision is about


def decision_examples() -> _Examples:
    """Pair features and labels of every stored decision, oldest first."""
    decisions = list(db.session.scalars(
        select(RankingDecision).order_by(RankingDecision.created_at, RankingDecision.id)
    ))
    n = len(decisions)
    if n == 0:
        return _Examples(np.zeros((0, len(FEATURE_NAMES))), np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, bool),
                         np.zeros(0, dtype=int))
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
    incomplete = np.zeros(n, dtype=bool)
    by_household: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(decisions):
        by_household[d.household_id].append(i)
    for household_id, rows in by_household.items():
        ids, features, _, is_incomplete = ranker.pair_features(
            households[household_id], [str(decisions[i].offer_id) for i in rows]
        )
        X[rows] = features
        incomplete[rows] = is_incomplete
    position = np.array([position_discount(d.shown_position) for d in decisions])
    y = np.array([1 if d.decision in RankingDecisionKind.POSITIVE else 0 for d in decisions])
    return _Examples(X, position, y, incomplete, np.array([d.household_id for d in decisions], dtype=int))


def rule_weights() -> np.ndarray:
    """The rule-based weight vector (in :data:`FEATURE_NAMES` order) and, last, its bias."""
    return rule_weight_vector()


def _scores(X: np.ndarray, incomplete: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The scores the app would show with ``weights`` (bias last)."""
    raw = X @ weights[:-1] + weights[-1]
    scores = 1.0 / (1.0 + np.exp(-raw))
    return np.where(incomplete, scores * 0.5, scores)


def household_split(household_ids: np.ndarray, share: float = HOLDOUT_SHARE) -> np.ndarray:
    """A mask of the hold-out decisions: those about the households decided on last.

    ``household_ids`` is in time order. Households are taken from the newest first
    decision backwards until about ``share`` of the decisions are held out; at least one
    household is always kept for training.
    """
    first_seen: dict[int, int] = {}
    for i, hid in enumerate(household_ids.tolist()):
        first_seen.setdefault(hid, i)
    counts = defaultdict(int)
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
    """Fit, compare on the held-out households and save the model only when it wins."""
    examples = decision_examples()
    n = int(examples.y.size)
    report = TrainingReport(n_decisions=n)
    if n < min_decisions:
        report.reason = "too_few"
        return report
    held = household_split(examples.household)
    report.n_train, report.n_holdout = int((~held).sum()), int(held.sum())
    train_y, hold_y = examples.y[~held], examples.y[held]
    if len(set(train_y.tolist())) < 2 or len(set(hold_y.tolist())) < 2:
        report.reason = "one_class"
        return report
    weights, model = fit_weights(examples.X[~held], examples.position[~held], train_y)
    hold_X, hold_incomplete = examples.X[held], examples.incomplete[held]
    report.rule_auc = float(roc_auc_score(hold_y, _scores(hold_X, hold_incomplete, rule_weights())))
    report.model_auc = float(roc_auc_score(hold_y, _scores(hold_X, hold_incomplete, weights)))
    if report.model_auc < report.rule_auc + MIN_GAIN:
        report.reason = "not_better"
        # A model that no longer wins must not stay in use either.
        model_path.unlink(missing_ok=True)
        return report
    payload = {
        "format": MODEL_FORMAT,
        "features": list(FEATURE_NAMES),
        "weights": {**{name: float(w) for name, w in zip(FEATURE_NAMES, weights[:-1], strict=True)},
                    "bias": float(weights[-1])},
        "n_decisions": n,
        "n_train": report.n_train,
        "n_holdout": report.n_holdout,
        "rule_auc": report.rule_auc,
        "model_auc": report.model_auc,
        "fitted_at": utcnow().isoformat(timespec="seconds"),
        "estimator": model,
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
    return payload


def model_summary(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    """The model's metadata without the estimator, for display."""
    if not payload:
        return None
    return {key: value for key, value in payload.items() if key != "estimator"}

