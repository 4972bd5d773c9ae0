"""Hostile uploads built in memory with zipfile: decompression bombs, huge declared sheets, malformed XML.

Each builder returns the bytes of a file an attacker could upload. Nothing binary is kept
in the repository: the bombs are made when the tests run (the largest takes a few seconds
to compress, so they are cached for the session).
"""

from __future__ import annotations

import functools
import io
import random
import zipfile
from collections.abc import Iterable

from openpyxl import Workbook

from matchmaker.households.importer import TEMPLATE_HEADERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"

SHEET_START = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'


def column_letters(number: int) -> str:
    """``1`` → ``A``, ``16384`` → ``XFD``."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def inline(reference: str, text: str) -> str:
    """An inline-string cell."""
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def header_row(number: int = 1) -> str:
    """The template's headers as a sheet row."""
    cells = "".join(inline(f"{column_letters(i)}{number}", h) for i, h in enumerate(TEMPLATE_HEADERS, start=1))
    return f'<row r="{number}">{cells}</row>'


@functools.cache
def _base_parts() -> dict[str, bytes]:
    """The parts of a workbook saved by openpyxl, as Excel-like as it gets."""
    workbook = Workbook()
    workbook.active.append(["x"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def xlsx(sheet: bytes | Iterable[bytes], shared_strings: bytes | Iterable[bytes] | None = None) -> bytes:
    """A real workbook whose first sheet (and shared strings, if given) are streamed from chunks."""
    parts: dict[str, bytes | Iterable[bytes]] = {**_base_parts(), SHEET: sheet}
    if shared_strings is not None:
        parts[STRINGS] = shared_strings
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = _base_parts()[rels].replace(b"</Relationships>", (
            b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
        ))
        parts["[Content_Types].xml"] = _base_parts()["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                    member.write(chunk)
    return buffer.getvalue()


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    """A worksheet part holding ``rows`` (row elements as text)."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{SHEET_START}{declared}<sheetData>{rows}</sheetData></worksheet>".encode()


def declared_dimension_bomb() -> bytes:
    """A few KB declaring A1:XFD1048576, with the header in row 1 and one cell at row 50,000."""
    return xlsx(sheet_xml(header_row() + f'<row r="50000">{inline("A50000", "3201164502900001")}</row>',
                          dimension="A1:XFD1048576"))


@functools.cache
def huge_cell_bomb() -> bytes:
    """About 0.9 MB whose one cell inflates to 900 MB."""
    def chunks() -> Iterable[bytes]:
        yield f'{SHEET_START}<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'.encode()
        block = b"A" * (1 << 20)
        for _ in range(900):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"

    return xlsx(chunks())


@functools.cache
def compressible_cell_bomb() -> bytes:
    """A few MB whose one cell inflates to 120 MB, compressed only about 40 times: under the zip limits."""
    rng = random.Random(7)  # noqa: S311 - test data
    block = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz") if i % 80 == 0 else 97 for i in range(1 << 20))

    def chunks() -> Iterable[bytes]:
        yield f'{SHEET_START}<sheetData>{header_row()}<row r="2"><c r="A2" t="inlineStr"><is><t>'.encode()
        for _ in range(120):
            yield block
        yield b"</t></is></c></row></sheetData></worksheet>"

    return xlsx(chunks())


@functools.cache
def shared_strings_bomb() -> bytes:
    """A file whose shared strings inflate to about 150 MB (1.5 million strings of 80 characters)."""
    def chunks() -> Iterable[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode()
        block = (b"<si><t>" + b"Siti Aminah " * 6 + b"Sukamaju</t></si>") * 10_000
        for _ in range(150):
            yield block
        yield b"</sst>"

    sheet = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return xlsx(sheet, chunks())


def malformed(kind: str) -> bytes:
    """A workbook whose sheet XML is broken in one way (``kind``)."""
    header = header_row()
    broken = {
        "nul": header.encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>Siti\x00</t></is></c></row>',
        "char_ref_zero": (header + '<row r="2">' + inline("A2", "Siti&#0;") + "</row>").encode(),
        "invalid_utf8": header.encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>Siti\xff\xfe</t></is></c></row>',
    }.get(kind)
    if kind == "entities":
        dtd = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        body = header + '<row r="2">' + inline("A2", "&b;") + "</row>"
        return xlsx(f'<?xml version="1.0"?>{dtd}<worksheet xmlns="{MAIN}"><sheetData>{body}'
                    "</sheetData></worksheet>".encode())
    if kind == "dtd_after_comment":
        return xlsx(f'<?xml version="1.0"?><!-- made by hand --><!DOCTYPE worksheet [<!ENTITY a "x">]>'
                    f'<worksheet xmlns="{MAIN}"><sheetData>{header}</sheetData></worksheet>'.encode())
    if kind == "utf16_dtd":
        return xlsx(f'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet [<!ENTITY a "x">]>'
                    f'<worksheet xmlns="{MAIN}"><sheetData>{header}</sheetData></worksheet>'.encode("utf-16"))
    if kind == "dtd_in_shared_strings":
        strings = f'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "x">]><sst xmlns="{MAIN}"><si><t>&a;</t></si></sst>'
        return xlsx(sheet_xml(header), strings.encode())
    if kind == "dtd":
        return xlsx(f'<?xml version="1.0"?><!DOCTYPE worksheet SYSTEM "http://127.0.0.1/x.dtd">'
                    f'<worksheet xmlns="{MAIN}"><sheetData>{header}</sheetData></worksheet>'.encode())
    assert broken is not None, kind
    return xlsx(SHEET_START.encode() + b"<sheetData>" + broken + b"</sheetData></worksheet>")


def wide_csv(columns: int = 200_000) -> bytes:
    """A CSV whose header row has ``columns`` columns."""
    headers = ["NIK", "Nama Lengkap", "Tanggal Lahir", "Desa/Kelurahan"] + [f"K{i}" for i in range(columns - 4)]
    return (",".join(headers) + "\n3201164502900001,Siti,05/02/1990,Sukamaju\n").encode()


def long_cell_csv(length: int = 140_000) -> bytes:
    """A CSV with one cell longer than the csv module's 131,072-character field limit."""
    return ("NIK,Nama Lengkap,Tanggal Lahir,Desa/Kelurahan\n3201164502900001,"
            + "S" * length + ",05/02/1990,Sukamaju\n").encode()
