"""PDFs written by hand, object by object, to try the limits a PDF is read within
(imports/pdf_limits.py): forms drawn many times, streams filtered twice, an encrypted file."""

import zlib
from pathlib import Path

from pypdf import PdfReader, PdfWriter

FORM = b"/Type /XObject /Subtype /Form /BBox [0 0 842 595]"


def build(path: Path, objects: list[bytes]) -> Path:
    """The objects (1 the catalogue), their offsets in the cross-reference table, a trailer."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def stream(
    data: bytes, extra: bytes = b"", filters: bytes | None = b"/FlateDecode", encoded: bool = False
) -> bytes:
    """A stream object: `data` compressed once (or as it is, if `encoded`, or if `filters` is
    None or not a single Flate: the caller encoded it)."""
    body = zlib.compress(data, 9) if filters == b"/FlateDecode" and not encoded else data
    named = b"" if filters is None else b" /Filter " + filters
    return b"<< /Length %d%s %s >>\nstream\n" % (len(body), named, extra) + body + b"\nendstream"


def one_page(
    path: Path, content: bytes, resources: bytes = b"<< >>", more: tuple[bytes, ...] = ()
) -> Path:
    """A page whose content is object 4; `more` objects are 5 on."""
    return build(
        path,
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R "
            b"/Resources %s >>" % resources,
            content,
            *more,
        ],
    )


def rectangles(count: int, separator: bytes = b" ") -> bytes:
    return (b"0 0 1 1" + separator + b"re f\n") * count


def form_drawn_many_times(path: Path) -> Path:
    """A form of 1,000 rectangles drawn 30 times: 30,000 drawn."""
    form = stream(rectangles(1_000), FORM)
    return one_page(path, stream(b"/F Do\n" * 30), b"<< /XObject << /F 5 0 R >> >>", (form,))


def forms_nested(path: Path) -> Path:
    """Forms drawing forms 10 times over, three deep, over 100 rectangles: 100,000 drawn."""
    inner = FORM + b" /Resources << /XObject << /X %d 0 R >> >>"
    forms = (
        stream(b"/X Do\n" * 10, inner % 6),
        stream(b"/X Do\n" * 10, inner % 7),
        stream(b"/X Do\n" * 10, inner % 8),
        stream(rectangles(100), FORM),
    )
    return one_page(path, stream(b"/X Do\n"), b"<< /XObject << /X 5 0 R >> >>", forms)


def flate_twice(path: Path) -> Path:
    """100 MB of content, compressed twice: a few hundred bytes."""
    data = zlib.compress(zlib.compress(rectangles(8_000_000), 9), 9)
    return one_page(path, stream(data, filters=b"[/FlateDecode /FlateDecode]"))


def no_spaces(path: Path) -> Path:
    """30,000 rectangles written "0 0 1 1re f", as pdfminer reads them too."""
    return one_page(path, stream(rectangles(30_000, separator=b"")))


def nested_brackets(path: Path) -> Path:
    """One string of 60,000 characters, most of them brackets nested in brackets."""
    text = b"(" * 30_000 + b")" * 30_000
    content = b"BT /F1 1 Tf (" + text + b") Tj ET\n"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return one_page(path, stream(content), b"<< /Font << /F1 5 0 R >> >>", (font,))


def unknown_filter(path: Path) -> Path:
    return one_page(path, stream(rectangles(1), filters=b"/Crypt"))


def encrypted(path: Path) -> Path:
    """30,000 rectangles in a file encrypted with an empty user password (as forces restrict
    copying): what is measured is what pdfminer deciphers."""
    plain = one_page(path.with_suffix(".plain.pdf"), stream(rectangles(30_000)))
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    with path.open("wb") as file:
        writer.write(file)
    return path
