from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from people.importer import ImportFileError, expected_columns_help, import_people, read_rows


class Command(BaseCommand):
    help = (
        "Create or update members (accounts and profiles) from a CSV file in UTF-8 (comma or semicolon "
        "separated) or an XLSX workbook (first sheet), matched by email. Idempotent; one transaction: a file "
        "with any error imports nothing. Empty cells leave existing values unchanged. The first line names "
        "the columns (* required):\n" + expected_columns_help()
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        from argparse import RawDescriptionHelpFormatter

        return super().create_parser(prog_name, subcommand, formatter_class=RawDescriptionHelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .csv or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true", help="Check and report without saving anything.")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        try:
            _header, rows, total = read_rows(file)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("%(count)s lines to import from %(path)s") % {"count": total, "path": file.name})
        report = import_people(
            rows,
            total=total,
            dry_run=dry_run,
            progress=lambda done, total: self.stdout.write(f"  {done}/{total}"),
        )
        summary = _("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.errors:
            for line, message in report.errors:
                self.stderr.write(_("Line %(line)s: %(message)s") % {"line": line, "message": message})
            raise CommandError(
                _("%(count)s errors: nothing has been imported. Correct the file and run the import again.")
                % {"count": len(report.errors)}
            )
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run, nothing saved: %(summary)s") % {"summary": summary}))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
