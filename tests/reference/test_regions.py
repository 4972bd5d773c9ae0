"""Tests for the Indonesian regions loader (``matchmaker.reference.regions``).

Self-contained: a bare Flask app with only the database extension, so these run while the
rest of the app is being written. ``TEST_DATABASE_URL`` selects PostgreSQL instead of an
in-memory SQLite database (except in the suite's SQLite pass, ``MATCHMAKER_TEST_BACKEND=sqlite``).
Tests that load the whole list are marked ``slow``.
"""

from __future__ import annotations

import csv
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from matchmaker.extensions import db
from matchmaker.models import Region, RegionLevel
from matchmaker.reference.regions import (
    REGIONS_CSV,
    RegionDataError,
    load_regions,
    load_regions_subset,
    read_region_rows,
    region_path,
)

EXPECTED_COUNTS = {
    RegionLevel.PROVINCE: 34,
    RegionLevel.DISTRICT: 514,
    RegionLevel.SUBDISTRICT: 7230,
    RegionLevel.VILLAGE: 83441,
}

# The full list takes a second or more to load (several on PostgreSQL), so read-only tests
# share one load; any test that needs an empty database marks the shared load as gone.
_state = {"full_loaded": False}


def _database_url() -> str:
    """PostgreSQL when ``TEST_DATABASE_URL`` is set, unless the suite's SQLite pass asks for SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url and os.environ.get("MATCHMAKER_TEST_BACKEND") != "sqlite":
        return url
    return "sqlite://"


def _drop_all() -> None:
    """Drop every table, hiding SQLite's warning about the user/organization foreign-key cycle.

    SQLite cannot ALTER constraints, so SQLAlchemy warns that it cannot order that cycle;
    dropping still works. (The cycle itself belongs to ``models.py``.)
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Can't sort tables for DROP")
        db.drop_all()


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """A minimal app bound to the test database, inside an app context."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url()
    db.init_app(app)
    with app.app_context():
        _reset()
        _state["full_loaded"] = False
        yield app
        # Leave empty tables behind, not none: the shared conftest creates the PostgreSQL
        # schema once per session and only truncates it afterwards.
        _reset()


def _reset() -> None:
    """Recreate every table empty."""
    db.session.remove()
    _drop_all()
    db.create_all()


@pytest.fixture
def empty_session(app: Flask) -> Session:
    """A session on freshly created, empty tables."""
    _reset()
    _state["full_loaded"] = False
    return db.session


@pytest.fixture
def full_session(app: Flask) -> Session:
    """A session on a database holding the whole region list (loaded once, shared)."""
    if not _state["full_loaded"]:
        _reset()
        load_regions(db.session)
        _state["full_loaded"] = True
    return db.session


def _count_by_level(session: Session) -> dict[str, int]:
    """Number of regions per level."""
    return dict(session.execute(select(Region.level, func.count()).group_by(Region.level)).all())


@pytest.mark.slow
def test_full_load_counts_per_level(app: Flask) -> None:
    """If this breaks, some provinces, districts, kecamatan or desa are missing from the pickers."""
    session = db.session
    _reset()
    _state["full_loaded"] = False
    inserted = load_regions(session)
    _state["full_loaded"] = True
    assert inserted == sum(EXPECTED_COUNTS.values())
    assert _count_by_level(session) == EXPECTED_COUNTS


@pytest.mark.slow
def test_second_load_inserts_nothing(full_session: Session) -> None:
    """If this breaks, re-running the seed command duplicates regions or fails on restart."""
    assert load_regions(full_session) == 0
    assert _count_by_level(full_session) == EXPECTED_COUNTS


@pytest.mark.slow
def test_parents_follow_codes(full_session: Session) -> None:
    """If this breaks, choosing a kabupaten would list the wrong kecamatan and desa."""
    desa = full_session.get(Region, "32.01.16.2013")
    assert desa is not None
    assert (desa.level, desa.parent_code) == (RegionLevel.VILLAGE, "32.01.16")
    assert full_session.get(Region, "32.01").parent_code == "32"
    assert full_session.get(Region, "32").parent_code is None
    parent = aliased(Region)
    orphans = full_session.scalar(
        select(func.count())
        .select_from(Region)
        .outerjoin(parent, Region.parent_code == parent.code)
        .where(Region.level != RegionLevel.PROVINCE, parent.code.is_(None))
    )
    assert orphans == 0
    wrong_level = full_session.scalar(
        select(func.count())
        .select_from(Region)
        .join(parent, Region.parent_code == parent.code)
        .where(Region.level == RegionLevel.VILLAGE, parent.level != RegionLevel.SUBDISTRICT)
    )
    assert wrong_level == 0


def test_region_path(empty_session: Session) -> None:
    """If this breaks, addresses on household and offer pages read wrongly or in capitals."""
    load_regions_subset(empty_session, ["32.01.16", "31.71"])
    desa = empty_session.get(Region, "32.01.16.2013")
    assert region_path(desa) == "Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat"
    assert region_path(empty_session.get(Region, "31.71")) == "Kota Adm. Jakarta Pusat, DKI Jakarta"


def test_awkward_source_names_are_cleaned(empty_session: Session) -> None:
    """If this breaks, some village and district names show cut at a comma or inconsistently written."""
    load_regions_subset(empty_session, ["12.07.28", "14.02.09", "53.02", "91.12", "33.07.07"])
    assert empty_session.get(Region, "12.07.28.1007").name == "Lubuk Pakam I,II"
    assert empty_session.get(Region, "14.02.09.2010").name == "Lambang Sari I, II, III"
    assert empty_session.get(Region, "53.02").display_name == "Kab. Timor Tengah Selatan"
    assert empty_session.get(Region, "91.12").display_name == "Kab. Pegunungan Bintang"
    assert empty_session.get(Region, "33.07.07.2016").name == "Lamuk"


def test_subset_loads_descendants_and_ancestors(empty_session: Session) -> None:
    """If this breaks, the fast test fixtures for Kab. Bogor lack desa or their province."""
    expected = sum(1 for row in read_region_rows() if row.code.startswith("32.01."))
    inserted = load_regions_subset(empty_session, ["32.01"])
    assert inserted == expected + 2  # plus Kab. Bogor itself and Jawa Barat
    counts = _count_by_level(empty_session)
    assert counts[RegionLevel.PROVINCE] == 1
    assert counts[RegionLevel.DISTRICT] == 1
    assert counts[RegionLevel.VILLAGE] > 400
    assert empty_session.get(Region, "32.02") is None
    assert region_path(empty_session.get(Region, "32.01.16.2013")) == (
        "Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat"
    )


def test_subset_rejects_unknown_prefix(empty_session: Session) -> None:
    """If this breaks, a typo in a district code silently loads no regions at all."""
    with pytest.raises(RegionDataError):
        load_regions_subset(empty_session, ["32.99"])


def test_reload_restores_renamed_names(empty_session: Session) -> None:
    """If this breaks, a corrected village name in a new data release never reaches users."""
    load_regions_subset(empty_session, ["32.01.16"])
    desa = empty_session.get(Region, "32.01.16.2013")
    desa.name = "Nama Lama"
    empty_session.commit()
    assert load_regions_subset(empty_session, ["32.01.16"]) == 0
    empty_session.expire_all()
    assert empty_session.get(Region, "32.01.16.2013").name == "Sukamaju"


def test_reader_tolerates_messy_csv(tmp_path: Path) -> None:
    """If this breaks, a region file saved from Excel (BOM, header, blanks, bare codes) fails to load."""
    path = tmp_path / "regions.csv"
    path.write_text(
        "\ufeffkode,nama\n"
        "32, JAWA  BARAT \n"
        "\n"
        "3201,KAB BOGOR\n"
        '32.01.16,"Cibungbulang"\n'
        "3201162013,sukamaju\n"
        "32.01.16.2013,sukamaju\n",
        encoding="utf-8",
    )
    rows = read_region_rows(path)
    assert [(row.code, row.name, row.level) for row in rows] == [
        ("32", "JAWA BARAT", RegionLevel.PROVINCE),
        ("32.01", "KAB. BOGOR", RegionLevel.DISTRICT),
        ("32.01.16", "Cibungbulang", RegionLevel.SUBDISTRICT),
        ("32.01.16.2013", "Sukamaju", RegionLevel.VILLAGE),
    ]


def test_reader_rejects_conflicts_and_orphans(tmp_path: Path) -> None:
    """If this breaks, a corrupt region file is loaded half-way instead of being refused."""
    conflict = tmp_path / "conflict.csv"
    conflict.write_text("32,JAWA BARAT\n32,JAWA TENGAH\n", encoding="utf-8")
    with pytest.raises(RegionDataError, match="twice"):
        read_region_rows(conflict)
    orphan = tmp_path / "orphan.csv"
    orphan.write_text("32,JAWA BARAT\n32.01.16,Cibungbulang\n", encoding="utf-8")
    with pytest.raises(RegionDataError, match="no parent"):
        read_region_rows(orphan)


def test_progress_reports_every_row(empty_session: Session, tmp_path: Path) -> None:
    """If this breaks, the seed command's progress bar stalls or overshoots."""
    path = tmp_path / "regions.csv"
    with REGIONS_CSV.open(encoding="utf-8", newline="") as source, path.open("w", newline="") as target:
        writer = csv.writer(target)
        writer.writerows(row for row in csv.reader(source) if row[0].startswith("32.01") or row[0] == "32")
    calls: list[tuple[int, int]] = []
    inserted = load_regions(empty_session, path, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (inserted, inserted)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
