"""Find administrative regions from names as people write them.

Two uses: a type-ahead (:func:`search_regions`, behind ``/api/regions/search`` and the desa
picker) and resolving a free-text name to one region (:func:`resolve_region`, behind
spreadsheet imports, the ``regions resolve`` command and forms used without JavaScript).

Names are compared in a folded form that forgives what people vary on: case, the ``Ds.``,
``Desa``, ``Kel.`` and ``Kelurahan`` prefixes, spacing (``Suka Maju`` = ``Sukamaju``), Roman
and Arabic numerals (``Cibatok 1`` = ``Cibatok I``) and the pre-1972 spellings (``oe`` → u,
``dj`` → j, ``tj`` → c, ``j`` → y: ``Soekamadjoe``, ``Tjibatok``). Typos are left to
rapidfuzz. A kecamatan or kabupaten written after a comma (``Sukamaju, Kec. Cibungbulang``)
or passed as ``context`` picks among villages of the same name.

The region table (91k rows) is read once per process into an in-memory index, rebuilt when
the number of regions changes, so a type-ahead request never scans the table.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import current_app
from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from ..extensions import db
from ..models import Region, RegionLevel, display_region_name
from .regions import normalize_code
from .text import fold_accents

MAX_LIMIT = 50
# A name scoring below this (0–100, against the folded name) is never a confident match:
# two typos in an eight-letter name score 75.
MIN_NAME_SCORE = 72.0
# The best candidate must lead the next different region by this much, else it is a guess.
MIN_MARGIN = 2.0
# How much the kecamatan/kabupaten after a comma weighs against the name itself.
CONTEXT_WEIGHT = 0.5

# Words that introduce a region of a level; they are dropped before comparing, and inside a
# free text they mark where the desa name ends and its kecamatan or kabupaten begins.
LEVEL_PREFIXES = {
    RegionLevel.VILLAGE: frozenset({"ds", "desa", "kel", "kelurahan"}),
    RegionLevel.SUBDISTRICT: frozenset({"kec", "kecamatan"}),
    RegionLevel.DISTRICT: frozenset({"kab", "kabupaten"}),
    RegionLevel.PROVINCE: frozenset({"prov", "provinsi", "propinsi"}),
}
_ALL_PREFIXES = frozenset().union(*LEVEL_PREFIXES.values())
_AREA_MARKERS = _ALL_PREFIXES - LEVEL_PREFIXES[RegionLevel.VILLAGE]
_LEVEL_DEPTH = {level: depth for depth, level in enumerate(RegionLevel.ALL, start=1)}


def _roman(number: int) -> str:
    """1 → ``i``, 14 → ``xiv`` (numbers below 40 are all that village names use)."""
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while number >= value:
            out += letters
            number -= value
    return out


_ROMAN = {_roman(number): str(number) for number in range(1, 40)}
_APOSTROPHES = re.compile(r"['’`´]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_WORD = re.compile(r"[a-z0-9]+")
_CODE_QUERY = re.compile(r"\d{2}(\.\d{0,4})*")
_PARTS = re.compile(r"[,;\n]+")


@dataclass(frozen=True)
class RegionMatch:
    """A region found for a query: its code, display name, level, full path and a 0–100 score."""

    code: str
    name: str
    level: str
    path: str
    score: float


@dataclass(frozen=True)
class RegionResolution:
    """The outcome of resolving one name: the match (None if not confident) and the closest candidates."""

    match: RegionMatch | None
    candidates: list[RegionMatch]

    @property
    def ambiguous(self) -> bool:
        """True when several regions fit equally well (the name alone cannot tell them apart)."""
        return self.match is None and len(self.candidates) > 1 and self.candidates[0].score >= MIN_NAME_SCORE


# --- folding -----------------------------------------------------------------------------


def name_tokens(text: str) -> list[str]:
    """Lower-case ASCII words of ``text``, numbers split from letters, Roman numerals made Arabic."""
    text = fold_accents(text)
    text = _LETTER_DIGIT.sub(" ", _APOSTROPHES.sub("", text))
    words = _WORD.findall(text)
    # The first word stays as written: a village is "Vi" more plausibly than "6".
    return words[:1] + [_ROMAN.get(word, word) for word in words[1:]]


def strip_prefixes(words: list[str], prefixes: Iterable[str] = _ALL_PREFIXES) -> list[str]:
    """Drop leading level words (``desa``, ``kec``…), keeping at least one word."""
    wanted = frozenset(prefixes)
    start = 0
    while start < len(words) - 1 and words[start] in wanted:
        start += 1
    return words[start:]


def phonetic_key(words: Sequence[str]) -> str:
    """The comparison key: words run together, old spellings mapped to one modern form.

    ``j`` and ``y`` share a key because the old ``j`` is today's ``y`` while the old ``dj``
    is today's ``j``; which of the two was meant is settled by the plain-spelling score.
    """
    key = "".join(words)
    return key.replace("oe", "u").replace("dj", "j").replace("tj", "c").replace("j", "y")


def fold_name(text: str, level: str | None = None) -> str:
    """The key under which ``text`` is compared with region names of ``level``."""
    prefixes = LEVEL_PREFIXES.get(level, _ALL_PREFIXES) if level else _ALL_PREFIXES
    return phonetic_key(strip_prefixes(name_tokens(text), prefixes))


@dataclass
class _Query:
    """A free text split into the region name and the names of its enclosing areas."""

    words: list[str]
    key: str
    plain: str
    context: list[str] = field(default_factory=list)


def _parse_query(text: str, level: str | None, context: Sequence[str] | None = None) -> _Query:
    """Split ``Ds. Sukamaju Kec. Cibungbulang, Kab. Bogor`` into the name and context keys."""
    parts = [part for part in _PARTS.split(text) if part.strip()]
    head = name_tokens(parts[0]) if parts else []
    head = strip_prefixes(head, LEVEL_PREFIXES.get(level, _ALL_PREFIXES) if level else _ALL_PREFIXES)
    rest: list[list[str]] = []
    # "Sukamaju Kec Cibungbulang" without a comma: a marker word inside the name starts the context.
    for position in range(1, len(head)):
        if head[position] in _AREA_MARKERS:
            rest.append(head[position:])
            head = head[:position]
            break
    rest += [name_tokens(part) for part in parts[1:]]
    rest += [name_tokens(part) for part in (context or []) if part and part.strip()]
    context_keys = []
    for words in rest:
        key = phonetic_key(strip_prefixes(words))
        if key:
            context_keys.append(key)
    return _Query(words=head, key=phonetic_key(head), plain="".join(head), context=context_keys)


# --- the in-memory index -------------------------------------------------------------------


class _Table:
    """The regions of one level (or of all levels), sorted by code, with lazily built look-ups."""

    def __init__(self, index: _RegionIndex, members: list[int]) -> None:
        self.index = index
        self.members = members  # global positions, in code order
        self.codes = [index.codes[i] for i in members]
        self.keys = [index.keys[i] for i in members]
        self._unique: tuple[list[str], list[list[int]]] | None = None
        self._prefixes: tuple[list[str], list[int]] | None = None
        # One or two letters match thousands of names nationally: rank those once.
        self._short_prefix: dict[str, dict[int, float]] = {}
        self._by_initial: dict[str, tuple[list[str], list[list[int]]]] | None = None

    def span(self, within: str | None) -> tuple[int, int]:
        """The slice of this table under the code ``within`` (a region and its descendants)."""
        if not within:
            return 0, len(self.members)
        low = bisect.bisect_left(self.codes, within)
        high = bisect.bisect_left(self.codes, within + "/")  # "/" sorts right after "."
        return low, high

    def unique_keys(self) -> tuple[list[str], list[list[int]]]:
        """Distinct keys and the regions sharing each: 83k villages have only 60k names."""
        if self._unique is None:
            groups: dict[str, list[int]] = {}
            for position, key in zip(self.members, self.keys, strict=True):
                groups.setdefault(key, []).append(position)
            self._unique = (list(groups), list(groups.values()))
        return self._unique

    def by_initial(self) -> dict[str, tuple[list[str], list[list[int]]]]:
        """The distinct keys grouped by their first letter."""
        if self._by_initial is None:
            buckets: dict[str, tuple[list[str], list[list[int]]]] = {}
            for key, group in zip(*self.unique_keys(), strict=True):
                keys, groups = buckets.setdefault(key[:1], ([], []))
                keys.append(key)
                groups.append(group)
            self._by_initial = buckets
        return self._by_initial

    def fuzzy(
        self, key: str, cutoff: float, limit: int, span: tuple[int, int] | None = None, *, same_initial: bool = False
    ) -> set[int]:
        """Regions whose key is at least ``cutoff`` similar to ``key`` (in ``span`` of the table if given).

        ``same_initial`` only looks at names starting with the same letter: eight times faster
        on the national table, and people rarely mistype the first letter of a place they know.
        """
        found: set[int] = set()
        if span is None:
            keys, groups = self.by_initial().get(key[:1], ([], [])) if same_initial else self.unique_keys()
            for _choice, _score, slot in process.extract(
                key, keys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
            ):
                found.update(groups[slot])
            return found
        low, high = span
        if low < high:
            hits = process.extract(key, self.keys[low:high], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
            found.update(self.members[low + slot] for _choice, _score, slot in hits)
        return found

    def prefix_scores(self, key: str) -> dict[int, float]:
        """Regions with a word starting with ``key``: whole-name prefixes first, shorter names first."""
        cached = self._short_prefix.get(key)
        if cached is not None:
            return cached
        keys, positions = self.prefixes()
        low = bisect.bisect_left(keys, key)
        high = bisect.bisect_left(keys, key + "\x7f")
        scores: dict[int, float] = {}
        own_keys = self.index.keys
        for slot in range(low, high):
            position = positions[slot]
            matched = keys[slot]
            whole = matched == own_keys[position]
            if whole and matched == key:
                score = 100.0
            else:
                # A later word ("maju" in "Suka Maju") ranks below any name that starts so.
                score = 72.0 + 26.0 * len(key) / len(matched) if whole else 64.0 + 16.0 * len(key) / len(matched)
            if score > scores.get(position, 0.0):
                scores[position] = score
        if len(key) <= 2:
            best = sorted(scores.items(), key=lambda item: -item[1])[: MAX_LIMIT * 4]
            scores = self._short_prefix[key] = dict(best)
        return scores

    def prefixes(self) -> tuple[list[str], list[int]]:
        """Sorted keys of every word-start of every name, for prefix type-ahead by bisection."""
        if self._prefixes is None:
            entries: list[tuple[str, int]] = []
            for position in self.members:
                words = self.index.words[position]
                for start in range(len(words)):
                    entries.append((phonetic_key(words[start:]), position))
            entries.sort()
            self._prefixes = ([key for key, _ in entries], [position for _, position in entries])
        return self._prefixes


class _RegionIndex:
    """Every region's folded name, parent and path, read once from the database."""

    def __init__(self, rows: Iterable[tuple[str, str, str, str | None]]) -> None:
        ordered = sorted(rows)
        self.codes = [row[0] for row in ordered]
        self.names = [display_region_name(row[1], row[2]) for row in ordered]
        self.levels = [row[2] for row in ordered]
        position_of = {code: position for position, code in enumerate(self.codes)}
        self.parents = [position_of.get(row[3] or "", -1) for row in ordered]
        self.words = [strip_prefixes(name_tokens(row[1]), LEVEL_PREFIXES[row[2]]) for row in ordered]
        self.keys = [phonetic_key(words) for words in self.words]
        self.plains = ["".join(words) for words in self.words]
        self.position_of = position_of
        self._paths: dict[int, str] = {}
        self._tables: dict[tuple[str | None, str | None], _Table] = {}
        self._lock = threading.RLock()

    def table(self, level: str | None, within: str | None = None) -> _Table:
        """The regions of ``level`` (all regions for None) under the code ``within``."""
        table = self._tables.get((level, within))
        if table is None:
            with self._lock:
                table = self._tables.get((level, within))
                if table is None:
                    if within:
                        whole = self.table(level)
                        low, high = whole.span(within)
                        members = whole.members[low:high]
                    else:
                        members = [i for i, lvl in enumerate(self.levels) if level is None or lvl == level]
                    if len(self._tables) > 64:
                        # Scopes are mostly the home district; forget rare ones rather than grow.
                        for stale in [scope for scope in self._tables if scope[1]]:
                            del self._tables[stale]
                    table = self._tables[(level, within)] = _Table(self, members)
        return table

    def ancestors(self, position: int) -> list[int]:
        """Positions of the enclosing regions, narrowest first."""
        out = []
        parent = self.parents[position]
        while parent >= 0:
            out.append(parent)
            parent = self.parents[parent]
        return out

    def path(self, position: int) -> str:
        """``Sukamaju, Cibungbulang, Kab. Bogor, Jawa Barat``."""
        path = self._paths.get(position)
        if path is None:
            path = ", ".join(self.names[i] for i in [position, *self.ancestors(position)])
            self._paths[position] = path
        return path

    def match(self, position: int, score: float) -> RegionMatch:
        """The public record of the region at ``position``."""
        return RegionMatch(
            code=self.codes[position],
            name=self.names[position],
            level=self.levels[position],
            path=self.path(position),
            score=round(min(max(score, 0.0), 100.0), 1),
        )


_indexes: weakref.WeakKeyDictionary[Engine, tuple[int, _RegionIndex, float]] = weakref.WeakKeyDictionary()
_build_lock = threading.Lock()


def _region_index() -> _RegionIndex:
    """The index of the current database, rebuilt when its number of regions has changed.

    Regions change only when reference data is (re)loaded, so the count is checked at most
    every ``REGION_INDEX_RECHECK_SECONDS``: counting 91,000 rows costs several ms on PostgreSQL.
    """
    engine = db.engine
    cached = _indexes.get(engine)
    recheck = current_app.config.get("REGION_INDEX_RECHECK_SECONDS", 60)
    if cached is not None and time.monotonic() - cached[2] < recheck:
        return cached[1]
    count = db.session.scalar(select(func.count()).select_from(Region)) or 0
    if cached is not None and cached[0] == count:
        _indexes[engine] = (count, cached[1], time.monotonic())
        return cached[1]
    with _build_lock:
        cached = _indexes.get(engine)
        if cached is not None and cached[0] == count:
            return cached[1]
        rows = db.session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))
        index = _RegionIndex((code, name, level, parent) for code, name, level, parent in rows)
        _indexes[engine] = (count, index, time.monotonic())
        return index


def warm_up(levels: Sequence[str | None] = (RegionLevel.VILLAGE, None)) -> None:
    """Build the index and the look-ups of ``levels`` now rather than on the first request."""
    index = _region_index()
    for level in levels:
        table = index.table(level)
        table.by_initial()
        table.prefixes()


# --- scoring -----------------------------------------------------------------------------


def _check_level(level: str | None) -> None:
    if level is not None and level not in RegionLevel.ALL:
        raise ValueError(f"unknown region level {level!r}; use one of {', '.join(RegionLevel.ALL)}")


def normalize_within(within: str | None) -> str | None:
    """The dotted form of a ``within`` code (None for none); ValueError if malformed."""
    if within is None or not within.strip():
        return None
    code = normalize_code(within)
    if code is None:
        raise ValueError(f"malformed region code {within!r}")
    return code


def _name_score(index: _RegionIndex, position: int, query: _Query) -> float:
    """Similarity of the name alone: mostly the folded key, a little the spelling as written.

    The plain spelling separates names that share a key (``Jati`` and ``Yati``) and lets
    the modern spelling of an old name win over its look-alikes.
    """
    key_score = fuzz.ratio(query.key, index.keys[position])
    plain_score = fuzz.ratio(query.plain, index.plains[position])
    return 0.9 * key_score + 0.1 * plain_score


def _context_score(index: _RegionIndex, position: int, context: list[str]) -> float:
    """How well the enclosing areas fit the names given after the comma (mean of the best fits)."""
    ancestors = index.ancestors(position)
    if not context or not ancestors:
        return 0.0
    total = 0.0
    for key in context:
        # "Cibung" is read as the start of "Cibungbulang", as in a type-ahead.
        total += max(
            100.0 if len(key) >= 3 and index.keys[ancestor].startswith(key) else fuzz.ratio(key, index.keys[ancestor])
            for ancestor in ancestors
        )
    return total / len(context)


def _combine(name_score: float, context_score: float, has_context: bool) -> float:
    """The 0–100 score reported and ranked on."""
    if not has_context:
        return name_score
    return (name_score + CONTEXT_WEIGHT * context_score) / (1 + CONTEXT_WEIGHT)


def _context_areas(index: _RegionIndex, level: str, context: list[str], within: str | None) -> list[str]:
    """Codes of the areas above ``level`` whose names fit the context names closely."""
    depth = _LEVEL_DEPTH[level]
    codes: set[str] = set()
    for key in context:
        for area_level in RegionLevel.ALL[: depth - 1]:
            for position in index.table(area_level, within).fuzzy(key, 85, 5):
                codes.add(index.codes[position])
    # Narrow areas first, few of them: they exist to rescue a badly typed village name.
    return sorted(codes, key=lambda code: (-len(code), code))[:12]


def resolve_region_detail(
    text: str,
    *,
    level: str = RegionLevel.VILLAGE,
    within: str | None = None,
    context: list[str] | None = None,
) -> RegionResolution:
    """Resolve ``text`` and also return the closest candidates (for messages and the CLI)."""
    _check_level(level)
    within = normalize_within(within)
    query = _parse_query(text or "", level, context)
    if not query.key:
        return RegionResolution(None, [])
    index = _region_index()
    table = index.table(level, within)
    candidates = table.fuzzy(query.key, MIN_NAME_SCORE - 12, 30)
    for area in _context_areas(index, level, query.context, within):
        candidates |= table.fuzzy(query.key, MIN_NAME_SCORE - 12, 30, span=table.span(area))
    scored = []
    for position in candidates:
        name_score = _name_score(index, position, query)
        context_score = _context_score(index, position, query.context)
        scored.append((_combine(name_score, context_score, bool(query.context)), name_score, position))
    scored.sort(key=lambda item: (-item[0], index.codes[item[2]]))
    top = [index.match(position, score) for score, _name, position in scored[:5]]
    if not scored:
        return RegionResolution(None, top)
    best_score, best_name, _position = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    confident = best_name >= MIN_NAME_SCORE and best_score - runner_up >= MIN_MARGIN
    return RegionResolution(top[0] if confident else None, top)


def resolve_region(
    text: str,
    *,
    level: str = RegionLevel.VILLAGE,
    within: str | None = None,
    context: list[str] | None = None,
) -> RegionMatch | None:
    """The one region ``text`` names, or None when no region fits confidently.

    ``text`` may carry its kecamatan and kabupaten after commas; ``context`` adds more such
    names (a spreadsheet's kecamatan and kabupaten columns). ``within`` limits the search to
    a region's descendants (``32.01``). Several equally good candidates give None: a guess
    would put a household in the wrong village.
    """
    return resolve_region_detail(text, level=level, within=within, context=context).match


def search_regions(
    query: str, *, level: str | None = None, within: str | None = None, limit: int = 10
) -> list[RegionMatch]:
    """Regions for a type-ahead, best first: exact names, then names starting with what was typed, then look-alikes.

    Prefixes match at any word start (``maju`` finds ``Suka Maju``); a code or code prefix
    (``32.01.16``) lists regions by code; a comma adds kecamatan/kabupaten names that rank
    their villages first. Raises ValueError for an unknown level or malformed ``within``.
    """
    _check_level(level)
    within = normalize_within(within)
    limit = max(1, min(int(limit), MAX_LIMIT))
    text = (query or "").strip()
    if not text:
        return []
    index = _region_index()
    table = index.table(level, within)
    if _CODE_QUERY.fullmatch(text):
        return _search_codes(index, table, text, limit)
    parsed = _parse_query(text, level)
    if not parsed.key:
        return []
    scores = dict(table.prefix_scores(parsed.key))
    # Look-alikes matter when what was typed is not the start of enough names (a typo).
    enough = sum(score >= 72.0 for score in scores.values()) >= limit
    if len(parsed.key) >= 3 and not enough:
        national = len(table.members) > 20_000
        for position in table.fuzzy(parsed.key, 70, limit * 3 + 10, same_initial=national):
            score = 0.95 * _name_score(index, position, parsed)
            if score > scores.get(position, 0.0):
                scores[position] = score
    if parsed.context:
        # Only the best by name can win by context; scoring thousands of ancestors is wasted time.
        shortlist = sorted(scores.items(), key=lambda item: -item[1])[:300]
        scores = {
            position: _combine(score, _context_score(index, position, parsed.context), True)
            for position, score in shortlist
        }
    ranked = sorted(scores.items(), key=lambda item: (-item[1], len(index.keys[item[0]]), index.codes[item[0]]))
    return [index.match(position, score) for position, score in ranked[:limit]]


def _search_codes(index: _RegionIndex, table: _Table, text: str, limit: int) -> list[RegionMatch]:
    """Regions whose code starts with ``text``, in code order."""
    low = bisect.bisect_left(table.codes, text)
    out = []
    for slot in range(low, min(len(table.codes), low + limit)):
        code = table.codes[slot]
        if not code.startswith(text):
            break
        out.append(index.match(table.members[slot], 100.0 if code == text else 90.0))
    return out


def describe_region(code: str | None) -> RegionMatch | None:
    """The region with this exact code, with its path (None if there is none)."""
    if not code:
        return None
    index = _region_index()
    position = index.position_of.get(code.strip())
    return index.match(position, 100.0) if position is not None else None


def resolve_region_field(text: str | None, code: str | None, within: str | None = None) -> str | None:
    """The desa code a picker form submitted: the picked ``code`` if valid, else ``text`` resolved.

    With JavaScript the picker fills ``code``; without it only the typed ``text`` arrives and
    is resolved here. Returns None when neither gives a desa under ``within``.
    """
    within = normalize_within(within)
    if code and code.strip():
        region = db.session.get(Region, code.strip())
        if (
            region is not None
            and region.level == RegionLevel.VILLAGE
            and (not within or region.code.startswith(within + "."))
        ):
            return region.code
    if text and text.strip():
        match = resolve_region(text, level=RegionLevel.VILLAGE, within=within)
        if match is not None:
            return match.code
    return None
