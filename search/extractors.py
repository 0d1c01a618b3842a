"""Text extraction from uploaded files, run in a child process with limits.

This module does not import Django: ``search.services`` runs it as
``python -m search.extractors FILE EXTENSION LIMITS_JSON`` under a memory limit
(``resource.setrlimit``) and a timeout, so a hostile file can exhaust only the
child. The child prints one JSON object: either the text (pages separated by
form feeds), the page count and the detected language, or an error code that
the parent turns into a readable, translated reason.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field

PAGE_BREAK = "\f"

TEXT_EXTENSIONS = {"txt", "md", "csv"}
HTML_EXTENSIONS = {"html", "htm"}
ZIP_EXTENSIONS = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
SUPPORTED_EXTENSIONS = {"pdf"} | TEXT_EXTENSIONS | HTML_EXTENSIONS | ZIP_EXTENSIONS


@dataclass
class Limits:
    max_pages: int = 1000
    max_ocr_pages: int = 50
    max_uncompressed_bytes: int = 200 * 1024 * 1024
    max_chars: int = 5_000_000
    subprocess_timeout: int = 60


class ExtractionError(Exception):
    """A file we cannot read; ``code`` selects the message shown to editors."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Extraction:
    text: str
    page_count: int | None = None
    language: str = ""
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)


def extract(path: str, extension: str, limits: Limits) -> Extraction:
    extension = extension.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        raise ExtractionError("unsupported", extension=extension)
    if os.path.getsize(path) == 0:
        raise ExtractionError("empty")
    if extension in ZIP_EXTENSIONS:
        check_zip(path, limits)
    if extension == "pdf":
        result = extract_pdf(path, limits)
    elif extension == "docx":
        result = Extraction(extract_docx(path))
    elif extension in {"odt", "ods", "odp"}:
        result = Extraction(extract_odf(path))
    elif extension == "xlsx":
        result = Extraction(extract_xlsx(path))
    elif extension == "pptx":
        result = extract_pptx(path)
    else:
        raw = read_text(path)
        result = Extraction(strip_html(raw) if extension in HTML_EXTENSIONS else raw)
    result.text = normalise(result.text)[: limits.max_chars]
    if not result.text.replace(PAGE_BREAK, "").strip():
        raise ExtractionError("no_text")
    result.language = detect_language(result.text)
    return result


def normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\x00", "")
    return re.sub(r"[ \t]+", " ", text).strip()


# PDF ---------------------------------------------------------------------------------


def extract_pdf(path: str, limits: Limits) -> Extraction:
    with open(path, "rb") as handle:
        if b"%PDF-" not in handle.read(1024):
            raise ExtractionError("not_pdf")
    page_count = pdf_page_count(path, limits)
    if page_count > limits.max_pages:
        raise ExtractionError("too_many_pages", pages=page_count, limit=limits.max_pages)
    if shutil.which("pdftotext"):
        text = run(["pdftotext", "-q", "-enc", "UTF-8", "-f", "1", "-l", str(page_count), path, "-"], limits)
    else:
        text = extract_pdf_with_pypdf(path)
    pages = text.split(PAGE_BREAK)
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    result = Extraction(PAGE_BREAK.join(page.strip() for page in pages), page_count=page_count)
    if not result.text.replace(PAGE_BREAK, "").strip():
        result.text = ocr_pdf(path, page_count, limits)
        result.ocr = True
    return result


def pdf_page_count(path: str, limits: Limits) -> int:
    if not shutil.which("pdfinfo"):
        from pypdf import PdfReader

        reader = PdfReader(path)
        if reader.is_encrypted:
            raise ExtractionError("encrypted")
        return len(reader.pages)
    completed = subprocess.run(
        ["pdfinfo", path], capture_output=True, text=True, timeout=limits.subprocess_timeout, check=False
    )
    output = completed.stdout + completed.stderr
    if "Incorrect password" in output or re.search(r"^Encrypted:\s+yes", output, re.M):
        raise ExtractionError("encrypted")
    claimed = re.search(r"Page count \((\d+)\) larger than", output)
    if claimed and int(claimed.group(1)) > limits.max_pages:
        raise ExtractionError("too_many_pages", pages=int(claimed.group(1)), limit=limits.max_pages)
    match = re.search(r"^Pages:\s+(\d+)", completed.stdout, re.M)
    if completed.returncode != 0 or not match:
        raise ExtractionError("corrupt")
    return int(match.group(1))


def extract_pdf_with_pypdf(path: str) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return PAGE_BREAK.join((page.extract_text() or "") for page in reader.pages)


def ocr_pdf(path: str, page_count: int, limits: Limits) -> str:
    """Scanned PDFs: render each page at 200 dpi and read it with Tesseract (French and English)."""
    if not (shutil.which("pdftoppm") and shutil.which("tesseract")):
        raise ExtractionError("ocr_unavailable")
    last_page = min(page_count, limits.max_ocr_pages)
    with tempfile.TemporaryDirectory(prefix="ocr-") as workdir:
        run(
            ["pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", str(last_page), path, f"{workdir}/page"], limits
        )
        images = sorted(os.listdir(workdir))
        pages = [run(["tesseract", f"{workdir}/{image}", "-", "-l", "fra+eng"], limits).strip() for image in images]
    return PAGE_BREAK.join(pages)


def run(command: list[str], limits: Limits) -> str:
    try:
        completed = subprocess.run(command, capture_output=True, timeout=limits.subprocess_timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise ExtractionError("timeout", seconds=limits.subprocess_timeout) from error
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", "replace")
        if "password" in stderr.lower() or "encrypt" in stderr.lower():
            raise ExtractionError("encrypted")
        raise ExtractionError("corrupt")
    return completed.stdout.decode("utf-8", "replace")


# Office formats ----------------------------------------------------------------------


def check_zip(path: str, limits: Limits) -> None:
    """Refuse zip bombs from the sizes the archive declares, before anything inflates it."""
    try:
        with zipfile.ZipFile(path) as archive:
            declared = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ExtractionError("corrupt") from error
    if declared > limits.max_uncompressed_bytes:
        raise ExtractionError("too_large_uncompressed", size=declared, limit=limits.max_uncompressed_bytes)


def extract_docx(path: str) -> str:
    """Body paragraphs and tables in reading order, then headers and footers (python-docx leaves tables out of
    ``.paragraphs``)."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(path)
    parts: list[str] = []
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(paragraph.text for paragraph in part.paragraphs)
            for table in part.tables:
                parts.extend(table_rows(table))
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            parts.append(Paragraph(block, document).text)
        elif block.tag.endswith("}tbl"):
            parts.extend(table_rows(Table(block, document)))
    return "\n".join(part for part in parts if part.strip())


def table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell.text != cells[-1]:  # merged cells repeat their text
                cells.append(cell.text)
        rows.append("\t".join(cells))
    return rows


def extract_odf(path: str) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    document = load(path)
    return "\n".join(teletype.extractText(element) for kind in (H, P) for element in document.getElementsByType(kind))


def extract_xlsx(path: str) -> str:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    lines = []
    try:
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                values = [str(value) for value in row if value is not None]
                if values:
                    lines.append("\t".join(values))
    finally:
        workbook.close()
    return "\n".join(lines)


def extract_pptx(path: str) -> Extraction:
    """One page per slide, so a passage can say which slide it comes from."""
    from pptx import Presentation

    presentation = Presentation(path)
    slides = []
    for slide in presentation.slides:
        lines = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                lines.extend("\t".join(cell.text for cell in row.cells) for row in shape.table.rows)
        if slide.has_notes_slide:
            lines.append(slide.notes_slide.notes_text_frame.text)
        slides.append("\n".join(line for line in lines if line.strip()))
    return Extraction(PAGE_BREAK.join(slides), page_count=len(slides))


# Plain text and HTML -----------------------------------------------------------------


def read_text(path: str) -> str:
    from charset_normalizer import from_bytes

    with open(path, "rb") as handle:
        data = handle.read()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractionError("binary")
    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("binary")
    return str(best)


class _TextOfHTML(html.parser.HTMLParser):
    SKIPPED = {"script", "style", "template", "noscript"}
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def strip_html(markup: str) -> str:
    parser = _TextOfHTML()
    parser.feed(markup)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n", "".join(parser.parts))


# Language ----------------------------------------------------------------------------

FRENCH_WORDS = {"le", "la", "les", "des", "du", "et", "est", "une", "un", "pour", "dans", "sur", "au", "aux", "que"}
ENGLISH_WORDS = {"the", "and", "of", "to", "is", "in", "for", "on", "with", "that", "are", "this", "by", "an"}


def detect_language(text: str) -> str:
    """French or English from their commonest words; enough to pick an analyzer or label a result."""
    words = re.findall(r"[a-zà-ÿ]+", text[:20_000].lower())
    french = sum(word in FRENCH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    if french == english == 0:
        return ""
    return "fr" if french >= english else "en"


def main(argv: list[str]) -> int:
    path, extension, limits_json = argv
    try:
        result = extract(path, extension, Limits(**json.loads(limits_json)))
    except ExtractionError as error:
        print(json.dumps({"ok": False, "code": error.code, "params": error.params}))
        return 0
    except MemoryError:
        print(json.dumps({"ok": False, "code": "memory", "params": {}}))
        return 0
    except Exception as error:  # noqa: BLE001 - any library failure on a hostile file is "corrupt"
        print(json.dumps({"ok": False, "code": "corrupt", "params": {"detail": type(error).__name__}}))
        return 0
    print(json.dumps({"ok": True, **asdict(result)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
