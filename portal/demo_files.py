"""Real files for the demo network: text PDFs written without any dependency.

The demo's attachments must be real PDFs with real text, so that extraction and
search work on them exactly as on files people upload.
"""

from __future__ import annotations

import textwrap
import zlib

from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents import get_document_model

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN, LEADING, FONT_SIZE, TITLE_SIZE = 56, 15, 11, 16
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING - 2
CHARS_PER_LINE = 88


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsi (cp1252), which Helvetica covers for French."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _paginate(title: str, paragraphs: list[str]) -> list[list[str]]:
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, CHARS_PER_LINE) or [""])
        lines.append("")
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    return pages


def make_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A multi-page A4 PDF: the title on the first page, then the paragraphs, wrapped."""
    pages = _paginate(title, paragraphs)
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
    pages_id = len(objects) + 1 + 2 * len(pages)
    page_ids = []
    for number, lines in enumerate(pages, start=1):
        ops = [b"BT"]
        y = PAGE_HEIGHT - MARGIN
        if number == 1:
            ops.append(b"/F2 %d Tf %d %d Td " % (TITLE_SIZE, MARGIN, y) + _pdf_string(title) + b" Tj")
            ops.append(b"/F1 %d Tf 0 -%d Td" % (FONT_SIZE, LEADING * 2))
        else:
            ops.append(b"/F1 %d Tf %d %d Td" % (FONT_SIZE, MARGIN, y))
        for line in lines:
            ops.append(_pdf_string(line) + b" Tj 0 -%d Td" % LEADING)
        ops.append(b"ET")
        ops.append(
            b"BT /F1 9 Tf %d %d Td " % (PAGE_WIDTH - MARGIN - 20, MARGIN // 2) + _pdf_string(str(number)) + b" Tj ET"
        )
        stream = zlib.compress(b"\n".join(ops))
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> >>"
                % (pages_id, PAGE_WIDTH, PAGE_HEIGHT, content, font, bold)
            )
        )
    kids = b" ".join(b"%d 0 R" % pid for pid in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == pages_id
    info = add(b"<< /Title " + _pdf_string(title) + b" /Producer (Portail du reseau) >>")
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        catalog,
        info,
        xref,
    )
    return bytes(out)


def demo_document(title: str, paragraphs: list[str], *, collection=None, uploaded_by=None, tags=()):
    """A saved Wagtail document whose file is a real PDF of ``paragraphs``."""
    Document = get_document_model()
    document = Document(title=title, uploaded_by_user=uploaded_by)
    if collection is not None:
        document.collection = collection
    document.file.save(f"{slugify(title)[:80] or 'document'}.pdf", ContentFile(make_pdf(title, paragraphs)), save=False)
    document.file_size = document.file.size
    document.save()
    if tags:
        document.tags.add(*tags)
    return document
