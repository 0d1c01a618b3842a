"""The search suite's engines and corpus (imported by tests/test_search*.py; holds no tests).

Engines are real: the database backend of the run (SQLite FTS5 or PostgreSQL), osmem-server
(an in-memory OpenSearch-compatible server, PyPI) through ``opensearch3``, the same osmem
through ``elasticsearch9`` behind a test-only proxy, and a real Elasticsearch when
``ELASTICSEARCH_URL`` is set.
"""

from __future__ import annotations

import http.server
import os
import re
import threading
import urllib.request
from datetime import timedelta
from io import StringIO
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from search.engines import search_backends

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
ENGINES = ["database", "opensearch3", "elasticsearch9"] + (
    ["elasticsearch"] if os.environ.get("ELASTICSEARCH_URL") else []
)
SECRET_GROUP = "Groupe Orion"


class CompatibilityProxy(http.server.ThreadingHTTPServer):
    """Test-only HTTP proxy: the ``elasticsearch`` client always sends Elasticsearch's compatibility
    media type, which osmem refuses (HTTP 406). The proxy rewrites
    ``application/vnd.elasticsearch+json; compatible-with=9`` to ``application/json`` (and ``+x-ndjson``
    for bulk requests to ``application/x-ndjson``) and answers with the media type the client expects,
    so that the ``elasticsearch9`` backend's own client calls are exercised in CI."""

    daemon_threads = True

    def __init__(self, target: str, port: int = 0):
        self.target = target.rstrip("/")
        super().__init__(("127.0.0.1", port), ProxyHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: re.sub(r"application/vnd\.elasticsearch\+([\w-]+); compatible-with=9", r"application/\1", value)
            for name, value in self.headers.items()
            if name.lower() in {"content-type", "accept"}
        }
        request = urllib.request.Request(
            self.server.target + self.path, data=body, method=self.command, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, payload = error.code, error.read()
        self.send_response(status)
        elasticsearch_client = "compatible-with=9" in (self.headers.get("Accept") or "")
        media_type = (
            "application/vnd.elasticsearch+json; compatible-with=9" if elasticsearch_client else "application/json"
        )
        self.send_header("Content-Type", media_type)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = forward


def use_engine(name: str, request, settings, osmem_server) -> Engine:
    """Point Wagtail at one real engine for the rest of the test."""
    proxy = None
    if name == "database":
        backends = search_backends("")
    elif name == "opensearch3":
        clone = osmem_server.clone()
        request.addfinalizer(clone.close)
        backends = search_backends(f"opensearch3+{clone.url}", index_prefix="test_")
    elif name == "elasticsearch9":
        clone = osmem_server.clone()
        request.addfinalizer(clone.close)
        proxy = CompatibilityProxy(clone.url)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        request.addfinalizer(proxy.shutdown)
        backends = search_backends(f"elasticsearch9+{proxy.url}", index_prefix="test_")
    else:
        prefix = f"test_{os.getpid()}_"
        backends = search_backends(f"elasticsearch9+{os.environ['ELASTICSEARCH_URL']}", index_prefix=prefix)
    settings.WAGTAILSEARCH_BACKENDS = backends
    return Engine(name, proxy)


class Engine:
    def __init__(self, name: str, proxy=None):
        self.name = name
        self.proxy = proxy

    @property
    def stems_french(self) -> bool:
        """SQLite FTS5 folds accents but has no French stemmer; every other engine here stems."""
        return not (self.name == "database" and connection.vendor == "sqlite")

    @property
    def applies_elision(self) -> bool:
        """osmem ignores the elision filter (see docs/search.md); PostgreSQL's parser splits "l'" itself."""
        return self.name in {"elasticsearch"} or (self.name == "database" and connection.vendor == "postgresql")

    def rebuild(self) -> str:
        out = StringIO()
        call_command("update_index", stdout=out, stderr=StringIO())
        return out.getvalue()


# The corpus ----------------------------------------------------------------------------


def add_news(index, title, *, excerpt="", days_ago=10, body=None):
    from news.models import NewsPage

    when = timezone.now() - timedelta(days=days_ago)
    page = NewsPage(title=title, slug=slugify(title)[:50], excerpt=excerpt, publication_date=when)
    if body:
        page.body = [("paragraph", body)]
    index.add_child(instance=page)
    page.first_published_at = when
    page.save(update_fields=["first_published_at"])
    return page


def add_text_document(title: str, text: str, collection: Collection, name: str | None = None):
    from search.models import Document
    from search.services import extract_document

    document = Document(title=title, collection=collection)
    document.file.save(name or f"{slugify(title)}.txt", ContentFile(text.encode()), save=False)
    document.save()
    return extract_document(document.pk)


def add_sample_document(name: str, title: str, collection: Collection):
    from search.models import Document
    from search.services import extract_document

    document = Document(title=title, collection=collection)
    document.file.save(name, ContentFile((SAMPLES / name).read_bytes()), save=False)
    document.save()
    return extract_document(document.pk)


def build_corpus(home_page, make_user) -> dict:
    """French content of every kind, public and private, with what each user may see."""
    from news.models import NewsIndexPage

    corpus: dict = {}
    secret = Group.objects.get_or_create(name=SECRET_GROUP)[0]
    corpus["insider"] = make_user("insider", groups=[SECRET_GROUP])
    corpus["outsider"] = make_user("outsider")

    news_index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    corpus["reunions"] = add_news(
        news_index, "Réunions du comité de pilotage", excerpt="Le calendrier des réunions mensuelles du comité."
    )
    corpus["evenement"] = add_news(
        news_index, "L'évènement annuel du réseau", excerpt="Le grand évènement des plateformes à Lyon.", days_ago=40
    )
    corpus["comptes_rendus"] = add_news(
        news_index,
        "Comptes-rendus des plateformes",
        excerpt="Les comptes-rendus du séquençage haut débit et de la cytométrie.",
        days_ago=400,
    )
    corpus["microscope_news"] = add_news(
        news_index, "Nouveau microscope confocal", excerpt="Le microscope confocal est installé à Bordeaux.", days_ago=3
    )
    corpus["microscope_old"] = add_news(
        news_index, "Appel d'offres", excerpt="Achat d'un microscope confocal pour la plateforme.", days_ago=900
    )
    secret_news = add_news(
        news_index, "Projet Orion confidentiel", excerpt="Cryogénie quantique xenobiologie réservée au projet."
    )
    restriction = PageViewRestriction.objects.create(page=secret_news, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(secret)
    corpus["secret_news"] = secret_news
    members_news = add_news(news_index, "Note interne aux membres", excerpt="Tarification interne zanzibar.")
    PageViewRestriction.objects.create(page=members_news, restriction_type=PageViewRestriction.LOGIN)
    corpus["members_news"] = members_news
    draft = add_news(news_index, "Brouillon xylophone", excerpt="Jamais publié xylophone.")
    draft.unpublish()
    corpus["draft"] = draft

    root = Collection.get_first_root_node()
    public = root.add_child(name="Archives publiques")
    private = root.add_child(name="Archives Orion")
    collection_restriction = CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.GROUPS
    )
    collection_restriction.groups.add(secret)
    corpus["public_collection"], corpus["private_collection"] = public, private
    corpus["secret_document"] = add_text_document(
        "Budget Orion", "Budget de la cryogénie quantique xenobiologie, diffusion restreinte.", private
    )
    corpus["notes"] = add_text_document(
        "Notes de réunion", "Compte rendu : la cryo-microscopie électronique arrive en 2026.", public
    )
    if SAMPLES.is_dir():
        corpus["conseil"] = add_sample_document(
            "conseil-scientifique-2025-03-12.pdf", "Conseil scientifique de mars 2025", public
        )
    add_events(home_page, corpus)
    add_groups(home_page, corpus)
    add_people(corpus)
    return corpus


def add_events(home_page, corpus: dict) -> None:
    from events.models import EventIndexPage, EventPage

    agenda = home_page.add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
    start = timezone.now() + timedelta(days=20)
    event = EventPage(
        title="Séminaire imagerie du vivant",
        slug="seminaire-imagerie",
        start=start,
        end=start + timedelta(hours=3),
        excerpt="Microscopie à feuille de lumière, amphithéâtre Durand.",
    )
    agenda.add_child(instance=event)
    corpus["event"] = event


def add_groups(home_page, corpus: dict) -> None:
    """An open group and a secret one (privacy by the groups app's view restrictions), each with a post."""
    from groups.models import GroupCategory, GroupIndexPage, GroupPage, GroupPostPage, Membership

    index = home_page.add_child(instance=GroupIndexPage(title="Groupes", slug="groupes"))
    category = GroupCategory.objects.create(name="Projets", slug="projets")
    for key, title, visibility, post_title, post_body in [
        ("open_group", "Groupe cytométrie", "open", "Protocole de tri cellulaire", "Réglages du trieur de cellules."),
        ("secret_group", "Groupe Orion secret", "secret", "Discussion Orion", "Cryogénie quantique xenobiologie."),
    ]:
        group = GroupPage(title=title, slug=slugify(title), visibility=visibility, category=category)
        index.add_child(instance=group)
        group.refresh_from_db()
        post = GroupPostPage(title=post_title, slug=slugify(post_title), body=f"<p>{post_body}</p>")
        group.add_child(instance=post)
        corpus[key], corpus[f"{key}_post"] = group, post
    secret = corpus["secret_group"]
    Membership.objects.create(user=corpus["insider"], group=secret, status=Membership.Status.ACTIVE)
    corpus["secret_group_document"] = add_text_document(
        "Plan Orion", "Plan de la cryogénie quantique xenobiologie du groupe.", secret.collection
    )


def add_people(corpus: dict) -> None:
    """A profile whose phone is for members only: the index holds fields visible to everyone only."""
    profile = corpus["outsider"].profile
    profile.job_title = "Ingénieure en cytométrie"
    profile.phone = "0611223344"
    profile.phone_visibility = "members"
    profile.save()
    corpus["profile"] = profile
