"""What a PDF may hold before pdfplumber reads it.

A PDF is small on disk and large once read: its page contents are compressed (a few kilobytes
can inflate to gigabytes), a form drawn a thousand times is drawn a thousand times, and every
drawing operator becomes an object in memory. So before a page is read, its content streams,
and those of the forms it draws, are deciphered (an encrypted file) and inflated here with a
bound at every filter (zlib stops at the limit; nothing larger is ever held); the path
operators and the characters of text in them are counted, a form's counts once for each time
it is drawn. A page, or the document as a whole, over a limit refuses the file, naming the page,
the limit and what was found. The limits are far above the Met's grids (at most 282 KB of
content, about 4,200 drawing operations and 3,000 characters a page) and far below what a
worker can hold (pdfplumber keeps an object of about a kilobyte for each).
"""

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pdfminer.ascii85 import ascii85decode, asciihexdecode
from pdfminer.lzw import lzwdecode
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.runlength import rldecode

from audits.register.imports.limits import (
    PDF_DOCUMENT_GLYPHS,
    PDF_DOCUMENT_PATHS,
    PDF_PAGE_CONTENT_BYTES,
    PDF_PAGE_GLYPHS,
    PDF_PAGE_PATHS,
    PDF_PAGES,
)
from audits.register.imports.tables import UnreadableFile

# A stream compressed another way (LZW, run length) is decoded by pdfminer without a bound: only
# a small one.
_OTHER_FILTER_BYTES = 16 * 2**10
_SHRINKING = {"ASCII85Decode": ascii85decode, "A85": ascii85decode}
_SHRINKING |= {"ASCIIHexDecode": asciihexdecode, "AHx": asciihexdecode}
# The operators that draw a path (moveto, lineto, curves, rectangle): what pdfplumber keeps. As
# pdfminer splits them: "0 0 1 1re" is four numbers and an operator.
_PATH_OPERATOR = re.compile(rb"(?<![^\s\]\)>\d.])(?:re|l|m|c|v|y)(?![^\s\[\(<%/])")
_DRAW = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s*Do(?![^\s\[\(<%/])")
_STRING_MARK = re.compile(rb"\\.|[()]", re.DOTALL)
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*>")
_FORM_DEPTH = 8
_PIECE = 64  # bytes of a compressed stream inflated at a time


@dataclass
class _Cost:
    """What drawing something costs pdfplumber: bytes of content, paths and characters."""

    size: int = 0
    paths: int = 0
    glyphs: int = 0

    def add(self, other: "_Cost", times: int = 1) -> None:
        self.size += other.size * times
        self.paths += other.paths * times
        self.glyphs += other.glyphs * times


class DocumentCheck:
    """The limits of one document: each page's before it is read, and the pages' in all."""

    def __init__(self, name: str, pdf: Any) -> None:
        pages = len(pdf.pages)
        if pages > PDF_PAGES:
            raise UnreadableFile(f"{name}: {pages:,} pages; at most {PDF_PAGES:,} are read")
        self.name = name
        self.total = _Cost()
        self.forms: dict[int, _Cost] = {}  # a form's cost, once measured, by its object

    def page(self, number: int, page: Any) -> None:
        where = f"{self.name}, page {number}"
        cost, uses = _Cost(), dict[bytes, int]()
        for data in _page_contents(where, page.page_obj):
            cost.add(_measured(data))
            for name, times in _uses_in(data).items():
                uses[name] = uses.get(name, 0) + times
        cost.add(self._drawn(where, uses, page.page_obj.resources, 0))
        if cost.size > PDF_PAGE_CONTENT_BYTES:
            raise UnreadableFile(
                f"{where}: its contents inflate to more than "
                f"{PDF_PAGE_CONTENT_BYTES // 2**20} MiB; at most that is read"
            )
        _check(where, cost, PDF_PAGE_PATHS, PDF_PAGE_GLYPHS, "a page")
        self.total.add(cost)
        _check(self.name, self.total, PDF_DOCUMENT_PATHS, PDF_DOCUMENT_GLYPHS, "a document")

    def _drawn(self, where: str, uses: dict[bytes, int], resources: Any, depth: int) -> _Cost:
        """The cost of the forms a content draws, each once for every time it is drawn."""
        cost = _Cost()
        if not uses:
            return cost
        if depth > _FORM_DEPTH:
            raise UnreadableFile(f"{where}: forms nested more than {_FORM_DEPTH} deep")
        xobjects = resolve1((resolve1(resources) or {}).get("XObject")) or {}
        for name, times in uses.items():
            stream = resolve1(xobjects.get(name.decode("latin-1")))
            if not isinstance(stream, PDFStream) or _name(stream.attrs.get("Subtype")) != "Form":
                continue  # an image, or nothing: pdfplumber keeps one object for it
            form = self.forms.get(id(stream))
            if form is None:
                data = _inflated(where, stream)
                form = _measured(data)
                self.forms[id(stream)] = form  # before its own forms: a form drawing itself
                inner = _uses_in(data)
                # A form without resources of its own uses those it is drawn with (pdfminer).
                own = stream.attrs.get("Resources") or resources
                form.add(self._drawn(where, inner, own, depth + 1))
            cost.add(form, times)
            if (
                cost.size > PDF_PAGE_CONTENT_BYTES
                or cost.paths > PDF_PAGE_PATHS
                or cost.glyphs > PDF_PAGE_GLYPHS
            ):
                break  # over a limit already: the page's check names it
        return cost


def _check(where: str, cost: _Cost, paths: int, glyphs: int, of: str) -> None:
    for found, limit, what in (
        (cost.paths, paths, "drawing operations"),
        (cost.glyphs, glyphs, "characters of text"),
    ):
        if found > limit:
            raise UnreadableFile(f"{where}: {found:,} {what}; at most {limit:,} {of} are read")


def _page_contents(where: str, page: Any) -> Iterator[bytes]:
    contents = resolve1(page.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    for stream in streams:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream):
            yield _inflated(where, stream)


def _uses_in(data: bytes) -> dict[bytes, int]:
    """How many times the content draws each named form or image ("/Fm1 Do")."""
    uses: dict[bytes, int] = {}
    for match in _DRAW.finditer(data):
        uses[match[1]] = uses.get(match[1], 0) + 1
    return uses


def _measured(data: bytes) -> _Cost:
    return _Cost(len(data), len(_PATH_OPERATOR.findall(data)), _glyphs(data))


def _glyphs(data: bytes) -> int:
    """The bytes of every string the content shows: a literal string, its nested brackets and
    escapes as PDF reads them (one byte a character at most), and a hex string (two digits a
    byte)."""
    count, depth, opened = 0, 0, 0
    for mark in _STRING_MARK.finditer(data):
        token = mark[0]
        if token == b"(":
            if depth == 0:
                opened = mark.end()
            depth += 1
        elif token == b")" and depth:
            depth -= 1
            if depth == 0:
                count += mark.start() - opened
    if depth:
        count += len(data) - opened  # a string left open runs to the end
    return count + sum((len(m) - 2) // 2 for m in _HEX.findall(data))


def _name(value: Any) -> str:
    return str(getattr(value, "name", value))


def _inflated(where: str, stream: PDFStream) -> bytes:
    """The stream's content, each filter applied with a bound, deciphered first if the
    document is encrypted (as pdfminer reads it)."""
    if stream.rawdata is None:  # decoded already (a form drawn on an earlier page)
        return bytes(stream.data or b"")
    data = stream.rawdata
    if stream.decipher and stream.objid is not None and stream.genno is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for kind, _ in stream.get_filters():
        name = _name(kind)
        if name in ("FlateDecode", "Fl"):
            data = _bounded_inflate(data)
        elif name in _SHRINKING:
            data = _SHRINKING[name](data)  # never longer than what it decodes
        elif name in ("LZWDecode", "LZW", "RunLengthDecode", "RL") and (
            len(data) <= _OTHER_FILTER_BYTES
        ):
            data = _small_decoded(name, data)
        else:
            raise UnreadableFile(
                f"{where}: a content stream of {len(data):,} bytes compressed with {name}; the "
                f"register reads Flate and ASCII streams, and others up to "
                f"{_OTHER_FILTER_BYTES:,} bytes"
            )
        if len(data) > PDF_PAGE_CONTENT_BYTES:
            break  # over the limit already: the check names it
    return bytes(data)


def _small_decoded(name: str, data: bytes) -> bytes:
    return lzwdecode(data) if name.startswith("LZW") else rldecode(data)


def _bounded_inflate(raw: bytes) -> bytes:
    """The stream inflated up to one byte past the limit. A damaged stream is inflated up to
    the damage, as pdfminer reads it (it reads a corrupted stream byte by byte, as far as it
    goes), so a bomb with a broken end is measured too."""
    inflater = zlib.decompressobj()
    out = bytearray()
    # In small pieces: zlib gives nothing of a piece it finds damaged, and what came before
    # the damage is what pdfminer will draw.
    for start in range(0, len(raw), _PIECE):
        room = PDF_PAGE_CONTENT_BYTES + 1 - len(out)
        try:
            out += inflater.decompress(raw[start : start + _PIECE], room)
        except zlib.error:
            break
        if len(out) > PDF_PAGE_CONTENT_BYTES:
            break  # over the limit: what is left is not inflated
    return bytes(out)
