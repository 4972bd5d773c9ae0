"""``flask ranker ...`` commands: offline evaluation and the latency benchmark."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from matchmaker.matching.bench import run_benchmark
from matchmaker.matching.evaluation import evaluate

ranker_cli = AppGroup("ranker", help="Evaluate and benchmark the matching engine.")


@ranker_cli.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=10, show_default=True, help="Cut-off of the ranked lists.")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--rankings", "rankings_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the ranker's top k per household to this JSON file.")
def evaluate_command(file: Path, k: int, as_json: bool, rankings_out: Path | None) -> None:
    """Score the ranker and the text baselines on a judgments FILE."""
    result, rankings = evaluate(file, k=k, return_rankings=True)
    if rankings_out is not None:
        rankings_out.write_text(json.dumps(rankings, indent=2, ensure_ascii=False), encoding="utf-8")
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"{'system':<10} {'NDCG@' + str(k):>9} {'Recall@' + str(k):>10} {'MRR@' + str(k):>8} {'violations':>11}")
    rows = [("ranker", result["ranker"]), *result["baselines"].items()]
    for name, m in rows:
        click.echo(f"{name:<10} {m['ndcg']:>9.3f} {m['recall']:>10.3f} {m['mrr']:>8.3f} {m['violations']:>11g}")


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
