"""Reading an uploaded .xlsx or .csv into rows of cell values, with bounded time and memory.

The one entry point is :func:`read_rows`: it turns the bytes of an upload into
``(sheet row number, cells)`` pairs, lazily, and raises :class:`SheetRefused` with a file
message code (see ``messages.FILE_MESSAGES``) as soon as the file breaks a limit or cannot
be parsed. Cells are ``None``, ``str`` (stripped), ``int``, ``float`` or ``bool``; dates come
as ``yyyy-mm-dd`` text. Nothing here knows what the columns mean.

A workbook is a zip of XML parts, and an upload is hostile until proven otherwise: a 1 MB
file can inflate to gigabytes, declare a sheet of 16,384 × 1,048,576 cells, or carry
entities and malformed XML. So, before parsing, the zip's central directory is checked
(entry count, uncompressed size per entry and in total, compression ratio); then only the
parts needed are read (the workbook and its relationships, the styles for date formats,
the shared strings, and the first worksheet), all refusing any DTD (so no entity, internal
or external), and streamed: every element is dropped once read, and no text node may grow
much past a cell's size while it is parsed. The declared ``<dimension>`` is ignored: rows
hold only the cells that are there, and a cell past ``max_columns``, a cell longer than
``max_cell_chars``, more than ``max_total_chars`` of text in all, or ``max_seconds`` of
reading stops it. Nothing is padded, so what the caller keeps is what the file holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from posixpath import dirname, join, normpath
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import iterparse as fast_iterparse

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from ..forms import strip_bidi_controls
from .messages import CodedError

Row = tuple[int, list[Any]]

# Excel itself holds at most 32,767 characters in a cell and 1,048,576 rows in a sheet.
EXCEL_CELL_CHARS = 32_767
EXCEL_ROWS = 1_048_576

# Zip limits. A workbook of 50,000 template rows is about 60 MB of sheet XML written with
# inline strings (less with shared strings), compressed about 11 times.
MAX_ENTRIES = 1_000
MAX_SHEET_BYTES = 128 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 40 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024  # any other part: workbook, styles, theme, images…
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_RATIO = 100  # POI's default: real sheets compress 5–20 times
RATIO_GRACE_BYTES = 1024 * 1024  # small parts compress well and harm nobody

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class SheetRefused(CodedError):
    """The file cannot be read within the limits; ``code`` is a key of ``messages.FILE_MESSAGES``."""


@dataclass(frozen=True)
class SheetLimits:
    """How much of a sheet :func:`read_rows` accepts.

    ``max_columns``: a non-empty cell further right refuses the file (``too_many_columns``);
    ``max_cell_chars``: a longer cell refuses it (``cell_too_long``); ``max_total_chars``: the
    text of all cells together (``too_much_text``); ``max_row_elements``: rows read, blank ones
    included (``too_many_rows`` with ``limit``); ``max_seconds``: wall time from the first row
    asked for to the last (``too_slow``), a last guard whatever the file holds.
    """

    max_columns: int
    max_row_elements: int
    row_limit_label: str
    max_cell_chars: int = EXCEL_CELL_CHARS
    max_total_chars: int = 20_000_000
    max_seconds: float = 25.0


def read_rows(content: bytes, extension: str, limits: SheetLimits, sheet: int = 0) -> Iterator[Row]:
    """The rows of an upload (``extension`` "xlsx" or "csv"), lazily; raises :class:`SheetRefused`.

    Rows come in sheet order with their sheet row numbers; each row's list stops at its last
    cell (no padding to a declared width), and wholly absent rows are not yielded. The
    caller may stop iterating at any time (for example past its own row limit). ``sheet`` is
    the worksheet's position in the workbook (an instructions sheet may come first); past the
    last one, :class:`SheetRefused` ``no_such_sheet`` is raised (a CSV has one sheet).
    """
    budget = _Budget(limits)
    if extension == "csv" and sheet:
        raise SheetRefused("no_such_sheet")
    if extension == "xlsx":
        rows = _xlsx_rows(content, limits, budget, sheet)
    elif extension == "csv":
        rows = _csv_rows(content, limits)
    else:  # pragma: no cover - the caller checks the extension
        raise SheetRefused("bad_type")
    for number, cells in rows:
        budget.count_row(cells)
        yield number, cells


class _Budget:
    """Counts rows and characters across the file."""

    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.rows = 0
        self.chars = 0
        self.deadline = time.monotonic() + limits.max_seconds

    def check_time(self) -> None:
        """Refuse once the file has taken longer than ``max_seconds`` to read."""
        if time.monotonic() > self.deadline:
            raise SheetRefused("too_slow")

    def count_row(self, cells: list[Any]) -> None:
        self.check_time()
        self.rows += 1
        if self.rows > self.limits.max_row_elements:
            raise SheetRefused("too_many_rows", limit=self.limits.row_limit_label)
        self.chars += sum(len(cell) for cell in cells if isinstance(cell, str))
        if self.chars > self.limits.max_total_chars:
            raise SheetRefused("too_much_text")


def clean_cell(value: Any) -> Any:
    """A cell as the importer keeps it: text stripped, whole floats as ints, dates as ``yyyy-mm-dd``."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        # A right-to-left override in a name or note would make the text read differently from
        # what is stored (the forms strip the same characters).
        return strip_bidi_controls(value).strip()
    return value


def _place(cells: list[Any], column: int, value: Any, limits: SheetLimits) -> None:
    """Put a non-empty value at 1-based ``column``, padding with None; enforce the column and length caps."""
    if isinstance(value, str):
        if len(value) > limits.max_cell_chars:
            raise SheetRefused("cell_too_long", limit=f"{limits.max_cell_chars:,}".replace(",", "."))
        if not value:
            return
    if column > limits.max_columns:
        raise SheetRefused("too_many_columns", limit=limits.max_columns)
    if column > len(cells):
        cells.extend([None] * (column - len(cells)))
    cells[column - 1] = value


# CSV ---------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """The separator of a CSV: of ``;``, ``,`` and tab, the one splitting the first lines most evenly and most.

    (csv.Sniffer guesses wrong when free-text cells hold commas in a semicolon file.)
    """
    lines = [line for line in text[:20_000].splitlines() if line.strip()][:20]
    best, best_score = ",", -1
    for candidate in (";", ",", "\t"):
        try:
            counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines] or [0]
        except csv.Error:
            continue
        common = max(set(counts), key=counts.count)
        score = common * counts.count(common)
        if common > 1 and score > best_score:
            best, best_score = candidate, score
    return best


def _csv_rows(content: bytes, limits: SheetLimits) -> Iterator[Row]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise SheetRefused("unreadable")
    if "\x00" in text:
        raise SheetRefused("unreadable")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A field past the csv module's 131,072 characters, or broken quoting.
            raise SheetRefused("unreadable") from exc
        number += 1
        if len(record) > limits.max_columns:
            # Excel pads every line to the widest one with empty fields: only a value counts.
            if any(value.strip() for value in record[limits.max_columns :]):
                raise SheetRefused("too_many_columns", limit=limits.max_columns)
            del record[limits.max_columns :]
        cells: list[Any] = []
        for column, value in enumerate(record, start=1):
            _place(cells, column, clean_cell(value), limits)
        yield number, cells


# XLSX --------------------------------------------------------------------------------------


def check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose entries are too many, too large or too compressed, before inflating any."""
    entries = archive.infolist()
    if len(entries) > MAX_ENTRIES:
        raise SheetRefused("unreadable")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1 or entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SheetRefused("unreadable")  # encrypted, or a method Excel never writes
        name = entry.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            cap = MAX_SHEET_BYTES
        elif name.casefold().endswith("sharedstrings.xml"):
            cap = MAX_SHARED_STRINGS_BYTES
        else:
            cap = MAX_PART_BYTES
        if entry.file_size > cap:
            raise SheetRefused("inflates_too_much")
        if entry.file_size > RATIO_GRACE_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise SheetRefused("inflates_too_much")
        total += entry.file_size
    if total > MAX_TOTAL_BYTES:
        raise SheetRefused("inflates_too_much")


def _xlsx_rows(content: bytes, limits: SheetLimits, budget: _Budget, sheet: int = 0) -> Iterator[Row]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SheetRefused("unreadable") from exc
    with archive:
        check_zip(archive)
        try:
            book = _Workbook(archive, budget, sheet)
            yield from _sheet_rows(archive, book, limits, budget)
        except SheetRefused:
            raise
        except (
            ParseError, DefusedXmlException, zipfile.BadZipFile, KeyError, IndexError, ValueError,
            OverflowError, EOFError, OSError, UnicodeError, TypeError,
        ) as exc:
            # Malformed XML (NUL, &#0;, invalid UTF-8), a DTD or entities, a missing or corrupt
            # part, a bad shared-string index or number: all the same to the person uploading.
            raise SheetRefused("unreadable") from exc


MAX_DEPTH = 32
MAX_ELEMENTS_IN_VALUE = 10_000  # rich-text runs in one string, children of one cell
MAX_SHARED_STRINGS = 2_000_000  # 50,000 rows of 40 different strings


class _Metered:
    """A part's stream that refuses to go on when too many bytes came without an XML event.

    The parser keeps a text node whole until its end tag: a 100 MB cell would sit in memory
    before its length could be checked. Between two events there is at most one text node
    (or tag), so counting the bytes read since the last event bounds it.
    """

    def __init__(self, stream: IO[bytes], limits: SheetLimits) -> None:
        self.stream = stream
        self.limits = limits
        # Up to 10 bytes a character (``&#x10FFFF;``), plus one read of the parser's.
        self.allowed = 10 * limits.max_cell_chars + 64 * 1024
        self.position = 0
        self.mark = 0
        self.prolog: bytes | None = b""

    def read(self, size: int = -1) -> bytes:
        """Read like the stream, after checking the bytes since the last event."""
        if self.position - self.mark > self.allowed:
            raise SheetRefused("cell_too_long", limit=f"{self.limits.max_cell_chars:,}".replace(",", "."))
        data = self.stream.read(size if 0 < size <= 64 * 1024 else 64 * 1024)
        self.position += len(data)
        if self.prolog is not None:
            self.prolog += data
            if _prolog_ends(self.prolog, at_end=not data):
                self.prolog = None
        return data


_PROLOG_LIMIT = 64 * 1024


def _prolog_ends(head: bytes, *, at_end: bool) -> bool:
    """Whether ``head`` reaches the root element without a DOCTYPE; raise on a DTD or an odd encoding.

    Without a DTD no entity can be declared, internal or external, so the fast C parser is
    as safe as defusedxml here. Excel writes UTF-8; anything whose first character is not
    ``<`` in an ASCII-compatible encoding (UTF-16, UTF-32) is refused, since a DOCTYPE in it
    would not be seen.
    """
    position = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(head) and head[position] in b" \t\r\n":
            position += 1
        if position >= len(head) - 1:
            break
        if head[position] != ord("<"):
            raise SheetRefused("unreadable")
        if head.startswith(b"<?", position):
            end = head.find(b"?>", position)
            if end < 0:
                break
            position = end + 2
        elif head.startswith(b"<!--", position):
            end = head.find(b"-->", position)
            if end < 0:
                break
            position = end + 3
        elif head.startswith(b"<!", position):
            raise SheetRefused("unreadable")  # a DOCTYPE: refused, with whatever it declares
        else:
            return True
    if at_end:
        return True  # an empty or cut part: the parser says it is malformed
    if len(head) > _PROLOG_LIMIT:
        raise SheetRefused("unreadable")
    return False


@functools.lru_cache(maxsize=256)
def _local(tag: str) -> str:
    """A tag without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _stream(
    stream: IO[bytes], budget: _Budget, value_tag: str | None = None, *, large: bool = False
) -> Iterator[tuple[str, Element, Element | None]]:
    """``(event, element, parent)`` of a part, without a DTD, in bounded memory.

    Small parts are parsed by defusedxml; ``large`` ones (the sheet, the shared strings) by
    the standard library's C parser, twice as fast, behind the same refusal of any DTD
    (see :func:`_prolog_ends`).

    Every element is dropped from the tree once its end has been yielded, except inside a
    ``value_tag`` element (a cell, a shared string), which is yielded whole and then dropped;
    such an element may hold at most ``MAX_ELEMENTS_IN_VALUE`` descendants, and no text node
    may be much longer than a cell (see :class:`_Metered`).
    """
    stack: list[Element] = []
    inside: int | None = None
    count = 0
    metered = _Metered(stream, budget.limits)
    events = (
        # DTDs are refused by _prolog_ends before the parser sees the root element.
        fast_iterparse(metered, events=("start", "end")) if large  # noqa: S314
        else iterparse(metered, events=("start", "end"), forbid_dtd=True)
    )
    for number, (event, element) in enumerate(events):
        metered.mark = metered.position
        if not number % 4096:
            budget.check_time()
        if event == "start":
            stack.append(element)
            if len(stack) > MAX_DEPTH:
                raise SheetRefused("unreadable")
            if inside is not None:
                count += 1
                if count > MAX_ELEMENTS_IN_VALUE:
                    raise SheetRefused("unreadable")
            else:
                if value_tag is not None and _local(element.tag) == value_tag:
                    inside, count = len(stack) - 1, 0
                yield "start", element, stack[-2] if len(stack) > 1 else None
            continue
        stack.pop()
        if inside is not None and len(stack) > inside:
            continue  # a descendant of the value being read: kept until the value ends
        inside = None
        parent = stack[-1] if stack else None
        yield "end", element, parent
        if parent is not None:
            parent.remove(element)


def _ends(
    stream: IO[bytes], budget: _Budget, value_tag: str | None = None, *, large: bool = False
) -> Iterator[tuple[Element, Element | None]]:
    """The ``end`` events of :func:`_stream`."""
    for event, element, parent in _stream(stream, budget, value_tag, large=large):
        if event == "end":
            yield element, parent


class _Workbook:
    """What is needed to read one worksheet (the first by default): part name, shared strings, date styles, epoch."""

    def __init__(self, archive: zipfile.ZipFile, budget: _Budget, sheet: int = 0) -> None:
        self.archive = archive
        self.budget = budget
        workbook_path = self._office_document()
        rels = self._relationships(workbook_path)
        self.epoch = WINDOWS_EPOCH
        self.sheet_path: str | None = None
        worksheets: list[str] = []
        with archive.open(workbook_path) as stream:
            for element, _parent in _ends(stream, self.budget):
                name = _local(element.tag)
                if name == "workbookPr" and element.get("date1904") in ("1", "true"):
                    self.epoch = MAC_EPOCH
                elif name == "sheet":
                    target = rels.get(element.get(f"{{{_REL}}}id", ""))
                    if target and target[0].endswith("/worksheet"):
                        worksheets.append(target[1])
        if worksheets and sheet >= len(worksheets):
            raise SheetRefused("no_such_sheet")
        self.sheet_path = worksheets[sheet] if worksheets else None
        if self.sheet_path is None or self.sheet_path not in archive.NameToInfo:
            raise SheetRefused("unreadable")
        by_type = {kind.rsplit("/", 1)[-1]: path for kind, path in rels.values()}
        self.strings = self._shared_strings(by_type.get("sharedStrings"))
        self.date_styles, self.timedelta_styles = self._date_styles(by_type.get("styles"))

    def _office_document(self) -> str:
        if "_rels/.rels" not in self.archive.NameToInfo:
            return "xl/workbook.xml"
        with self.archive.open("_rels/.rels") as stream:
            found = [
                _resolve("", element.get("Target", ""))
                for element, _parent in _ends(stream, self.budget)
                if _local(element.tag) == "Relationship" and element.get("Type", "").endswith("/officeDocument")
            ]
        return found[0] if found else "xl/workbook.xml"

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part name) of ``part``."""
        rels_path = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
        found = {}
        with self.archive.open(rels_path) as stream:
            for element, _parent in _ends(stream, self.budget):
                if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
                    continue
                found[element.get("Id", "")] = (
                    element.get("Type", ""), _resolve(dirname(part), element.get("Target", ""))
                )
        return found

    def _shared_strings(self, path: str | None) -> list[str]:
        strings: list[str] = []
        if path is None or path not in self.archive.NameToInfo:
            return strings
        # Every string is held in memory while the sheet is read: their number and text are
        # bounded like a sheet's (a cell may repeat a string, a table cannot hold more).
        chars = 0
        with self.archive.open(path) as stream:
            for element, _parent in _ends(stream, self.budget, "si", large=True):
                if _local(element.tag) == "si":
                    text = _text(element)
                    chars += len(text)
                    if chars > self.budget.limits.max_total_chars or len(strings) >= MAX_SHARED_STRINGS:
                        raise SheetRefused("too_much_text")
                    strings.append(text)
        return strings

    def _date_styles(self, path: str | None) -> tuple[set[int], set[int]]:
        dates: set[int] = set()
        durations: set[int] = set()
        if path is None or path not in self.archive.NameToInfo:
            return dates, durations
        custom: dict[int, str] = {}
        index = 0
        with self.archive.open(path) as stream:
            for element, parent in _ends(stream, self.budget):
                name = _local(element.tag)
                if name == "numFmt":
                    custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                elif name == "xf" and parent is not None and _local(parent.tag) == "cellXfs":
                    number = int(element.get("numFmtId", "0"))
                    fmt = custom.get(number) or BUILTIN_FORMATS.get(number, "General")
                    if is_timedelta_format(fmt):
                        durations.add(index)
                    elif is_date_format(fmt):
                        dates.add(index)
                    index += 1
        return dates, durations


def _resolve(base: str, target: str) -> str:
    """A relationship target as a zip member name."""
    if target.startswith("/"):
        return normpath(target.lstrip("/"))
    return normpath(join(base, target)) if base else normpath(target)


def _text(element: Element) -> str:
    """The text of a shared or inline string: its ``t`` and rich-text runs, without phonetic runs."""
    parts = []
    for child in element:
        name = _local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts += [run.text or "" for run in child if _local(run.tag) == "t"]
    return "".join(parts).replace("x005F_", "")


def _column(reference: str | None, previous: int) -> int:
    """The 1-based column of a cell reference such as ``AB12``, or the next one when absent."""
    if not reference:
        return previous + 1
    match = _CELL_REF.match(reference)
    if match is None:
        raise SheetRefused("unreadable")
    number = 0
    for letter in match.group(1).upper():
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_rows(archive: zipfile.ZipFile, book: _Workbook, limits: SheetLimits, budget: _Budget) -> Iterator[Row]:
    """Stream the first worksheet's rows; each cell is dropped from memory as soon as it is read."""
    assert book.sheet_path is not None
    cells: list[Any] = []
    number = 0
    column = 0
    with archive.open(book.sheet_path) as stream:
        for event, element, _parent in _stream(stream, budget, "c", large=True):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    declared = element.get("r")
                    number = int(declared) if declared else number + 1
                    if not 1 <= number <= EXCEL_ROWS:
                        raise SheetRefused("unreadable")
                    cells, column = [], 0
            elif name == "c":
                column = _column(element.get("r"), column)
                value = _cell_value(element, book)
                if value is not None:
                    _place(cells, column, clean_cell(value), limits)
            elif name == "row":
                yield number, cells
            elif name == "sheetData":
                return


def _cell_value(cell: Element, book: _Workbook) -> Any:
    """A cell's value as openpyxl reads it with ``data_only=False``: formulas as ``=…`` text."""
    kind = cell.get("t", "n")
    raw: str | None = None
    for child in cell:
        name = _local(child.tag)
        if name == "f":
            return "=" + (child.text or "")
        if name == "v":
            raw = child.text
        elif name == "is":
            return _text(child)
    if raw is None:
        return None
    if kind == "s":
        return book.strings[int(raw)]
    if kind in ("str", "e", "d", "inlineStr"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    number: int | float = float(raw) if any(ch in raw for ch in ".eEnN") else int(raw)
    if isinstance(number, float) and not math.isfinite(number):
        raise SheetRefused("unreadable")
    style = int(cell.get("s", "0"))
    if style in book.date_styles:
        try:
            return from_excel(number, book.epoch)
        except (OverflowError, ValueError):
            return "#VALUE!"
    return number
