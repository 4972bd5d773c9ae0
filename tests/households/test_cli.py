"""``flask households import`` and ``bench-import``: same rules as the web, JSON summary, exit codes."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from matchmaker.extensions import db
from matchmaker.models import Household
from tests.households.messy import messy_workbook


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["households", *args], catch_exceptions=False)


def test_cli_import_prints_the_json_summary_with_sheet_row_numbers(app, caseload, tmp_path):
    """A script driving the import would get wrong counts or row numbers it cannot match to the sheet."""
    own = {h.nik: (h.full_name, h.birth_date, h.desa_code) for h in caseload["own"]}
    messy = messy_workbook(existing_own=own, existing_other=[caseload["other"].nik])
    path = tmp_path / "kpm.xlsx"
    path.write_bytes(messy.content)
    dry = _run(app, "import", str(path), "--facilitator", "BU.ANI@example.test", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5
    result = _run(app, "import", str(path), "--facilitator", "bu.ani@example.test", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary == json.loads(dry.output)
    assert set(summary) == {"imported", "updated", "skipped", "flagged", "errors", "warnings"}
    assert all(set(flag) == {"row", "reason"} for flag in summary["flagged"])
    assert all(set(warning) == {"row", "column", "message"} for warning in summary["warnings"])
    assert summary["imported"] == messy.count("new") and summary["updated"] == messy.count("update")
    assert summary["skipped"] == messy.count("skip")
    rejected = {n for n, e in messy.expected.items() if e.status == "error"}
    assert {error["row"] for error in summary["errors"]} == rejected
    assert all(set(error) == {"row", "column", "message"} for error in summary["errors"])
    assert db.session.scalar(select(func.count()).select_from(Household)) == 5 + messy.count("new")
    again = json.loads(_run(app, "import", str(path), "--facilitator", "bu.ani@example.test", "--json").output)
    assert again["imported"] == 0  # every NIK is known now: nothing is stored twice


def test_cli_exit_status_is_non_zero_only_when_the_file_cannot_be_read(app, caseload, tmp_path):
    """A cron job would not notice an unreadable file, or would fail on ordinary row errors."""
    missing = _run(app, "import", str(tmp_path / "nope.xlsx"), "--facilitator", "bu.ani@example.test")
    assert missing.exit_code != 0
    pdf = tmp_path / "kpm.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    refused = _run(app, "import", str(pdf), "--facilitator", "bu.ani@example.test")
    assert refused.exit_code != 0 and "xlsx" in refused.output
    nobody = _run(app, "import", str(pdf), "--facilitator", "nobody@example.test")
    assert nobody.exit_code != 0
    bad_rows = tmp_path / "kpm.csv"
    bad_rows.write_text("NIK;Nama;Tgl Lahir;Desa\n123;Siti;01/01/1990;Sukamaju\n", encoding="utf-8")
    processed = _run(app, "import", str(bad_rows), "--facilitator", "bu.ani@example.test", "--lang", "en")
    assert processed.exit_code == 0
    assert "row 2, NIK: A NIK has exactly 16 digits." in processed.output


def test_bench_import_times_a_generated_workbook_and_rolls_it_back(app, skills):
    """The benchmark would leave its rows in the database or print no figure."""
    result = _run(app, "bench-import", "--rows", "60")
    assert result.exit_code == 0, result.output
    assert "Imported 60 rows (rejected 0)" in result.output and " s:" in result.output
    assert db.session.scalar(select(func.count()).select_from(Household)) == 0
