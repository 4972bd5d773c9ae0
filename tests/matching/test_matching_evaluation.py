"""Metrics, the evaluation on the development district, the benchmark and the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from flask import Flask

from matchmaker.matching.bench import run_benchmark
from matchmaker.matching.evaluation import (
    best_baseline,
    evaluate,
    mrr_at_k,
    ndcg_at_k,
    recall_at_k,
    score_rankings,
)
from matchmaker.matching.schema import JudgmentSet, OfferRecord


def test_ndcg_against_hand_computed_value():
    """Reported NDCG would not follow FORMAT.md's definition."""
    grades = {"a": 3, "b": 2, "c": 1}
    dcg = 2 / math.log2(2) + 0 / math.log2(3) + 3 / math.log2(4)
    idcg = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(["b", "x", "a"], grades, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b", "c"], grades, 10) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], {"a": 0}, 10) is None  # all-zero households are left out


def test_recall_and_mrr_against_hand_computed_values():
    """Recall or MRR would count weak (grade 1) fits or ignore the cut-off."""
    grades = {"a": 3, "b": 2, "c": 1}
    assert recall_at_k(["c", "b", "z"], grades, 10) == pytest.approx(0.5)
    assert recall_at_k(["c", "b"], grades, 1) == 0.0
    assert recall_at_k(["c"], {"c": 1}, 10) is None
    assert mrr_at_k(["c", "z", "a"], grades, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(["c", "z", "a"], grades, 2) == 0.0


def test_score_rankings_counts_violations_and_averages():
    """Violations would go uncounted, or averages would include households without grades."""
    data = {
        "format": "matchmaker-judgments/1", "name": "t",
        "offers": [
            {"id": "o1", "kind": "job", "provider": "p", "provider_type": "business", "title": "t",
             "description": "", "skills": [], "village_code": "32.01.01.2001", "home_based": False,
             "reach": "kabupaten", "places": 1, "places_taken": 0, "hours_per_week": None, "status": "open"},
            {"id": "o2", "kind": "job", "provider": "p", "provider_type": "business", "title": "t",
             "description": "", "skills": [], "village_code": "32.01.01.2001", "home_based": False,
             "reach": "kabupaten", "places": 1, "places_taken": 1, "hours_per_week": None, "status": "open"},
        ],
        "households": [
            {"id": "h1", "skills": "", "interests": "", "experience": "", "village_code": "32.01.01.2001",
             "work_preference": "any", "travel": "desa", "home_based_only": False, "hours_per_week": None,
             "constraints": [], "assets": []},
            {"id": "h2", "skills": "", "interests": "", "experience": "", "village_code": "32.01.01.2001",
             "work_preference": "any", "travel": "desa", "home_based_only": False, "hours_per_week": None,
             "constraints": [], "assets": []},
        ],
        "judgments": {"h1": {"o1": 2}},
    }
    js = JudgmentSet.from_json(data)
    assert isinstance(js.offers[0], OfferRecord)
    got = score_rankings(js, {"h1": ["o2", "o1"], "h2": ["o1"]}, k=10)
    assert got["violations"] == 1
    assert got["ndcg"] == pytest.approx(1 / math.log2(3))
    assert got["recall"] == 1.0
    assert got["mrr"] == pytest.approx((0.5 + 0.0) / 2)


def test_evaluation_on_dev_district(dev_path):
    """The ranker would propose infeasible offers or rank worse than text-only baselines."""
    result, rankings = evaluate(dev_path, k=10, return_rankings=True)
    assert set(result) == {"k", "ranker", "baselines"}
    assert set(result["baselines"]) == {"random", "bm25", "tfidf", "fuzzy"}
    assert result["ranker"]["violations"] == 0
    # 0.922 with 97 violations before the reach rule reached the engine; 0.953 after it and the interest
    # terms; 0.950 once tuned on three districts rather than this one; 0.947 tuned on four.
    assert result["ranker"]["ndcg"] >= 0.942
    best = max(b["ndcg"] for b in result["baselines"].values())
    assert result["ranker"]["ndcg"] > best + 0.1
    assert all(len(v) <= 10 for v in rankings.values())


# Floors: each development district's NDCG@10 measured on 2026-12-03 after tuning on the four of them
# (Bogor 0.947, Padang Pariaman 0.907, Banjar 0.932, Bone 0.912) minus 0.005. Bone was the previous
# session's final test (0.889 when scored once) and is a development set since.
DISTRICT_FLOORS = {"dev-bogor": 0.942, "dev-padang-pariaman": 0.902, "dev-banjar": 0.927, "dev-bone": 0.907}


@pytest.mark.parametrize("name", sorted(DISTRICT_FLOORS))
def test_each_development_district_holds_its_floor(name):
    """The ranker would fall back towards text matching where facilitators write Sundanese, Minang, Banjar or Bugis."""
    result = evaluate(Path(__file__).resolve().parent / "data" / f"{name}.json", k=10)
    assert result["ranker"]["violations"] == 0
    assert result["ranker"]["ndcg"] >= DISTRICT_FLOORS[name]
    _best_name, best = best_baseline(result)
    assert result["ranker"]["ndcg"] >= best + 0.10


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parent / "data").glob("*.json")),
                         ids=lambda p: p.stem)
def test_every_district_in_the_folder_breaks_no_hard_constraint(path):
    """A woman in any district kept here would be proposed offers closed, full or out of the partner's reach.

    Violations only, for every file in the folder, including a held-out final district when one is
    added: its NDCG is scored once after tuning, so no quality floor may be tuned against it.
    """
    result = evaluate(path, k=10)
    assert result["ranker"]["violations"] == 0


def test_tiny_benchmark_reports_all_figures():
    """The benchmark command would crash or drop a figure the release checklist needs."""
    got = run_benchmark(offers=300, households=600, queries=5, seed=1)
    for key in ("build_offers_s", "build_households_s", "h2o_p50_ms", "h2o_p95_ms", "o2h_p50_ms",
                "o2h_p95_ms", "floor_p50_ms", "ratio", "peak_rss_mb"):
        assert got[key] >= 0, key


def test_cli_evaluate_json_and_table(dev_path, tmp_path):
    """`flask ranker evaluate` would print something other than the documented dict."""
    from matchmaker.matches.cli import ranker_cli

    app = Flask("t")
    app.cli.add_command(ranker_cli)
    runner = app.test_cli_runner()
    out = tmp_path / "top.json"
    res = runner.invoke(args=["ranker", "evaluate", str(dev_path), "--json", "--rankings", str(out)])
    assert res.exit_code == 0, res.output
    parsed = json.loads(res.output)
    assert parsed["k"] == 10 and parsed["ranker"]["violations"] == 0
    assert json.loads(out.read_text())
    table = runner.invoke(args=["ranker", "evaluate", str(dev_path), "--k", "5"])
    assert table.exit_code == 0 and "bm25" in table.output and "NDCG@5" in table.output


def test_cli_evaluate_several_files_prints_each_and_a_mean(dev_path, tmp_path):
    """Scoring several districts would need one run per file and a hand-computed mean."""
    from matchmaker.matches.cli import ranker_cli

    data = json.loads(dev_path.read_text(encoding="utf-8"))
    keep = sorted(data["judgments"])[:12]
    data["households"] = [h for h in data["households"] if h["id"] in keep]
    data["judgments"] = {h: g for h, g in data["judgments"].items() if h in keep}
    small = tmp_path / "small.json"
    small.write_text(json.dumps(data), encoding="utf-8")
    app = Flask("t")
    app.cli.add_command(ranker_cli)
    runner = app.test_cli_runner()
    res = runner.invoke(args=["ranker", "evaluate", str(dev_path), str(small), "--json"])
    assert res.exit_code == 0, res.output
    parsed = json.loads(res.output)
    each = [parsed["files"][str(dev_path)]["ranker"], parsed["files"][str(small)]["ranker"]]
    assert parsed["mean"]["ranker"]["ndcg"] == pytest.approx((each[0]["ndcg"] + each[1]["ndcg"]) / 2)
    assert parsed["mean"]["ranker"]["violations"] == each[0]["violations"] + each[1]["violations"]
    table = runner.invoke(args=["ranker", "evaluate", str(dev_path), str(small)])
    assert table.exit_code == 0
    assert table.output.count("best baseline:") == 3 and "mean of 2 files" in table.output


def test_evaluation_survives_an_empty_profile(dev_set):
    """A district with a household written as "-" would crash `ranker evaluate` in the bm25 baseline."""
    data = json.loads(json.dumps({
        "format": "matchmaker-judgments/1", "name": "empty-profile",
        "offers": [o.__dict__ for o in dev_set.offers[:5]],
        "households": [{"id": "E1", "skills": "-", "interests": "", "experience": "",
                        "village_code": dev_set.offers[0].village_code, "work_preference": "any",
                        "travel": "kabupaten", "home_based_only": False, "hours_per_week": None,
                        "constraints": [], "assets": []}],
        "judgments": {"E1": {dev_set.offers[0].id: 2}},
    }, default=list))
    result = evaluate(JudgmentSet.from_json(data), k=5)
    assert set(result["baselines"]) >= {"bm25", "tfidf", "fuzzy", "random"}
    assert 0.0 <= result["ranker"]["ndcg"] <= 1.0
