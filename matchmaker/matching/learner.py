"""A small, regularised correction of the engine's weights, learned from decisions, with a guard.

The engine's raw score is linear in its score terms (:data:`~.terms.FEATURE_NAMES`):
``raw = X @ w``. What facilitators decide about the proposals they were shown tells us
which of two offers shown to the same woman was the better one: the confirmed one. The
:class:`EngineCorrection` learns from exactly those comparisons (pairwise, within one
household's shown list, so the household's own circumstances cancel out):

    P(confirmed beats declined) = sigmoid(c * (x_confirmed - x_declined) @ (w + delta))

``w`` is the engine's weight vector, kept as an offset; only ``delta`` is learned, with an
L2 penalty ``alpha * ||delta||^2`` that pulls it back to the engine. The terms are
indicators or bounded shares, so one unit of weight means about the same for each; a
per-term standardisation would make rare terms cheap to move and overfit them. No weight
crosses zero: a bonus of the engine stays a bonus, a penalty a penalty. ``c`` is a
temperature fitted first on the engine alone, so that ``delta`` is not spent rescaling
the whole score. The text and concept weights scale the engine's index as square roots
and stay positive.

``alpha`` is chosen by cross-validation inside the training data only (one fold per
district, or per group of households), and the correction is *adopted* only if its
held-out pairwise accuracy beats the engine's by ``min_gain`` on average and on every
fold; otherwise the learned
weights are the engine's own. So the learner can only move away from the engine when the
data it was given supports it, never because it fits its own training set.

No Flask, no database; scikit-learn conventions (``fit`` returns self, learned
attributes end in ``_``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from sklearn.base import BaseEstimator

from .terms import FEATURE_NAMES

# The candidate penalties, strongest first; the engine itself (no correction) always competes.
DEFAULT_ALPHAS: tuple[float, ...] = (10.0, 3.0, 1.0, 0.3, 0.1, 0.03, 0.01)
# Terms whose weight must stay positive (they scale the index as square roots).
POSITIVE_TERMS: tuple[str, ...] = ("text", "concept")
MIN_POSITIVE_WEIGHT = 0.05
# The temperature stays within these: an engine that orders the pairs the wrong way round would
# otherwise drive it to zero, and with it the weight of every correction.
TEMPERATURE_BOUNDS = (0.5, 20.0)
# Held-out pairwise accuracy the correction must gain over the engine to be adopted.
MIN_GAIN = 0.01


def shown_pairs(y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row indices ``(better, worse)`` of every confirmed/declined pair within one group (household)."""
    better: list[int] = []
    worse: list[int] = []
    groups = np.unique(np.asarray(groups), return_inverse=True)[1]
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    for rows in np.split(order, bounds):
        pos = rows[y[rows] == 1]
        neg = rows[y[rows] == 0]
        if pos.size and neg.size:
            better.extend(np.repeat(pos, neg.size).tolist())
            worse.extend(np.tile(neg, pos.size).tolist())
    return np.array(better, dtype=np.int64), np.array(worse, dtype=np.int64)


def pairwise_accuracy(D: np.ndarray, weights: np.ndarray) -> float:
    """Share of pairs (rows of ``D = x_better - x_worse``) that ``weights`` order right; ties count half."""
    if D.shape[0] == 0:
        return float("nan")
    margin = D @ weights
    return float(np.mean((margin > 1e-12) + 0.5 * (np.abs(margin) <= 1e-12)))


class EngineCorrection(BaseEstimator):
    """Learn a regularised correction ``delta`` of the engine weights from shown-list decisions.

    Parameters
    ----------
    engine_weights:
        The engine's weight of each of :data:`FEATURE_NAMES` (``load`` included), in that order.
    alphas:
        Candidate L2 penalties; the one chosen by cross-validation is ``alpha_``.
    min_gain:
        Held-out pairwise accuracy the correction must gain over the engine to be adopted.
    n_folds:
        Folds of households when no ``domains`` are given to :meth:`fit`.
    """

    def __init__(self, engine_weights: Sequence[float], alphas: Sequence[float] = DEFAULT_ALPHAS,
                 min_gain: float = MIN_GAIN, n_folds: int = 5) -> None:
        self.engine_weights = engine_weights
        self.alphas = alphas
        self.min_gain = min_gain
        self.n_folds = n_folds

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray,
            domains: np.ndarray | None = None) -> EngineCorrection:
        """Fit on decisions: ``X`` the pair features, ``y`` 1 confirmed / 0 declined, ``groups`` the household.

        ``domains`` (optional, one per row): the cross-validation folds, say the district
        each decision comes from; without them households are split into ``n_folds`` folds.
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y).astype(int)
        groups = np.asarray(groups)
        w0 = np.asarray(self.engine_weights, dtype=np.float64)
        if X.shape[1] != w0.size:
            raise ValueError(f"X has {X.shape[1]} columns, the engine {w0.size} weights")
        better, worse = shown_pairs(y, groups)
        self.n_pairs_ = int(better.size)
        folds = self._folds(groups, domains)
        self.cv_scores_: dict[float, float] = {}
        self.cv_engine_ = float("nan")
        self.alpha_: float | None = None
        fold_gains: dict[float, np.ndarray] = {}
        if self.n_pairs_ and len(folds) >= 2:
            engine_acc, model_acc = [], {alpha: [] for alpha in self.alphas}
            pair_fold = folds[better]
            D = X[better] - X[worse]
            for fold in np.unique(folds):
                test = pair_fold == fold
                if not test.any() or test.all():
                    continue
                engine_acc.append(pairwise_accuracy(D[test], w0))
                for alpha in self.alphas:
                    model_acc[alpha].append(pairwise_accuracy(D[test], w0 + self._delta(D[~test], w0, alpha)[0]))
            if engine_acc:
                self.cv_engine_ = float(np.mean(engine_acc))
                self.cv_scores_ = {alpha: float(np.mean(acc)) for alpha, acc in model_acc.items()}
                fold_gains = {alpha: np.array(acc) - np.array(engine_acc) for alpha, acc in model_acc.items()}
        best = self._one_standard_error(fold_gains)
        self.cv_gain_ = (self.cv_scores_[best] - self.cv_engine_) if best is not None else 0.0
        # Adopted only if it wins on average by min_gain and on every fold: a gain that some folds
        # contradict is as likely noise as a preference of the facilitators.
        self.adopted_ = bool(best is not None and self.cv_gain_ >= self.min_gain and (fold_gains[best] > 0).all())
        self.cv_model_ = self.cv_scores_[best] if best is not None else float("nan")
        self.delta_ = np.zeros_like(w0)
        self.temperature_ = 1.0
        if self.adopted_:
            self.alpha_ = best
            self.delta_, self.temperature_ = self._delta(X[better] - X[worse], w0, best)
        self.weights_ = w0 + self.delta_
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """The corrected raw score of each row (without the engine's bias)."""
        return np.asarray(X, dtype=np.float64) @ self.weights_

    def weight_dict(self) -> dict[str, float]:
        """The learned weight of each term by name (``load`` included)."""
        return {name: float(w) for name, w in zip(FEATURE_NAMES, self.weights_, strict=True)}

    # ------------------------------------------------------------------ internals
    def _one_standard_error(self, fold_gains: dict[float, np.ndarray]) -> float | None:
        """The strongest penalty whose CV score is within one standard error of the best one's.

        The usual "one-standard-error rule": among corrections the folds cannot tell apart,
        the smallest one, since it has to carry over to districts none of the folds resemble.
        """
        if not self.cv_scores_:
            return None
        top = max(self.cv_scores_, key=self.cv_scores_.__getitem__)
        gains = fold_gains[top]
        se = float(gains.std(ddof=1) / np.sqrt(gains.size)) if gains.size > 1 else 0.0
        close = [alpha for alpha, score in self.cv_scores_.items() if score >= self.cv_scores_[top] - se]
        return max(close)

    def _folds(self, groups: np.ndarray, domains: np.ndarray | None) -> np.ndarray:
        if domains is not None and np.unique(domains).size >= 2:
            return np.unique(np.asarray(domains), return_inverse=True)[1]
        unique, inverse = np.unique(groups, return_inverse=True)
        n = min(self.n_folds, unique.size)
        if n < 2:
            return np.zeros(groups.size, dtype=int)
        # Households are dealt to folds in a fixed shuffled order: no household in two folds.
        rng = np.random.default_rng(0)
        fold_of_group = rng.permutation(unique.size) % n
        return fold_of_group[inverse]

    @staticmethod
    def _delta(D: np.ndarray, w0: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
        """The penalised pairwise-logistic correction on pair differences ``D``, and the temperature."""
        base = D @ w0
        temperature = float(minimize_scalar(lambda c: np.mean(np.logaddexp(0.0, -c * base)),
                                            bounds=TEMPERATURE_BOUNDS, method="bounded").x)
        n = D.shape[0]

        def loss(delta: np.ndarray) -> tuple[float, np.ndarray]:
            margin = temperature * (base + D @ delta)
            value = np.mean(np.logaddexp(0.0, -margin)) + alpha * np.sum(delta**2)
            grad_margin = -temperature / (1.0 + np.exp(margin)) / n
            grad = D.T @ grad_margin + 2.0 * alpha * delta
            return float(value), grad

        bounds = [_bounds(name, w) for name, w in zip(FEATURE_NAMES, w0, strict=True)]
        result = minimize(loss, np.zeros_like(w0), jac=True, method="L-BFGS-B", bounds=bounds)
        return result.x, temperature


def _bounds(name: str, weight: float) -> tuple[float | None, float | None]:
    """How far the correction may move one weight: never past zero, so a bonus stays a bonus and a
    penalty a penalty (the engine's direction is domain knowledge; the data tunes how much)."""
    if name in POSITIVE_TERMS:
        return MIN_POSITIVE_WEIGHT - weight, None
    if weight > 0:
        return -weight, None
    if weight < 0:
        return None, -weight
    return None, None
