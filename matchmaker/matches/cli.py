"""``flask ranker ...`` (evaluation, benchmarks, training) and ``flask matches ...`` (batch proposals) commands."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from matchmaker.matching.bench import run_benchmark
from matchmaker.matching.evaluation import best_baseline, evaluate, mean_results

ranker_cli = AppGroup("ranker", help="Evaluate and benchmark the matching engine.")


@ranker_cli.command("evaluate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=10, show_default=True, help="Cut-off of the ranked lists.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--rankings", "rankings_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the ranker's top k per household to this JSON file (per file when several).")
def evaluate_command(files: tuple[Path, ...], k: int, as_json: bool, rankings_out: Path | None) -> None:
    """Score the ranker and the text baselines on one or more judgments FILES (and their mean)."""
    results = []
    all_rankings = {}
    for file in files:
        result, rankings = evaluate(file, k=k, return_rankings=True)
        results.append(result)
        all_rankings[str(file)] = rankings
    if rankings_out is not None:
        payload = all_rankings[str(files[0])] if len(files) == 1 else all_rankings
        rankings_out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    mean = mean_results(results) if len(files) > 1 else None
    if as_json:
        if mean is None:
            click.echo(json.dumps(results[0]))
        else:
            click.echo(json.dumps({"k": k, "files": {str(f): r for f, r in zip(files, results, strict=True)},
                                   "mean": mean}))
        return
    for file, result in zip(files, results, strict=True):
        if len(files) > 1:
            click.echo(f"== {file}")
        _echo_table(result, k)
    if mean is not None:
        click.echo(f"== mean of {len(files)} files (NDCG, recall, MRR averaged; violations summed)")
        _echo_table(mean, k)


def _echo_table(result: dict, k: int) -> None:
    click.echo(f"{'system':<10} {'NDCG@' + str(k):>9} {'Recall@' + str(k):>10} {'MRR@' + str(k):>8} {'violations':>11}")
    rows = [("ranker", result["ranker"]), *result["baselines"].items()]
    for name, m in rows:
        click.echo(f"{name:<10} {m['ndcg']:>9.3f} {m['recall']:>10.3f} {m['mrr']:>8.3f} {m['violations']:>11g}")
    name, ndcg = best_baseline(result)
    click.echo(f"best baseline: {name} {ndcg:.3f}; ranker {result['ranker']['ndcg'] - ndcg:+.3f} above it")


@ranker_cli.command("bench")
@click.option("--offers", default=20000, show_default=True)
@click.option("--households", default=200000, show_default=True)
@click.option("--queries", default=300, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def bench_command(offers: int, households: int, queries: int, as_json: bool) -> None:
    """Build a synthetic district and time both ranking directions."""
    result = run_benchmark(offers=offers, households=households, queries=queries)
    if as_json:
        click.echo(json.dumps(result))
        return
    for key, value in result.items():
        click.echo(f"{key:<20} {value}")


@ranker_cli.command("train")
@click.option("--min-decisions", default=200, show_default=True, help="Refuse to learn from fewer decisions.")
def train_command(min_decisions: int) -> None:
    """Learn the ranking weights from stored decisions; adopt them only if they beat the rules."""
    from flask import current_app

    from .learning import train
    from .ranking import get_index

    path = current_app.config.get("RANKER_MODEL_PATH") or str(Path(current_app.instance_path) / "ranker-model.pkl")
    report = train(Path(path), min_decisions=min_decisions)
    click.echo(f"decisions          {report.n_decisions}")
    if report.n_train:
        click.echo(f"train / hold-out   {report.n_train} / {report.n_holdout} (oldest / newest)")
    if report.rule_auc is not None:
        click.echo(f"rule-based AUC     {report.rule_auc:.3f}")
        click.echo(f"learned AUC        {report.model_auc:.3f}")
    click.echo(report.message())
    get_index().invalidate()


@ranker_cli.command("app-bench")
@click.option("--queries", default=200, show_default=True, help="Households ranked warm.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def app_bench_command(queries: int, as_json: bool) -> None:
    """Time the app's ranking from the database: cold index build, then warm queries."""
    import time

    import numpy as np
    from flask import current_app
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from matchmaker.extensions import db
    from matchmaker.models import Household

    from .ranking import RankingIndex, rank_offers_for_household

    index = current_app.extensions["ranking_index"] = RankingIndex(
        current_app.config.get("RANKER_MODEL_PATH"), current_app.config.get("RANKING_SYNC_SECONDS", 5.0)
    )
    started = time.perf_counter()
    index.ready()
    cold = time.perf_counter() - started
    households = list(db.session.scalars(select(Household).options(selectinload(Household.skills))
                                         .order_by(Household.id).limit(queries)))
    timings = []
    for household in households:
        t0 = time.perf_counter()
        rank_offers_for_household(household, k=20)
        timings.append(time.perf_counter() - t0)
    stats = index.stats()
    result = {
        "offers": stats["offers"],
        "households_indexed": stats["households"],
        "cold_build_s": round(cold, 3),
        "warm_p50_ms": round(float(np.percentile(timings, 50)) * 1000, 2) if timings else None,
        "warm_p95_ms": round(float(np.percentile(timings, 95)) * 1000, 2) if timings else None,
        "queries": len(timings),
        "learned_model": stats["learned_model"],
    }
    if as_json:
        click.echo(json.dumps(result))
        return
    for key, value in result.items():
        click.echo(f"{key:<20} {value}")


matches_cli = AppGroup("matches", help="Match proposals.")


@matches_cli.command("propose-batch")
@click.option("--kecamatan", "kecamatan_code", required=True, help="Kemendagri code of the kecamatan, e.g. 32.01.16.")
@click.option("--dry-run", is_flag=True, help="Show the allocation without writing it.")
@click.option("--json", "as_json", is_flag=True, help="Print the allocation as JSON.")
@click.option("--actor", "actor_email", help="E-mail of the coordinator the proposals are made in the name of.")
def propose_batch_command(kecamatan_code: str, dry_run: bool, as_json: bool, actor_email: str | None) -> None:
    """Propose matches for every unmatched household of a kecamatan, respecting every offer's places."""
    from sqlalchemy import select

    from matchmaker.extensions import db
    from matchmaker.models import Region, RegionLevel, User

    from .allocation import apply_batch, plan_batch

    region = db.session.get(Region, kecamatan_code)
    if region is None or region.level != RegionLevel.SUBDISTRICT:
        raise click.BadParameter(f"{kecamatan_code!r} is not a kecamatan code", param_hint="--kecamatan")
    actor = None
    if actor_email:
        actor = db.session.scalar(select(User).where(User.email == User.normalize_email(actor_email)))
        if actor is None:
            raise click.BadParameter(f"no account with e-mail {actor_email!r}", param_hint="--actor")
    plan = plan_batch(kecamatan_code) if dry_run else apply_batch(actor, kecamatan_code)
    rows = [
        {"household_id": a.household.id, "first_name": a.household.first_name, "desa": a.household.desa.name,
         "offer_id": a.offer.id, "offer": a.offer.title, "score": round(a.score, 3), "position": a.position,
         "reasons": a.reasons}
        for a in plan.assignments
    ]
    summary = {
        "kecamatan": kecamatan_code, "dry_run": dry_run, "unmatched_households": plan.unmatched_households,
        "offers_considered": plan.offers_considered, "places_available": plan.places_available,
        "proposals": len(rows), "total_score": plan.total_score,
    }
    if as_json:
        click.echo(json.dumps({**summary, "assignments": rows}, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['household_id']:>6} {row['first_name']:<12} {row['desa'][:18]:<18} -> "
                   f"{row['offer_id']:>5} {row['offer'][:40]:<40} {row['score']:.3f}")
    click.echo(f"{region.name}: {summary['unmatched_households']} unmatched households, "
               f"{summary['offers_considered']} offers with {summary['places_available']} free places; "
               f"{summary['proposals']} proposals, total fit {summary['total_score']:.3f}"
               + (" (dry run: nothing written)" if dry_run else " written."))
