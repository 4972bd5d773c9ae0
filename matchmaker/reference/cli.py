"""``flask --app wsgi regions resolve|accuracy|benchmark``: region names from the command line."""

from __future__ import annotations

import json
import statistics
import time
from typing import TextIO

import click
from flask.cli import AppGroup

from ..models import RegionLevel
from . import resolver

regions_cli = AppGroup("regions", help="Find administrative regions from names as people write them.")

_LEVEL = click.Choice(RegionLevel.ALL)


def _within_option(value: str | None) -> str | None:
    """Reject a malformed code before doing any work."""
    try:
        return resolver.normalize_within(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


@regions_cli.command("resolve")
@click.argument("names", nargs=-1)
@click.option("--file", "file_", type=click.File(encoding="utf-8-sig"), help="One name per line ('-' for stdin).")
@click.option("--level", type=_LEVEL, default=RegionLevel.VILLAGE, show_default=True)
@click.option("--within", help="Only regions under this code, e.g. 32.01 for Kab. Bogor.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per input, in input order.")
def resolve_command(
    names: tuple[str, ...], file_: TextIO | None, level: str, within: str | None, as_json: bool
) -> None:
    """Resolve each NAME (and each line of --file) to one region, or say there is no confident match.

    A name may carry its kecamatan and kabupaten after commas: "Sukamaju, Kec. Cibungbulang".
    """
    within = _within_option(within)
    inputs = list(names)
    if file_ is not None:
        inputs += [line.strip() for line in file_ if line.strip()]
    if not inputs:
        raise click.UsageError("Give at least one NAME or a --file.")
    results = []
    for text in inputs:
        outcome = resolver.resolve_region_detail(text, level=level, within=within)
        results.append((text, outcome))
    if as_json:
        payload = [
            {
                "input": text,
                "code": outcome.match.code if outcome.match else None,
                "name": outcome.match.name if outcome.match else None,
                "path": outcome.match.path if outcome.match else None,
                "score": outcome.match.score if outcome.match else None,
            }
            for text, outcome in results
        ]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for text, outcome in results:
        if outcome.match:
            match = outcome.match
            click.echo(f"{text}\t{match.code}\t{match.path}\t(score {match.score:.0f})")
            continue
        line = f"{text}\tno confident match"
        if outcome.ambiguous:
            shown = "; ".join(f"{c.code} {c.path}" for c in outcome.candidates[:3])
            line += f" (several fit: {shown}; add the kecamatan after a comma)"
        elif outcome.candidates:
            line += f" (closest: {outcome.candidates[0].code} {outcome.candidates[0].path})"
        click.echo(line)


@regions_cli.command("accuracy")
@click.option("--within", "within_codes", multiple=True, help="A kabupaten code (repeatable); default 32.01.")
@click.option("--national-every", type=int, default=50, show_default=True, help="Sample one desa in N nationally.")
@click.option("--misses", type=int, default=0, help="Also print the first N misses of each scope.")
def accuracy_command(within_codes: tuple[str, ...], national_every: int, misses: int) -> None:
    """Print accuracy@1 of the resolver on village names written the ways people write them.

    The cases come from tests/reference/region_variants.py (a source checkout is needed) and
    are resolved against this database, which must hold the regions (flask seed regions).
    """
    try:
        from tests.reference.region_variants import build_cases, measure
    except ImportError as exc:
        raise click.ClickException("this command needs the tests/ folder of a source checkout") from exc
    resolver.warm_up((RegionLevel.VILLAGE,))
    reports = [measure(build_cases(within=code), within=code) for code in (within_codes or ("32.01",))]
    if national_every > 0:
        cases = build_cases(every=national_every, national=True)
        reports.append(measure(cases, scope=f"national, 1 desa in {national_every}, kecamatan+kabupaten as context"))
    for report in reports:
        click.echo("\n".join(report.lines()))
        for case, code in report.misses[:misses]:
            click.echo(f"    miss: {case.text!r} {list(case.context)} → {code or 'none'}, expected {case.expected}")


BENCH_QUERIES = ("s", "su", "suka", "sukamaju", "Sukmaju", "Soekamadjoe", "Cibatok 1", "Sukamaju, Cibung", "xqzw")


@regions_cli.command("benchmark")
@click.option("--repeat", type=int, default=20, show_default=True)
def benchmark_command(repeat: int) -> None:
    """Print type-ahead latency (median and worst, after warm-up) on this database's region table."""
    started = time.perf_counter()
    resolver.warm_up()
    click.echo(f"index built in {time.perf_counter() - started:.2f} s")
    for label, kwargs in (
        ("all levels, national", {}),
        ("desa, national", {"level": RegionLevel.VILLAGE}),
        ("desa within 32.01", {"level": RegionLevel.VILLAGE, "within": "32.01"}),
    ):
        timings = []
        for query in BENCH_QUERIES:
            resolver.search_regions(query, **kwargs)  # the first call of a short query fills its cache
            for _ in range(repeat):
                began = time.perf_counter()
                resolver.search_regions(query, **kwargs)
                timings.append(1000 * (time.perf_counter() - began))
        click.echo(
            f"{label}: median {statistics.median(timings):.1f} ms, "
            f"p95 {sorted(timings)[int(0.95 * len(timings))]:.1f} ms, worst {max(timings):.1f} ms "
            f"({len(timings)} searches)"
        )
