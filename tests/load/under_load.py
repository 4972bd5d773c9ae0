"""Where the gunicorn workers spend their CPU during a load run, per page (``LOAD_PYSPY=1``).

``run.py`` starts ``py-spy record --format raw`` on each worker for the measured run. py-spy
samples the workers from outside (100 times a second, pausing each for a moment) and writes one
line per distinct stack: ``frame;frame;…;frame count``, each frame ``function (file:line)``.
Only the thread holding the interpreter is sampled (``--gil``), so the samples are the workers'
Python CPU: threads waiting for PostgreSQL or for a request are not in them, and neither is C
work done without the interpreter (the scrypt password hash, Brotli) nor PostgreSQL's own CPU.

This module turns those files into a Markdown note: for each page (the view function found in
the stack), its share of the samples, what kind of work they were (database driver, ORM, SQLAlchemy
Core, templates, search, ranking, password hashing, framework, the app's own code), and
the functions where the CPU was (the innermost frame).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")
# The first matching rule names the kind of work of a sample's innermost frame.
KINDS = (
    ("password hashing", ("hashlib", "werkzeug/security")),
    ("database driver", ("psycopg",)),
    ("ORM", ("sqlalchemy/orm",)),
    ("SQLAlchemy Core (statements, results)", ("sqlalchemy",)),
    ("templates", ("jinja2", "markupsafe", "templates/")),
    ("search", ("matchmaker/partners/search", "rapidfuzz")),
    ("ranking", ("matchmaker/matching", "sklearn", "scipy", "numpy")),
    ("framework", ("flask", "werkzeug", "babel", "wtforms", "itsdangerous", "gunicorn", "limits")),
    ("app code", ("matchmaker/",)),
)
TOP_FUNCTIONS = 10


def parse_frame(text: str) -> tuple[str, str]:
    """``(function, file)`` of one py-spy frame; the file shortened from site-packages or the project."""
    found = FRAME.match(text.strip())
    if not found:
        return text.strip(), ""
    path = found.group("file")
    for marker in ("site-packages/", "/work/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    if "matchmaker/" in path:
        path = "matchmaker/" + path.split("matchmaker/", 1)[1]
    elif "templates/" in path:
        path = "templates/" + path.split("templates/", 1)[1]
    line = found.group("line")
    return found.group("function"), f"{path}:{line}" if line else path


def page_of(frames: list[tuple[str, str]]) -> str | None:
    """The page a stack served: its outermost view function (``views.py`` of a blueprint)."""
    for function, where in frames:
        path = where.split(":", 1)[0]
        if path.startswith("matchmaker/") and path.endswith("views.py"):
            blueprint = path.split("/")[1]
            return f"{blueprint}.{function}"
    return None


def kind_of(where: str) -> str:
    """The kind of work of a frame's file."""
    for kind, markers in KINDS:
        if any(marker in where for marker in markers):
            return kind
    return "other (Python and C)"


def read_samples(paths: list[Path]) -> list[tuple[list[tuple[str, str]], int]]:
    """Every ``(frames, count)`` of the raw files, outermost frame first."""
    samples = []
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = [parse_frame(frame) for frame in stack.split(";") if frame]
            # py-spy puts the thread name first when it knows it ("process 123:\"name\"").
            frames = [frame for frame in frames if not frame[0].startswith(("process ", "thread "))]
            samples.append((frames, int(count)))
    return samples


def summarize(paths: list[Path], title: str) -> str:
    """The Markdown note of the samples in ``paths``."""
    samples = read_samples(paths)
    total = sum(count for _, count in samples) or 1
    by_page: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, Counter] = defaultdict(Counter)
    leaves: dict[str, Counter] = defaultdict(Counter)
    for frames, count in samples:
        page = page_of(frames) or "(outside a page: start-up, warm-up, idle loops)"
        leaf_function, leaf_where = frames[-1] if frames else ("?", "")
        # A function of C (a hash, a regular expression) is named by the Python code that called it.
        with_file = [where for _, where in frames if where and not where.startswith("<")]
        by_page[page]["samples"] += count
        kinds[page][kind_of(with_file[-1] if with_file else leaf_where)] += count
        leaves[page][f"`{leaf_function}` {leaf_where}"] += count
    lines = [f"# {title}", "", f"{total:,} samples of the gunicorn workers' Python CPU (py-spy --gil, 100 a second).",
             ""]
    lines += ["| page | share of the CPU | kinds of work (share of the page) |", "| --- | ---: | --- |"]
    order = sorted(by_page, key=lambda page: -by_page[page]["samples"])
    for page in order:
        count = by_page[page]["samples"]
        mix = ", ".join(
            f"{kind} {100 * part / count:.0f}%" for kind, part in kinds[page].most_common() if part / count >= 0.03
        )
        lines.append(f"| {page} | {100 * count / total:.1f}% | {mix} |")
    for page in order:
        count = by_page[page]["samples"]
        lines += ["", f"## {page}", "", "| where the CPU was (innermost frame) | share of the page |", "| --- | ---: |"]
        for where, part in leaves[page].most_common(TOP_FUNCTIONS):
            lines.append(f"| {where} | {100 * part / count:.1f}% |")
    return "\n".join(lines) + "\n"
