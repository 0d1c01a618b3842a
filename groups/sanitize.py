"""Untrusted input made safe: post HTML through nh3, uploaded files by extension and content."""

from __future__ import annotations

import re

import filetype
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from django.utils.translation import gettext as _

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote", "h3", "h4", "code", "pre"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# Executables and scripts, refused whatever the extension says.
REFUSED_EXTENSIONS = {
    "exe",
    "dll",
    "com",
    "bat",
    "cmd",
    "msi",
    "scr",
    "ps1",
    "vbs",
    "js",
    "jse",
    "wsf",
    "jar",
    "sh",
    "bash",
    "py",
    "pl",
    "php",
    "rb",
    "apk",
    "app",
    "bin",
    "elf",
    "so",
    "dylib",
    "html",
    "htm",
    "svg",
    "xhtml",
    "hta",
}
EXECUTABLE_SIGNATURES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",
    b"\xca\xfe\xba\xbe",
)
SCRIPT_MARKERS = re.compile(rb"<\s*(script|\?php|html|svg|iframe)\b", re.IGNORECASE)
# Formats whose content must match their extension (the rest are text or too varied to sniff).
EXPECTED_CONTENT = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "zip": {"application/zip"},
    "docx": {"application/zip", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "pptx": {"application/zip", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "odt": {"application/zip", "application/vnd.oasis.opendocument.text"},
    "ods": {"application/zip", "application/vnd.oasis.opendocument.spreadsheet"},
    "odp": {"application/zip", "application/vnd.oasis.opendocument.presentation"},
}
TEXT_EXTENSIONS = {"txt", "md", "csv", "rtf"}
SNIFF_BYTES = 8192


def sanitize_post_html(text: str) -> str:
    """Keep a small set of formatting tags; plain text becomes paragraphs."""
    text = (text or "").strip()
    if not re.search(r"<[a-zA-Z/!]", text):
        paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>{}</p>".format(escape(p).replace("\n", "<br>")) for p in paragraphs)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def has_visible_text(html: str) -> bool:
    return bool(nh3.clean(html or "", tags=set()).strip())


def validate_upload(upload) -> None:
    """Refuse oversized files, disallowed extensions and files whose content betrays an executable or script."""
    name = upload.name or ""
    if upload.size > settings.UPLOAD_MAX_SIZE:
        raise ValidationError(
            _("“%(name)s” is %(size)s: files are limited to %(limit)s."),
            code="too_large",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.UPLOAD_MAX_SIZE),
            },
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = set(settings.WAGTAILDOCS_EXTENSIONS) - REFUSED_EXTENSIONS
    if extension in REFUSED_EXTENSIONS or extension not in allowed:
        raise ValidationError(
            _("“%(name)s” cannot be shared: accepted types are %(types)s."),
            code="refused_type",
            params={"name": name, "types": ", ".join(sorted(allowed))},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else None
    betrays_program = head.startswith(EXECUTABLE_SIGNATURES) or (
        mime in {"application/x-executable", "application/x-msdownload", "application/x-mach-binary"}
    )
    if betrays_program or (extension in TEXT_EXTENSIONS and SCRIPT_MARKERS.search(head)):
        raise ValidationError(
            _("“%(name)s” looks like a program or a script, which cannot be shared here."),
            code="executable",
            params={"name": name},
        )
    expected = EXPECTED_CONTENT.get(extension)
    if expected and mime not in expected:
        raise ValidationError(
            _("The content of “%(name)s” does not match its extension .%(extension)s."),
            code="mismatch",
            params={"name": name, "extension": extension},
        )
