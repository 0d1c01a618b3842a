"""`make bench`: seed a network at two scales, run every benchmarks/bench_*.py, write docs/benchmarks.md.

The database is a throwaway SQLite file unless BENCH_DATABASE_URL is set (a PostgreSQL
database that may be emptied, created when missing; `make bench-postgres` uses
postgres://postgres@127.0.0.1:5432/bench and writes docs/benchmarks-postgresql.md).
Scales: BENCH_SCALES (default "1 10") so that query counts can be compared as the data grows ten times.
BENCH_REUSE=1 keeps the database of an earlier run (seeded and topped up) to measure again.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    scales = [int(s) for s in os.environ.get("BENCH_SCALES", "1 10").split()]
    only = os.environ.get("BENCH_ONLY", "").split()
    sections: dict[int, list] = {}
    notes: dict[int, dict] = {}
    for scale in scales:
        database = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{ROOT / f'bench-{scale}.sqlite3'}"
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "BENCH_SCALE": str(scale),
            "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
        }
        print(f"== scale {scale}: {database}", flush=True)
        if not os.environ.get("BENCH_REUSE"):
            reset_database(database)
        subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
        subprocess.run(
            [sys.executable, "manage.py", "seed_demo", "--scale", str(scale), "--if-empty"],
            cwd=ROOT,
            env={**env, "Q_SYNC": "1"},
            check=True,
        )
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.run", "--measure", *only],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        print(output.stdout.split("\n@@RESULTS@@\n")[0])
        import json

        payload = json.loads(output.stdout.split("\n@@RESULTS@@\n")[1])
        sections[scale] = payload["results"]
        notes[scale] = payload["notes"]
    write_report(scales, sections, notes)
    return 0


def reset_database(url: str) -> None:
    """Start each scale from an empty database (migrations then rebuild everything)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif url.startswith(("postgres://", "postgresql://")):
        import psycopg

        server, _, name = url.rpartition("/")
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                connection.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE")
            connection.execute("CREATE SCHEMA public")


def measure(only: list[str]) -> None:
    import json

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.bench")
    import django

    django.setup()
    from benchmarks.harness import Bench

    bench = Bench(scale=int(os.environ.get("BENCH_SCALE", "1")))
    package = importlib.import_module("benchmarks")
    for module_info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if not module_info.name.startswith("bench_"):
            continue
        name = module_info.name.removeprefix("bench_")
        if only and name not in only:
            continue
        bench.section = name
        print(f"-- {name}", flush=True)
        importlib.import_module(f"benchmarks.{module_info.name}").run(bench)
    print("\n@@RESULTS@@")
    print(json.dumps({"results": [vars(r) for r in bench.results], "notes": bench.notes}))


def write_report(scales, sections, notes) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (do not edit by hand). Server time is the whole Django request cycle through the",
        "test client, in process; SQL is the number of queries of one request.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"Database: {os.environ.get('BENCH_DATABASE_URL', 'SQLite (file)')}. Scales: {', '.join(map(str, scales))}.",
        "",
        "| section | measurement | " + " | ".join(f"×{s} median ms | ×{s} p95 ms | ×{s} SQL" for s in scales) + " |",
        "|---|---|" + "---|---|---|" * len(scales),
    ]
    keys = []
    for scale in scales:
        for row in sections[scale]:
            key = (row["section"], row["label"])
            if key not in keys:
                keys.append(key)
    for section, label in keys:
        cells = []
        for scale in scales:
            row = next((r for r in sections[scale] if (r["section"], r["label"]) == (section, label)), None)
            cells += [str(row["median_ms"]), str(row["p95_ms"]), str(row["queries"])] if row else ["–"] * 3
        lines.append(f"| {section} | {label} | " + " | ".join(cells) + " |")
    for scale in scales:
        for section, texts in notes[scale].items():
            for text in texts:
                lines.append(f"- ×{scale} {section}: {text}")
    report = report_path()
    report.write_text("\n".join(lines) + "\n")
    print(f"Wrote {report.relative_to(ROOT)}")


def report_path() -> Path:
    """docs/benchmarks.md for the default SQLite run, docs/benchmarks-postgresql.md for PostgreSQL."""
    if os.environ.get("BENCH_DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return ROOT / "docs" / "benchmarks-postgresql.md"
    return ROOT / "docs" / "benchmarks.md"


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure(sys.argv[sys.argv.index("--measure") + 1 :])
    else:
        sys.exit(main())
