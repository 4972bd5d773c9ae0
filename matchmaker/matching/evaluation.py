"""Offline evaluation on a ``matchmaker-judgments/1`` file: ranker versus text baselines."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz
from sklearn.feature_extraction.text import TfidfVectorizer

from .constraints import tier, violates  # noqa: F401 - re-exported for callers
from .ranker import MatchRanker
from .schema import HouseholdRecord, JudgmentSet, OfferRecord

Ranking = dict[str, list[str]]


# ---------------------------------------------------------------- metrics
def ndcg_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float | None:
    """NDCG@k per FORMAT.md; None when the household has no positive grade."""
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    if not ideal:
        return None
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    dcg = sum(grades.get(o, 0) / math.log2(i + 2) for i, o in enumerate(ranked[:k]))
    return dcg / idcg


def recall_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float | None:
    """Share of grade>=2 offers found in the top k; None when there are none."""
    relevant = {o for o, g in grades.items() if g >= 2}
    if not relevant:
        return None
    return len(relevant & set(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """1/position of the first grade>=2 offer in the top k, else 0."""
    for i, o in enumerate(ranked[:k]):
        if grades.get(o, 0) >= 2:
            return 1.0 / (i + 1)
    return 0.0


def score_rankings(js: JudgmentSet, rankings: Ranking, k: int = 10) -> dict[str, float]:
    """Average NDCG/Recall/MRR@k and total violations@k over the file's households."""
    offers = {o.id: o for o in js.offers}
    ndcgs: list[float] = []
    recalls: list[float] = []
    mrrs: list[float] = []
    violations = 0
    for h in js.households:
        ranked = rankings.get(h.id, [])[:k]
        grades = js.judgments.get(h.id, {})
        n = ndcg_at_k(ranked, grades, k)
        if n is not None:
            ndcgs.append(n)
        r = recall_at_k(ranked, grades, k)
        if r is not None:
            recalls.append(r)
        mrrs.append(mrr_at_k(ranked, grades, k))
        violations += sum(1 for o in ranked if o in offers and violates(offers[o], h))
    return {
        "ndcg": float(np.mean(ndcgs)) if ndcgs else 0.0,
        "recall": float(np.mean(recalls)) if recalls else 0.0,
        "mrr": float(np.mean(mrrs)) if mrrs else 0.0,
        "violations": violations,
    }


# -------------------------------------------------------------- baselines
def _offer_doc(o: OfferRecord) -> str:
    return " ".join([o.title, o.description, " ".join(o.skills)])


def _household_doc(h: HouseholdRecord) -> str:
    return " ".join([h.skills, h.interests, h.experience])


def _rank_by(scores: np.ndarray, ids: list[str], k: int) -> list[str]:
    order = sorted(range(len(ids)), key=lambda i: (-float(scores[i]), ids[i]))
    return [ids[i] for i in order[:k]]


def random_rankings(js: JudgmentSet, k: int, seed: int) -> Ranking:
    """Uniformly random order per household."""
    rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not security
    ids = [o.id for o in js.offers]
    out = {}
    for h in js.households:
        shuffled = ids[:]
        rng.shuffle(shuffled)
        out[h.id] = shuffled[:k]
    return out


def bm25_rankings(js: JudgmentSet, k: int) -> Ranking:
    """bm25s over lower-cased word tokens."""
    import bm25s

    ids = [o.id for o in js.offers]
    corpus = [_simple_tokens(_offer_doc(o)) for o in js.offers]
    retriever = bm25s.BM25()
    retriever.index(corpus, show_progress=False)
    out = {}
    for h in js.households:
        query = _simple_tokens(_household_doc(h))
        # An empty profile ("-") has no tokens, which bm25s cannot score: it matches nothing.
        scores = np.asarray(retriever.get_scores(query), dtype=float) if query else np.zeros(len(ids))
        out[h.id] = _rank_by(scores, ids, k)
    return out


def tfidf_rankings(js: JudgmentSet, k: int) -> Ranking:
    """Word TF-IDF cosine (vectoriser fitted on the offers)."""
    ids = [o.id for o in js.offers]
    vec = TfidfVectorizer(lowercase=True)
    X = vec.fit_transform([_offer_doc(o) for o in js.offers])
    out = {}
    for h in js.households:
        q = vec.transform([_household_doc(h)])
        out[h.id] = _rank_by((X @ q.T).toarray().ravel(), ids, k)
    return out


def fuzzy_rankings(js: JudgmentSet, k: int) -> Ranking:
    """rapidfuzz token_set_ratio of the two texts."""
    ids = [o.id for o in js.offers]
    docs = [_offer_doc(o).lower() for o in js.offers]
    out = {}
    for h in js.households:
        q = _household_doc(h).lower()
        scores = np.array([fuzz.token_set_ratio(q, d) for d in docs])
        out[h.id] = _rank_by(scores, ids, k)
    return out


def _simple_tokens(text: str) -> list[str]:
    import re

    return re.findall(r"\w+", text.lower())


def ranker_rankings(js: JudgmentSet, k: int, ranker: MatchRanker | None = None) -> Ranking:
    """The production ranker's top k for every household."""
    model = (ranker or MatchRanker()).fit(js.offers)
    return {h.id: [m.offer_id for m in model.rank_offers(h, k)] for h in js.households}


BASELINES: dict[str, Callable[[JudgmentSet, int], Ranking]] = {
    "bm25": bm25_rankings,
    "tfidf": tfidf_rankings,
    "fuzzy": fuzzy_rankings,
}


def evaluate(source: str | Path | JudgmentSet, k: int = 10, return_rankings: bool = False,
             ranker: MatchRanker | None = None) -> dict[str, Any] | tuple[dict[str, Any], Ranking]:
    """Score the production ranker and the text baselines on a judgments file."""
    js = source if isinstance(source, JudgmentSet) else JudgmentSet.from_json(source)
    rankings = ranker_rankings(js, k, ranker)
    result: dict[str, Any] = {"k": k, "ranker": score_rankings(js, rankings, k), "baselines": {}}
    runs = [score_rankings(js, random_rankings(js, k, seed), k) for seed in range(10)]
    result["baselines"]["random"] = {
        key: (float(np.mean([r[key] for r in runs])) if key != "violations" else float(np.mean([r[key] for r in runs])))
        for key in ("ndcg", "recall", "mrr", "violations")
    }
    for name, fn in BASELINES.items():
        result["baselines"][name] = score_rankings(js, fn(js, k), k)
    if return_rankings:
        return result, rankings
    return result


def mean_results(results: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The mean of several :func:`evaluate` results (one per district), system by system.

    NDCG, recall and MRR are averaged over the districts (each district counts once);
    violations are summed, since any violation anywhere is a failure.
    """
    if not results:
        raise ValueError("no results to average")

    def combine(runs: list[Mapping[str, float]]) -> dict[str, float]:
        out = {key: float(np.mean([r[key] for r in runs])) for key in ("ndcg", "recall", "mrr")}
        out["violations"] = float(sum(r["violations"] for r in runs))
        return out

    names = [name for name in results[0]["baselines"] if all(name in r["baselines"] for r in results)]
    return {
        "k": results[0]["k"],
        "ranker": combine([r["ranker"] for r in results]),
        "baselines": {name: combine([r["baselines"][name] for r in results]) for name in names},
    }


def best_baseline(result: Mapping[str, Any]) -> tuple[str, float]:
    """The name and NDCG of the strongest baseline of an :func:`evaluate` result."""
    name = max(result["baselines"], key=lambda b: result["baselines"][b]["ndcg"])
    return name, float(result["baselines"][name]["ndcg"])


def subset(js: JudgmentSet, household_ids: set[str]) -> JudgmentSet:
    """The same district restricted to some households (for held-out checks)."""
    return JudgmentSet(
        name=f"{js.name}-subset",
        offers=js.offers,
        households=[h for h in js.households if h.id in household_ids],
        judgments={h: g for h, g in js.judgments.items() if h in household_ids},
    )
