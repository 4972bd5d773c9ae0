"""``flask --app wsgi households import|bench-import``: the importer from the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import select

from ..extensions import db
from ..models import Region, RegionLevel, Role, User
from .importer import TEMPLATE_HEADERS, ImportFileError, apply_import, read_table

households_cli = AppGroup("households", help="Import KPM household sheets.")


def _facilitator(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == User.normalize_email(email)))
    if user is None or user.role != Role.FACILITATOR:
        raise click.ClickException(f"no facilitator account with the e-mail address {email}")
    return user


@households_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--facilitator", "email", required=True, help="E-mail address of the facilitator who owns the rows.")
@click.option("--dry-run", is_flag=True, help="Check the file and report, writing nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--skip-existing", is_flag=True, help="Skip rows whose NIK is already registered instead of updating.")
@click.option("--lang", default="id", type=click.Choice(["id", "en"]), help="Language of the messages.")
@click.option(
    "--accept-flagged", is_flag=True, help="Import rows held for a decision too (a NIK that encodes a man)."
)
def import_command(
    file: Path, email: str, dry_run: bool, as_json: bool, skip_existing: bool, lang: str, accept_flagged: bool
) -> None:
    """Import FILE (.xlsx or .csv) into a facilitator's caseload, with the web import's rules.

    Exits 0 when the file was processed, even if some rows were rejected (they are listed
    with their sheet row numbers); non-zero when the file itself cannot be read.
    Existing households are chosen for the whole file only (updated, or skipped with
    ``--skip-existing``); the per-row "Perbarui" choice is the web preview's.
    """
    with force_locale(lang):
        facilitator = _facilitator(email)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise click.ClickException(f"cannot read {file}: {exc.strerror}") from exc
        try:
            table = read_table(content, file.name)
        except ImportFileError as exc:
            raise click.ClickException(exc.message()) from exc
        result = apply_import(
            facilitator, table, update_existing=not skip_existing, dry_run=dry_run, accept_flagged=accept_flagged
        )
        summary = result.summary()
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    prefix = "Dry run: would import" if dry_run else "Imported"
    click.echo(
        f"{prefix} {summary['imported']}, updated {summary['updated']}, skipped {summary['skipped']}, "
        f"flagged {len(summary['flagged'])}, rejected rows {result.counts['errors']}."
    )
    for error in summary["errors"]:
        click.echo(f"  row {error['row']}, {error['column']}: {error['message']}")
    for flagged in summary["flagged"]:
        click.echo(f"  row {flagged['row']} flagged: {flagged['reason']}")
    for warning in summary["warnings"]:
        click.echo(f"  row {warning['row']}, {warning['column']} (kept): {warning['message']}")


_FIRST = ("Siti", "Nur", "Ani", "Euis", "Imas", "Dede", "Yati", "Neneng", "Lilis", "Entin")
_LAST = ("Aminah", "Rohmah", "Sumarni", "Hasanah", "Maesaroh", "Nurjanah", "Kurniasih", "Rahayu")


def _letters(number: int) -> str:
    """A letters-only tag (names have no digits) that keeps generated names distinct."""
    word = ""
    number += 26 * 26
    while number:
        number, rest = divmod(number, 26)
        word = chr(ord("a") + rest) + word
    return word.capitalize()


def bench_workbook(rows: int, desa: list[tuple[str, str, str, str]], seed: int = 7) -> bytes:
    """A realistic workbook of ``rows`` households in the given ``(desa, kecamatan, kabupaten, NIK prefix)``."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    skills = ["menjahit", "bikin kue", "jualan online", "bertani", "ternak ayam", "salon", "cuci setrika",
              "warung sembako", "kerajinan anyaman", "masak catering"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("KPM")
    sheet.append(["Data KPM PKH"])
    sheet.append(list(TEMPLATE_HEADERS))
    for number in range(rows):
        desa_name, kecamatan, kabupaten, kecamatan_digits = desa[number % len(desa)]
        born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 12_000))
        nik = f"{kecamatan_digits}{born.day + 40:02d}{born.month:02d}{born.year % 100:02d}{number % 9999 + 1:04d}"
        sheet.append([
            nik, f"{kecamatan_digits}0101{rng.randint(10, 24)}{rng.randint(1, 9999):04d}",
            f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {_letters(number)}", born.strftime("%d/%m/%Y"),
            f"0812{rng.randint(10_000_000, 99_999_999)}",
            f"Kp. Bench RT {rng.randint(1, 9):02d}", desa_name, kecamatan, kabupaten,
            "Anak SD 1, Lansia 1", ", ".join(rng.sample(skills, 2)), "usaha kecil", "buruh", "jualan",
            rng.choice(["kerja upahan", "usaha sendiri", "keduanya"]), rng.choice([10, 20, 30]),
            rng.choice(["desa", "kecamatan", "kabupaten"]), rng.choice(["ya", "tidak"]), "mengasuh anak",
            "mesin jahit, motor",
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@households_cli.command("bench-import")
@click.option("--rows", default=10_000, show_default=True, help="Rows in the generated workbook.")
def bench_import(rows: int) -> None:
    """Time the import of a generated workbook into the configured database, then roll it back."""
    district = current_app.config["HOME_DISTRICT"]
    kecamatan = {
        region.code: region
        for region in db.session.scalars(
            select(Region).where(Region.level == RegionLevel.SUBDISTRICT, Region.parent_code == district)
        )
    }
    villages = db.session.scalars(
        select(Region).where(Region.level == RegionLevel.VILLAGE, Region.parent_code.in_(list(kecamatan)))
    ).all()
    if not villages:
        raise click.ClickException(f"no villages of {district} in the database: run `flask --app wsgi seed regions`")
    kabupaten = db.session.get(Region, district)
    desa = [
        (v.name, kecamatan[v.parent_code].name, kabupaten.display_name if kabupaten else "",
         v.parent_code.replace(".", ""))
        for v in villages
    ]
    content = bench_workbook(rows, desa)
    click.echo(f"Workbook: {rows:,} rows, {len(content) / 1e6:.1f} MB, {len(desa)} villages of {district}.")
    try:
        user = User(email="bench-import@localhost.invalid", name="Bench", role=Role.FACILITATOR)
        user.set_password("bench-import-not-a-login")
        user.areas = [kabupaten] if kabupaten else []
        db.session.add(user)
        db.session.flush()
        started = time.perf_counter()
        table = read_table(content, "bench.xlsx")
        read = time.perf_counter()
        result = apply_import(user, table, commit=False)
        done = time.perf_counter()
    finally:
        db.session.rollback()
    click.echo(
        f"Imported {result.counts['imported']:,} rows (rejected {result.counts['errors']:,}) in "
        f"{done - started:.1f} s: reading {read - started:.1f} s, checking and writing {done - read:.1f} s "
        f"({db.engine.dialect.name}; rolled back)."
    )
