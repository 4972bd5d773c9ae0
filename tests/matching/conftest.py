"""Make the helpers module importable from the matching tests."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

from matchmaker.matching.schema import JudgmentSet  # noqa: E402

# Judgment sets live in the tree (see data/README.md): a bare clone has nothing beside it.
DATA_DIR = Path(__file__).resolve().parent / "data"
DEV_FILE = DATA_DIR / "dev-bogor.json"


@pytest.fixture(scope="session")
def dev_path() -> Path:
    """Path of the development district of Kabupaten Bogor, kept in ``tests/matching/data``."""
    if not DEV_FILE.exists():
        pytest.fail(f"{DEV_FILE} is missing: the evaluation tests read tests/matching/data/dev-bogor.json")
    return DEV_FILE


@pytest.fixture(scope="session")
def dev_set(dev_path: Path) -> JudgmentSet:
    """The parsed development district."""
    return JudgmentSet.from_json(dev_path)


@pytest.fixture(scope="session")
def skill_vocabulary():
    """The shipped canonical skills vocabulary, as the app hands it to the engine."""
    from matchmaker.reference.skill_resolver import VocabularyForRanking

    return VocabularyForRanking()
