"""Faults: the engine goes down mid-run, index updates wait in django-q2's queue, a rebuild swaps indexes.

The engine is osmem-server behind a small TCP-level switch (the test proxy of search_engines,
stopped and restarted on the same port), through the ``opensearch3`` backend.

The queue is django-q2's real ORM broker (rows in ``django_q_ormq``, locked on delivery and
presented again after ``retry`` seconds when not acknowledged). The worker loop is
``drain_queue`` below, run in the test process instead of a ``qcluster`` process: pytest's
test database (in memory on SQLite, inside a transaction) cannot be shared with another process.
"""

from __future__ import annotations

import threading
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage
from wagtail.search.backends import get_search_backend

from tests.search_engines import CompatibilityProxy, add_news, use_engine

pytestmark = pytest.mark.django_db


class SwitchableEngine:
    """osmem behind a proxy that can be stopped (connections refused) and started again on its port."""

    def __init__(self, target: str):
        self.target = target
        self.proxy = CompatibilityProxy(target)
        self.port = self.proxy.server_address[1]
        self._serve()

    def _serve(self):
        threading.Thread(target=self.proxy.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proxy.shutdown()
        self.proxy.server_close()

    def start(self):
        self.proxy = CompatibilityProxy(self.target, self.port)
        self._serve()


def drain_queue() -> tuple[int, int]:
    """Run what django-q2's ORM broker delivers, as its worker would: acknowledge successes only."""
    broker = get_broker()
    done = failed = 0
    while delivered := broker.dequeue():
        for ack_id, payload in delivered:
            task = SignedPackage.loads(payload)
            try:
                task["func"](*task["args"], **task["kwargs"])
            except Exception:  # noqa: BLE001 - left unacknowledged: the broker presents it again after `retry`
                failed += 1
                continue
            broker.acknowledge(ack_id)
            done += 1
    return done, failed


@pytest.fixture
def engine(request, settings, osmem_server):
    clone = osmem_server.clone()
    request.addfinalizer(clone.close)
    switch = SwitchableEngine(clone.url)
    request.addfinalizer(lambda: switch.proxy.shutdown())
    use_engine("opensearch3", request, settings, osmem_server)
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**backend, "URLS": [switch.url], "TIMEOUT": 10}}
    call_command("update_index", stdout=StringIO())  # creates the (empty) indexes, as a deployment does
    return switch


@pytest.fixture
def queued(settings, monkeypatch):
    """django-q2 with its ORM broker (no sync), re-presenting unacknowledged tasks after one second."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": False, "retry": 1}
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "RETRY", 1)


def test_engine_down_pages_render_search_answers_503_and_updates_wait_for_it(
    client, engine, queued, home_page, django_capture_on_commit_callbacks
):
    from news.models import NewsIndexPage

    with django_capture_on_commit_callbacks(execute=True):
        index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
        add_news(index, "Réunion des plateformes", excerpt="Ordre du jour de la réunion.")
    drain_queue()
    get_search_backend().es.indices.refresh()
    assert client.get("/recherche/", {"q": "réunion"}).context["paginator"].count == 1

    engine.stop()
    assert client.get("/").status_code == 200
    assert client.get(index.url).status_code == 200
    response = client.get("/recherche/", {"q": "réunion"})
    assert response.status_code == 503
    assert "Recherche indisponible" in response.content.decode()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        add_news(index, "Séminaire de cytométrie", excerpt="Le séminaire annuel de cytométrie en flux.")
    assert time.monotonic() - started < 2, "a save must not wait for the engine"
    done, failed = drain_queue()
    assert failed >= 1  # the index update failed and stays queued

    engine.start()
    # The broker presents unacknowledged tasks again after `retry` seconds (later on a loaded machine).
    deadline, done, failed = time.monotonic() + 15, 0, 0
    while not done and time.monotonic() < deadline:
        time.sleep(0.5)
        done, failed = drain_queue()
    assert failed == 0 and done >= 1
    get_search_backend().es.indices.refresh()
    response = client.get("/recherche/", {"q": "cytométrie"})
    assert [hit.title for hit in response.context["page_obj"].object_list] == ["Séminaire de cytométrie"]
    assert get_broker().queue_size() == 0


def test_suggestions_answer_503_when_the_engine_is_down(client, engine, home_page):
    engine.stop()
    response = client.get("/recherche/suggestions/", {"q": "réu"})
    assert response.status_code == 503
    assert response.json() == {"suggestions": []}


@override_settings(Q_CLUSTER={"sync": True, "name": "portal", "orm": "default"})
def test_a_full_rebuild_swaps_indexes_atomically_through_an_alias(client, engine, home_page):
    from news.models import NewsIndexPage

    index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    add_news(index, "Réunion des plateformes", excerpt="Ordre du jour.")
    backend = get_search_backend()
    call_command("update_index", stdout=StringIO())
    page_index = backend.get_index_for_model(index.__class__)
    first = page_index.aliased_indices()
    assert page_index.is_alias() and len(first) == 1
    call_command("update_index", stdout=StringIO())
    second = page_index.aliased_indices()
    assert len(second) == 1 and second != first  # a new index took the alias; the old one is gone
    assert not backend.es.indices.exists(index=first[0].name)
    assert client.get("/recherche/", {"q": "réunion"}).context["paginator"].count == 1
