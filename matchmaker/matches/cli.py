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


def _model_path() -> Path:
    from flask import current_app

    path = current_app.config.get("RANKER_MODEL_PATH") or str(Path(current_app.instance_path) / "ranker-model.pkl")
    return Path(path)


@ranker_cli.command("train")
@click.option("--min-decisions", default=200, show_default=True, help="Refuse to learn from fewer decisions.")
def train_command(min_decisions: int) -> None:
    """Learn a correction of the ranking weights from stored decisions; adopt it only if it beats the rules."""
    from .learning import train
    from .ranking import get_index

    report = train(_model_path(), min_decisions=min_decisions)
    _echo_training(report)
    get_index().invalidate()


def _echo_training(report) -> None:
    click.echo(f"decisions            {report.n_decisions}")
    if report.n_train:
        click.echo(f"train / hold-out     {report.n_train} / {report.n_holdout} "
                   "(households decided on first / last)")
    if report.cv_engine is not None and report.cv_model is not None:
        click.echo(f"cross-validated      rules {report.cv_engine:.3f}, learned {report.cv_model:.3f} "
                   "(pairwise accuracy inside the training households)")
    if report.rule_accuracy is not None:
        click.echo(f"rule-based accuracy  {report.rule_accuracy:.3f}")
        click.echo(f"learned accuracy     {report.model_accuracy:.3f}")
    click.echo(report.message())


@ranker_cli.command("status")
def status_command() -> None:
    """Say which ranking model is active: the rule-based weights or a learned model, with its held-out figures."""
    from .learning import model_summary
    from .ranking import load_model

    path = _model_path()
    model = model_summary(load_model(str(path)))
    if model is None:
        click.echo("Active model: the engine's rule-based weights (no learned model adopted"
                   + (f"; {path} is unreadable or from another engine" if path.exists() else "") + ").")
        return
    click.echo(f"Active model: learned correction of the rule-based weights, fitted {model['fitted_at']} "
               f"on {model['n_decisions']} decisions ({path}).")
    click.echo(f"held-out households  {model['n_holdout']} decisions, {model['n_holdout_pairs']} pairs: "
               f"pairwise accuracy {model['model_accuracy']:.3f} (rules {model['rule_accuracy']:.3f})")
    click.echo(f"cross-validated      {model['cv_model']:.3f} (rules {model['cv_engine']:.3f}), "
               f"penalty {model['alpha']:g}")
    moved = sorted(model["correction"].items(), key=lambda item: -abs(item[1]))
    click.echo("largest corrections  " + ", ".join(
        f"{name} {model['engine_weights'][name]:+.2f} -> {model['weights'][name]:+.2f}"
        for name, delta in moved[:5] if abs(delta) > 1e-6))


@ranker_cli.command("simulate-learning")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--train", "train_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A judgments file whose simulated decisions the model learns from (repeatable).")
@click.option("--test", "test_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The judgments file the learned model is measured on (never trained on).")
@click.option("--leave-one-out", "loo_files", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Instead of --train/--test: hold out each of these files in turn, train on the others "
                   "(the same as giving the FILES as arguments).")
@click.option("--k", default=10, show_default=True, help="Length of the list facilitators are shown.")
@click.option("--seed", default=0, show_default=True, help="Seed of the simulated decisions.")
@click.option("--no-noise", is_flag=True, help="Facilitators look at every shown offer and every decision is kept.")
def simulate_learning_command(files: tuple[Path, ...], train_files: tuple[Path, ...], test_file: Path | None,
                              loo_files: tuple[Path, ...], k: int, seed: int, no_noise: bool) -> None:
    """Simulate a season of decisions on graded districts, learn from them and measure held-out districts.

    With FILES: leave-one-district-out, each file held out in turn.
    """
    import numpy as np

    from matchmaker.matching.schema import JudgmentSet
    from matchmaker.matching.simulation import held_out_result, learning_helps, leave_one_district_out

    from .workflow import HOUSEHOLD_DECLINE_REASONS

    noise = {"look_top": 1.0, "look_decay": 0.0, "missing_share": 0.0} if no_noise else {}
    loo_files = (*files, *loo_files)
    if loo_files:
        if len(loo_files) < 2:
            raise click.BadParameter("give at least two files", param_hint="FILES")
        results = leave_one_district_out([JudgmentSet.from_json(f) for f in loo_files], HOUSEHOLD_DECLINE_REASONS,
                                         k=k, seed=seed, **noise)
    else:
        if not train_files or test_file is None:
            raise click.UsageError("give FILE... (leave-one-out), or --train FILE... and --test FILE")
        if test_file.resolve() in {f.resolve() for f in train_files}:
            raise click.BadParameter("the test file must not be one of the training files", param_hint="--test")
        results = [held_out_result(JudgmentSet.from_json(test_file), [JudgmentSet.from_json(f) for f in train_files],
                                   HOUSEHOLD_DECLINE_REASONS, k=k, seed=seed, **noise)]
    click.echo(f"{'held-out district':<22} {'decisions':>9} {'':<7} {'NDCG@' + str(k):>8} {'Recall@' + str(k):>9} "
               f"{'MRR@' + str(k):>7} {'violations':>10}  guard")
    for r in results:
        guard = f"adopted (CV gain {r.cv_gain:+.3f})" if r.adopted else f"kept rules (CV gain {r.cv_gain:+.3f})"
        for label, m in (("rules", r.before), ("learned", r.after)):
            click.echo(f"{r.name[:22]:<22} {r.n_train_decisions:>9} {label:<7} {m['ndcg']:>8.3f} {m['recall']:>9.3f} "
                       f"{m['mrr']:>7.3f} {m['violations']:>10g}" + (f"  {guard}" if label == "learned" else ""))
    if len(results) > 1:
        for label, key in (("rules", "before"), ("learned", "after")):
            runs = [getattr(r, key) for r in results]
            click.echo(f"{'mean':<22} {'':>9} {label:<7} {np.mean([m['ndcg'] for m in runs]):>8.3f} "
                       f"{np.mean([m['recall'] for m in runs]):>9.3f} {np.mean([m['mrr'] for m in runs]):>7.3f} "
                       f"{sum(m['violations'] for m in runs):>10g}")
    if learning_helps(results):
        click.echo("Learning helps on the held-out district(s): the learned weights rank them better.")
    else:
        click.echo("Learning does not help on the held-out district(s): keep the rule-based weights.")


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
