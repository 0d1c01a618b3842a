"""PostgreSQL only: a GIN index on ``title || body`` of Wagtail's search index entries.

Wagtail's PostgreSQL backend matches ``(title || body) @@ query``; the GIN indexes it
creates are on each column alone, so every search read every entry's vectors (about
150 ms per query at 10,000 pages). With an index on the expression itself the match is
an index scan (see docs/benchmarks-postgresql.md).
"""

from django.db import migrations

INDEX = "portal_indexentry_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_file_type_and_unanswered_queries"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
