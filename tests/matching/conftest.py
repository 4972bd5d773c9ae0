"""Make the helpers module importable from the matching tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from matchmaker.matching.schema import JudgmentSet  # noqa: E402

DEV_FILE = Path(__file__).resolve().parents[2] / ".." / "shared" / "ranking" / "dev-bogor.json"


@pytest.fixture(scope="session")
def dev_path() -> Path:
    """Path of the shared development judgments file (``../shared`` beside the checkout, as in CI)."""
    if not DEV_FILE.exists():
        pytest.fail(f"{DEV_FILE} is missing: the evaluation tests read ../shared/ranking/dev-bogor.json")
    return DEV_FILE


@pytest.fixture(scope="session")
def dev_set(dev_path: Path) -> JudgmentSet:
    """The parsed development district."""
    return JudgmentSet.from_json(dev_path)
