"""What a PDF's pages may hold before pdfplumber reads them.

A PDF is small on disk and large once read: its page contents are compressed (a few kilobytes
can inflate to gigabytes) and every drawing operator becomes an object in memory. So before a
page is read, its content streams, and those of the forms it draws, are inflated here with a
bound (zlib stops at the limit; nothing larger is ever held), and the path operators and the
characters of text in them are counted. A page over any limit refuses the file, naming the
page, the limit and what was found. The limits are far above the Met's grids (at most 282 KB
of content, about 2,300 rectangles and 3,000 characters a page) and far below what a worker
can hold (pdfplumber keeps an object of about a kilobyte for each).
"""

import re
import zlib
from collections.abc import Iterator
from typing import Any

from pdfminer.pdftypes import PDFStream, resolve1

from audits.register.imports.limits import (
    PDF_PAGE_CONTENT_BYTES,
    PDF_PAGE_GLYPHS,
    PDF_PAGE_PATHS,
    PDF_PAGES,
)
from audits.register.imports.tables import UnreadableFile

# A stream compressed another way is inflated by pdfminer, without a bound: only a small one.
_OTHER_FILTER_BYTES = 16 * 2**10
# The operators that draw a path (moveto, lineto, curves, rectangle): what pdfplumber keeps.
_PATH_OPERATOR = re.compile(rb"(?<![^\s\]\)>])(?:re|l|m|c|v|y)(?![^\s\[\(<%/])")
# Text shown: a literal string (one byte a character) or a hex string (two digits a byte).
# (Possessive: a megabyte of text is one match, not a million steps to backtrack over.)
_LITERAL = re.compile(rb"\((?:[^()\\]++|\\.)*+\)", re.DOTALL)
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*>")
_FORM_DEPTH = 4
_PIECE = 64  # bytes of a compressed stream inflated at a time


def pdf_pages_check(name: str, pdf: Any) -> None:
    """Refuse, before reading any page, a document with more pages than PDF_PAGES."""
    pages = len(pdf.pages)
    if pages > PDF_PAGES:
        raise UnreadableFile(f"{name}: {pages:,} pages; at most {PDF_PAGES:,} are read")


def pdf_page_check(name: str, number: int, page: Any) -> None:
    """Refuse a page whose contents inflate beyond PDF_PAGE_CONTENT_BYTES or draw more than
    PDF_PAGE_PATHS paths, before pdfplumber reads it."""
    size, paths, glyphs = 0, 0, 0
    for data in _contents(name, number, page.page_obj):
        size += len(data)
        if size > PDF_PAGE_CONTENT_BYTES:
            raise UnreadableFile(
                f"{name}, page {number}: its contents inflate to more than "
                f"{PDF_PAGE_CONTENT_BYTES // 2**20} MiB; at most that is read"
            )
        paths += len(_PATH_OPERATOR.findall(data))
        glyphs += sum(len(m) - 2 for m in _LITERAL.findall(data))
        glyphs += sum((len(m) - 2) // 2 for m in _HEX.findall(data))
    for found, limit, what in (
        (paths, PDF_PAGE_PATHS, "drawing operations"),
        (glyphs, PDF_PAGE_GLYPHS, "characters of text"),
    ):
        if found > limit:
            raise UnreadableFile(
                f"{name}, page {number}: {found:,} {what}; at most {limit:,} a page are read"
            )


def _contents(name: str, number: int, page: Any) -> Iterator[bytes]:
    contents = resolve1(page.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    for stream in streams:
        stream = resolve1(stream)
        if isinstance(stream, PDFStream):
            yield _inflated(name, number, stream)
    yield from _forms(name, number, page.resources, set(), 0)


def _forms(name: str, number: int, resources: Any, seen: set[int], depth: int) -> Iterator[bytes]:
    """The content of every form the page draws, and of the forms they draw, each once."""
    if depth > _FORM_DEPTH:
        raise UnreadableFile(f"{name}, page {number}: forms nested more than {_FORM_DEPTH} deep")
    xobjects = resolve1((resolve1(resources) or {}).get("XObject")) or {}
    for reference in xobjects.values():
        stream = resolve1(reference)
        if not isinstance(stream, PDFStream) or id(stream) in seen:
            continue
        seen.add(id(stream))
        if getattr(stream.attrs.get("Subtype"), "name", None) == "Form":
            yield _inflated(name, number, stream)
            yield from _forms(name, number, stream.attrs.get("Resources"), seen, depth + 1)


def _inflated(name: str, number: int, stream: PDFStream) -> bytes:
    if stream.rawdata is None:  # inflated already (a form drawn on an earlier page)
        return bytes(stream.data or b"")
    filters = [getattr(f, "name", str(f)) for f, _ in stream.get_filters()]
    raw = stream.rawdata
    if not filters:
        return raw
    if filters in (["FlateDecode"], ["Fl"]):
        return _bounded_inflate(raw)
    if len(raw) > _OTHER_FILTER_BYTES:
        raise UnreadableFile(
            f"{name}, page {number}: a content stream of {len(raw):,} bytes compressed with "
            f"{', '.join(filters)}; such a stream is read up to {_OTHER_FILTER_BYTES:,} bytes"
        )
    return bytes(stream.get_data())


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
