"""Import members from the institution's lists (CSV in UTF-8, or XLSX): accounts and profiles matched by email.

The whole file is checked and applied in one transaction: one bad line and
nothing is imported, with every problem reported by line number. Empty cells
leave existing values alone, so an import never erases what members typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from .models import ExpertiseTerm, Platform, Profile, Role, Site
from .text import fold
from .validators import normalize_orcid

# Column name → what it holds (shown by ``import_people --help`` and in the error for wrong columns).
COLUMNS = {
    "email": gettext_lazy("email address, required: the key that matches an existing member"),
    "first_name": gettext_lazy("first name, required"),
    "last_name": gettext_lazy("last name, required"),
    "job_title": gettext_lazy("job title"),
    "role": gettext_lazy("role, code or label: researcher/chercheur, engineer/ingénieur…"),
    "site": gettext_lazy("site: its name, city or slug"),
    "platforms": gettext_lazy("platforms: acronyms or names separated by commas"),
    "unit": gettext_lazy("unit or laboratory"),
    "expertise": gettext_lazy("expertise terms of the vocabulary, separated by commas"),
    "keywords": gettext_lazy("free keywords, separated by commas"),
    "techniques": gettext_lazy("techniques and instruments"),
    "languages": gettext_lazy("languages spoken"),
    "phone": gettext_lazy("phone"),
    "office": gettext_lazy("office"),
    "orcid": gettext_lazy("ORCID iD (checked)"),
    "hal_id": gettext_lazy("HAL identifier"),
    "bio": gettext_lazy("short biography"),
}
REQUIRED_COLUMNS = ("email", "first_name", "last_name")
PROFILE_TEXT_COLUMNS = ("job_title", "unit", "keywords", "techniques", "languages", "phone", "office", "hal_id", "bio")
LIST_SEPARATORS = (",", "|")


class ImportFileError(Exception):
    """The file cannot be read as a whole (encoding, format, columns)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]], int]:
    """The header, the rows as ``(line number, {column: value})`` and their count."""
    if path.suffix.lower() == ".xlsx":
        table = _xlsx_table(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        table = _csv_table(path.read_bytes())
    else:
        raise ImportFileError(
            _("Unsupported file type “%(suffix)s”: give a .csv or .xlsx file.") % {"suffix": path.suffix}
        )
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [name.strip().lower() for name in table[0]]
    unknown = [name for name in header if name and name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(_("unknown columns: %(columns)s") % {"columns": ", ".join(unknown)})
        if missing:
            problems.append(_("missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        raise ImportFileError(
            _("The columns are not the expected ones (%(problems)s).\nExpected columns:\n%(expected)s")
            % {"problems": "; ".join(problems), "expected": expected_columns_help()}
        )
    rows = [
        (line, {name: (cells[i] if i < len(cells) else "").strip() for i, name in enumerate(header) if name})
        for line, cells in enumerate(table[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return header, iter(rows), len(rows)


def expected_columns_help() -> str:
    return "\n".join(
        f"  {name}{' *' if name in REQUIRED_COLUMNS else ''}: {description}" for name, description in COLUMNS.items()
    )


def _csv_table(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not encoded in UTF-8 (first unreadable character on line %(line)s). "
                "In your spreadsheet, save it as “CSV UTF-8” and import it again."
            )
            % {"line": line}
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_table(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises zipfile, KeyError or its own errors on bad files
        raise ImportFileError(_("This file cannot be read as an Excel workbook (.xlsx).")) from error
    sheet = workbook.worksheets[0]
    table = [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return table


class _Vocabulary:
    """Reference data looked up by folded names, loaded once per import."""

    def __init__(self):
        self.sites = {}
        for site in Site.objects.all():
            for key in (site.name, site.city, site.slug):
                self.sites[fold(key)] = site
        self.platforms = {}
        for platform in Platform.objects.all():
            for key in (platform.name, platform.acronym, platform.slug):
                self.platforms[fold(key)] = platform
        self.terms = {fold(term.name): term for term in ExpertiseTerm.objects.all()}
        self.roles = {}
        for language, _name in settings.LANGUAGES:
            with override(language):
                for value, label in Role.choices:
                    self.roles[fold(value)] = value
                    self.roles[fold(str(label))] = value


def _split(value: str) -> list[str]:
    for separator in LIST_SEPARATORS[1:]:
        value = value.replace(separator, LIST_SEPARATORS[0])
    return [item.strip() for item in value.split(LIST_SEPARATORS[0]) if item.strip()]


def import_people(
    rows: Iterator[tuple[int, dict[str, str]]],
    *,
    total: int,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Create or update users and profiles; nothing is kept if any line has an error or on a dry run."""
    report = ImportReport()
    vocabulary = _Vocabulary()
    seen_emails: dict[str, int] = {}
    step = max(1, total // 20)
    with transaction.atomic():
        for index, (line, row) in enumerate(rows, start=1):
            problems = _import_row(row, line, vocabulary, seen_emails, report)
            report.errors += [(line, problem) for problem in problems]
            if progress and (index % step == 0 or index == total):
                progress(index, total)
        if report.errors or dry_run:
            transaction.set_rollback(True)
    return report


def _import_row(row, line, vocabulary, seen_emails, report) -> list[str]:
    User = get_user_model()
    problems = []
    email = row["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        return [_("“%(email)s” is not a valid email address.") % {"email": row["email"]}]
    if email in seen_emails:
        return [_("%(email)s already appears on line %(line)s.") % {"email": email, "line": seen_emails[email]}]
    seen_emails[email] = line
    for column in REQUIRED_COLUMNS[1:]:
        if not row.get(column):
            problems.append(_("the column %(column)s is empty.") % {"column": column})

    role = ""
    if row.get("role"):
        role = vocabulary.roles.get(fold(row["role"]), "")
        if not role:
            problems.append(_("unknown role “%(value)s”.") % {"value": row["role"]})
    site = None
    if row.get("site"):
        site = vocabulary.sites.get(fold(row["site"]))
        if site is None:
            problems.append(_("unknown site “%(value)s”.") % {"value": row["site"]})
    platforms = []
    for name in _split(row.get("platforms", "")):
        if (platform := vocabulary.platforms.get(fold(name))) is None:
            problems.append(_("unknown platform “%(value)s”.") % {"value": name})
        platforms.append(platform)
    terms = []
    for name in _split(row.get("expertise", "")):
        if (term := vocabulary.terms.get(fold(name))) is None:
            problems.append(_("“%(value)s” is not in the expertise vocabulary.") % {"value": name})
        terms.append(term)
    if problems:
        return problems

    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        # Saved before it is checked: a line with an error rolls the whole import back anyway.
        user = User(username=_free_username(email), email=email, first_name=row["first_name"])
        user.last_name = row["last_name"]
        user.set_unusable_password()
        user.save()
    profile, _profile_created = Profile.objects.select_related("site").get_or_create(user=user)
    profile.user = user
    before = _snapshot(user, profile)

    user.first_name, user.last_name = row["first_name"], row["last_name"]
    for column in PROFILE_TEXT_COLUMNS:
        if row.get(column):
            setattr(profile, column, row[column])
    if row.get("orcid"):
        profile.orcid = normalize_orcid(row["orcid"])
    if role:
        profile.role = role
    if site:
        profile.site = site
    try:
        user.full_clean(exclude=["password", "username"], validate_unique=False)
        profile.full_clean(exclude=["user", "slug", "sort_name", "search_text"], validate_unique=False)
    except ValidationError as error:
        return [f"{column}: {message}" for column, messages in error.message_dict.items() for message in messages]

    new_platforms = {p.pk for p in platforms} or before["platforms"]
    new_terms = {t.pk for t in terms} or before["expertise"]
    after = {**_snapshot(user, profile, with_relations=False), "platforms": new_platforms, "expertise": new_terms}
    if not created and after == before:
        report.unchanged += 1
        return []
    user.save()
    profile.save()
    if new_platforms != before["platforms"]:
        profile.platforms.set(new_platforms)
    if new_terms != before["expertise"]:
        profile.expertise.set(new_terms)
    if created:
        report.created += 1
    else:
        report.updated += 1
    return []


def _snapshot(user, profile, with_relations=True) -> dict:
    values = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": profile.role,
        "site": profile.site_id,
        "orcid": profile.orcid,
        **{column: getattr(profile, column) for column in PROFILE_TEXT_COLUMNS},
    }
    if with_relations:
        saved = profile.pk is not None
        values["platforms"] = set(profile.platforms.values_list("pk", flat=True)) if saved else set()
        values["expertise"] = set(profile.expertise.values_list("pk", flat=True)) if saved else set()
    return values


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email[:140]
    username, counter = base, 2
    while User.objects.filter(username=username).exists():
        username, counter = f"{base}-{counter}", counter + 1
    return username
