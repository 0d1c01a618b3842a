"""A small harness for `make bench`: server time and SQL queries per request.

Times are measured in-process through Django's test client (the whole request
cycle, middleware and templates included, without network), which is what the
targets in docs/benchmarks.md talk about.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Measurement:
    section: str
    label: str
    median_ms: float
    p95_ms: float
    queries: int
    note: str = ""


@dataclass
class Bench:
    scale: int
    section: str = ""
    results: list[Measurement] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    _clients: dict = field(default_factory=dict)

    def client(self, user=None) -> Client:
        key = user.pk if user is not None else None
        if key not in self._clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            self._clients[key] = client
        return self._clients[key]

    def measure(self, label: str, fn: Callable[[], object], repeat: int = 30, note: str = "") -> Measurement:
        fn()  # warm caches and imports
        timings = []
        with CaptureQueriesContext(connection) as captured:
            start_count = len(captured)
            fn()
            queries = len(captured) - start_count
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        reset_queries()
        timings.sort()
        result = Measurement(
            self.section,
            label,
            round(statistics.median(timings), 1),
            round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
            queries,
            note,
        )
        self.results.append(result)
        print(f"  {label}: median {result.median_ms} ms, p95 {result.p95_ms} ms, {queries} queries")
        return result

    def measure_get(self, label: str, url: str, user=None, repeat: int = 30, note: str = "") -> Measurement:
        client = self.client(user)

        def get():
            response = client.get(url)
            if response.status_code != 200:
                raise AssertionError(f"{url} answered {response.status_code}")
            return response

        return self.measure(label, get, repeat=repeat, note=note or url)

    def note(self, text: str) -> None:
        self.notes.setdefault(self.section, []).append(text)
        print(f"  {text}")
