"""Test data for the region resolver: village names as people write them, built from the real list.

For every desa of a kabupaten (or a deterministic sample of the whole country) this writes the
name the ways facilitators' spreadsheets do — other case, ``Ds.``/``Desa``/``Kel.``/``Kelurahan``
prefixes, other spacing, Roman/Arabic numerals, the old spelling, one or two typos — and knows
the right code. :func:`measure` resolves every variant and counts accuracy@1 (a ``None`` counts
as a miss). The variants are a pure function of the region list: the same file gives the same
cases, so figures can be compared from one change to the next.

Run ``flask --app wsgi regions accuracy --within 32.01`` (or ``python -m
tests.reference.region_variants --within 32.01``) on a database with the regions loaded.

Rules that keep the cases fair: a name shared by several villages of the scope always gets its
kecamatan after a comma (nobody could tell them apart otherwise); typos are only made in names
of five letters or more (two typos from eight); a typo that happens to spell another village of
the scope is dropped; the rare name shared by two villages of one kecamatan is left out.
National cases carry the kecamatan and kabupaten as ``context``, as the
columns of a spreadsheet row would.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from matchmaker.models import RegionLevel, display_region_name
from matchmaker.reference.regions import RegionRow, read_region_rows
from matchmaker.reference.resolver import fold_name, resolve_region

VARIANT_KINDS = ("case", "prefix", "spacing", "numeral", "old_spelling", "typo1", "typo2", "kecamatan")
PREFIXES = ("Ds. ", "Desa ", "Kel. ", "Kelurahan ", "DESA ", "ds ")
# Word starts that village names are compounded from, to split "Sukamaju" as "Suka Maju".
COMPOUND_HEADS = (
    "suka", "sumber", "sido", "wono", "mekar", "sirna", "karang", "tanjung", "gunung", "pasir", "cikal",
    "bojong", "kampung", "sungai", "padang", "batu", "muara", "tegal", "banjar", "jaya", "harja",
    "marga", "giri", "purwa", "rejo", "mulya", "ci",
)
KEYBOARD_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et",
    "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}
_ROMAN_WORD = re.compile(r"\b(?=[IVX]+\b)(X{0,3})(IX|IV|V?I{0,3})\b")
_ARABIC_WORD = re.compile(r"\b([1-9]|[1-3][0-9])\b")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


@dataclass(frozen=True)
class Case:
    """One input and the region it must resolve to."""

    text: str
    expected: str
    kind: str
    context: tuple[str, ...] = ()


@dataclass
class Report:
    """Accuracy@1 of a set of cases, overall and per kind of variant."""

    scope: str
    total: int = 0
    correct: int = 0
    unresolved: int = 0
    seconds: float = 0.0
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[tuple[Case, str | None]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        """Share of cases resolved to the right code."""
        return self.correct / self.total if self.total else 0.0

    @property
    def wrong(self) -> int:
        """Cases resolved confidently to another region (worse than no answer)."""
        return self.total - self.correct - self.unresolved

    def lines(self) -> list[str]:
        """The figures as printable lines."""
        out = [
            f"{self.scope}: accuracy@1 {self.accuracy:.1%} ({self.correct}/{self.total}); "
            f"no confident match {self.unresolved}, wrong region {self.wrong}; "
            f"{1000 * self.seconds / max(self.total, 1):.1f} ms per name",
        ]
        for kind in VARIANT_KINDS:
            if kind in self.by_kind:
                right, total = self.by_kind[kind]
                out.append(f"  {kind:<13} {right / total:6.1%}  ({right}/{total})")
        return out


def _roman_to_arabic(match: re.Match[str]) -> str:
    word = match.group(0)
    total = 0
    for index, letter in enumerate(word):
        value = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[word[index + 1]] if index + 1 < len(word) else 0
        total += -value if value < following else value
    return str(total)


def _arabic_to_roman(match: re.Match[str]) -> str:
    number = int(match.group(0))
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def numeral_variant(name: str) -> str | None:
    """``Cibatok I`` → ``Cibatok 1`` and back; None for a name without a numeral."""
    words = name.split(" ")
    if len(words) > 1:
        tail = " ".join(words[1:])
        swapped = _ROMAN_WORD.sub(lambda m: _roman_to_arabic(m) if m.group(0) else "", tail)
        if swapped == tail:
            swapped = _ARABIC_WORD.sub(_arabic_to_roman, tail)
        if swapped != tail:
            return f"{words[0]} {swapped}"
    return None


def old_spelling(name: str) -> str | None:
    """The pre-1972 spelling: u → oe, j → dj, c → tj, y → j (``Sukamaju`` → ``Soekamadjoe``)."""
    out = []
    for char in name:
        lower = char.lower()
        old = {"u": "oe", "j": "dj", "c": "tj", "y": "j"}.get(lower)
        if old is None:
            out.append(char)
        else:
            out.append(old.capitalize() if char.isupper() else old)
    spelled = "".join(out)
    return spelled if spelled != name else None


def spacing_variant(name: str) -> str | None:
    """Join a multi-word name, or split a one-word name after its first compound part.

    A trailing numeral stays apart: ``CibatokI`` is not how anyone writes ``Cibatok I``.
    """
    words = name.split(" ")
    numeral = words[-1] if len(words) > 1 and re.fullmatch(r"[IVX]+|\d+", words[-1]) else ""
    body = words[:-1] if numeral else words
    suffix = f" {numeral}" if numeral else ""
    if len(body) > 1:
        return "".join(body) + suffix
    lower = body[0].lower()
    for head in COMPOUND_HEADS:
        if lower.startswith(head) and len(lower) > len(head) + 2:
            return f"{body[0][: len(head)]} {body[0][len(head)].upper()}{body[0][len(head) + 1:]}{suffix}"
    return None


def typo(name: str, count: int, rng: random.Random) -> str:
    """``count`` typing slips: a neighbouring key, a dropped, doubled or swapped letter (never the first)."""
    chars = list(name)
    for _ in range(count):
        letters = [i for i, char in enumerate(chars) if char.isalpha() and i > 0]
        position = rng.choice(letters)
        kind = rng.choice(("neighbour", "drop", "double", "swap"))
        char = chars[position]
        if kind == "neighbour" and char.lower() in KEYBOARD_NEIGHBOURS:
            chars[position] = rng.choice(KEYBOARD_NEIGHBOURS[char.lower()])
        elif kind == "drop" and len(letters) > 4:
            del chars[position]
        elif kind == "swap" and position + 1 < len(chars) and chars[position + 1].isalpha():
            chars[position], chars[position + 1] = chars[position + 1], chars[position]
        else:
            chars.insert(position, char)
    return "".join(chars)


def _variants(name: str, kecamatan: str, rng: random.Random) -> list[tuple[str, str]]:
    """Every applicable variant of ``name`` as ``(kind, text)``."""
    out = [("case", name.upper() if rng.random() < 0.5 else name.lower())]
    out.append(("prefix", rng.choice(PREFIXES) + name))
    for kind, variant in (
        ("spacing", spacing_variant(name)),
        ("numeral", numeral_variant(name)),
        ("old_spelling", old_spelling(name)),
    ):
        if variant:
            out.append((kind, variant))
    letters = sum(char.isalpha() for char in name)
    if letters >= 5:
        out.append(("typo1", typo(name, 1, rng)))
    if letters >= 8:
        out.append(("typo2", typo(name, 2, rng)))
    out.append(("kecamatan", f"{name}, Kec. {kecamatan}"))
    return out


def build_cases(
    rows: Sequence[RegionRow] | None = None,
    *,
    within: str | None = None,
    every: int = 1,
    national: bool = False,
) -> list[Case]:
    """The cases for the desa under ``within`` (all desa if None), one desa in ``every``.

    ``national`` adds each desa's kecamatan and kabupaten as context (resolve without
    ``within``); otherwise a name that the scope shares gets its kecamatan after a comma.
    """
    rows = list(rows) if rows is not None else read_region_rows()
    names = {row.code: display_region_name(row.name, row.level) for row in rows}
    prefix = f"{within}." if within else ""
    villages = [row for row in rows if row.level == RegionLevel.VILLAGE and row.code.startswith(prefix)]
    scope_keys = Counter(fold_name(row.name, RegionLevel.VILLAGE) for row in villages)
    kecamatan_keys = Counter((row.parent_code, fold_name(row.name, RegionLevel.VILLAGE)) for row in villages)
    cases: list[Case] = []
    for number, row in enumerate(villages):
        if number % every:
            continue
        rng = random.Random(row.code)  # noqa: S311 - deterministic test data, not security
        kecamatan_code = row.parent_code or ""
        kecamatan = names[kecamatan_code]
        kabupaten = names[kecamatan_code.rsplit(".", 1)[0]]
        own_key = fold_name(row.name, RegionLevel.VILLAGE)
        if kecamatan_keys[(row.parent_code, own_key)] > 1:
            continue  # two villages of one kecamatan with one name: only the code tells them apart
        shared = scope_keys[own_key] > 1
        for kind, text in _variants(row.name, kecamatan, rng):
            key = fold_name(text.split(",")[0], RegionLevel.VILLAGE)
            if kind.startswith("typo") and key != own_key and key in scope_keys:
                continue  # the slip spells another village of the scope
            if national:
                cases.append(Case(text, row.code, kind, (f"Kec. {kecamatan}", kabupaten)))
            elif shared and kind != "kecamatan":
                cases.append(Case(f"{text}, Kec. {kecamatan}", row.code, kind))
            else:
                cases.append(Case(text, row.code, kind))
    return cases


def measure(
    cases: Iterable[Case],
    *,
    within: str | None = None,
    scope: str = "",
    resolve: Callable[..., object] = resolve_region,
) -> Report:
    """Resolve every case and count accuracy@1."""
    report = Report(scope=scope or (f"within {within}" if within else "national"))
    started = time.perf_counter()
    for case in cases:
        match = resolve(case.text, within=within, context=list(case.context) or None)
        code = getattr(match, "code", None)
        report.total += 1
        tally = report.by_kind[case.kind]
        tally[1] += 1
        if code == case.expected:
            report.correct += 1
            tally[0] += 1
        else:
            if code is None:
                report.unresolved += 1
            report.misses.append((case, code))
    report.seconds = time.perf_counter() - started
    return report


def main(argv: Sequence[str] | None = None) -> None:
    """Print the figures from the command line (needs the regions loaded in the configured database)."""
    import argparse

    from wsgi import app

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--within", action="append", default=[], help="a kabupaten code, e.g. 32.01 (repeatable)")
    parser.add_argument("--national-every", type=int, default=50, help="sample one desa in N nationally")
    args = parser.parse_args(argv)
    with app.app_context():
        for within in args.within or ["32.01"]:
            print("\n".join(measure(build_cases(within=within), within=within).lines()))
        cases = build_cases(every=args.national_every, national=True)
        print("\n".join(measure(cases, scope=f"national (1 desa in {args.national_every})").lines()))


if __name__ == "__main__":
    main()
