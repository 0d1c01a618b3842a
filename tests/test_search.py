"""The search page on every engine: results of each kind, French analysis, permission trimming, faults.

Each test runs against the database backend of the run, osmem through ``opensearch3``, osmem
through ``elasticsearch9`` behind a media-type rewriting proxy, and a real Elasticsearch when
``ELASTICSEARCH_URL`` is set (see tests/search_engines.py).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.models import UnansweredQuery
from tests.search_engines import ENGINES, SAMPLES, build_corpus, use_engine

pytestmark = pytest.mark.django_db

URL = "/recherche/"


@pytest.fixture(params=ENGINES)
def corpus(request, settings, osmem_server, home_page, make_user):
    engine = use_engine(request.param, request, settings, osmem_server)
    data = build_corpus(home_page, make_user)
    engine.rebuild()
    data["engine"] = engine
    return data


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [hit.title for hit in response.context["page_obj"].object_list]


def search(client, q, **params):
    return client.get(URL, {"q": q, **params})


def test_the_search_page_is_in_the_main_menu(client, home_page):
    response = client.get("/")
    assert f'href="{URL}"' in response.content.decode()
    assert reverse("search:search") == URL


def test_news_and_documents_are_found_with_their_badge(client, corpus):
    response = search(client, "cryo microscopie")
    assert "Notes de réunion" in titles(response)
    response = search(client, "confocal")
    found = titles(response)
    assert "Nouveau microscope confocal" in found
    html = response.content.decode()
    assert "Actualité" in html


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="sample documents absent")
def test_document_passage_highlights_terms_and_gives_the_pdf_page(client, corpus):
    response = search(client, "spectromètre")
    assert "Conseil scientifique de mars 2025" in titles(response)
    hit = next(h for h in response.context["page_obj"].object_list if h.kind.key == "document")
    assert hit.page_number == 2
    assert "<mark>spectromètre</mark>" in hit.passage
    html = response.content.decode()
    assert "Page 2" in html
    assert "Document" in html


def test_title_matches_rank_above_body_matches_and_recent_news_first(client, corpus):
    found = titles(search(client, "microscope confocal"))
    assert found.index("Nouveau microscope confocal") < found.index("Appel d'offres")


@pytest.mark.parametrize(
    ("query", "expected", "needs"),
    [
        ("réunion", "Réunions du comité de pilotage", "stemming"),
        ("evenement", "L'évènement annuel du réseau", "elision"),
        ("évènements", "L'évènement annuel du réseau", "stemming"),
        ("compte rendu", "Comptes-rendus des plateformes", "stemming"),
        ("sequencage", "Comptes-rendus des plateformes", ""),
        ("COMITÉ", "Réunions du comité de pilotage", ""),
    ],
)
def test_french_queries_match_inflections_and_accents(client, corpus, query, expected, needs):
    engine = corpus["engine"]
    if needs == "stemming" and not engine.stems_french:
        pytest.skip("SQLite FTS5 has no French stemmer (development engine); PostgreSQL and the engines stem")
    if needs == "elision" and not (engine.applies_elision or engine.stems_french):
        pytest.skip("elision unsupported on this engine")
    found = titles(search(client, query))
    assert expected in found[:5]


def test_words_that_appear_nowhere_find_nothing_and_are_logged(client, corpus):
    response = search(client, "xyzzyquux")
    assert response.context["paginator"].count == 0
    assert 'data-testid="no-results"' in response.content.decode()
    assert UnansweredQuery.objects.get(query_string="xyzzyquux").times == 1
    search(client, "xyzzyquux")
    assert UnansweredQuery.objects.get(query_string="xyzzyquux").times == 2


# Permission trimming -------------------------------------------------------------------

SECRET_WORDS = ["cryogénie", "xenobiologie", "Orion"]


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_private_content_leaks_nowhere(client, corpus, viewer):
    if viewer == "outsider":
        client.force_login(corpus["outsider"])
    for word in SECRET_WORDS + ["xylophone"]:
        response = search(client, word)
        html = response.content.decode()
        assert response.context["paginator"].count == 0, word
        assert "Projet Orion" not in html and "Budget Orion" not in html and "Brouillon" not in html
        suggestions = client.get(reverse("search:suggestions"), {"q": word[:5]}).json()["suggestions"]
        assert not [s for s in suggestions if "Orion" in s["title"] or "Brouillon" in s["title"]]
    # Facets and counts are computed inside the engine query: nothing of the private items shows.
    response = search(client, "réseau plateformes comité cryogénie")
    html = response.content.decode()
    assert "Archives Orion" not in html
    total = response.context["paginator"].count
    facet_total = sum(v.count for g in response.context["facet_groups"] if g["name"] == "kind" for v in g["values"])
    assert facet_total == total


@pytest.mark.parametrize("viewer", ["anonymous", "outsider"])
def test_secret_groups_their_posts_and_documents_leak_nowhere(client, corpus, viewer):
    if viewer == "outsider":
        client.force_login(corpus["outsider"])
    for query in ["xenobiologie", "Orion", "cryogénie quantique", "secret"]:
        response = search(client, query)
        html = response.content.decode()
        for title in ["Groupe Orion secret", "Discussion Orion", "Plan Orion"]:
            assert title not in html, (query, title)
        suggestions = client.get(reverse("search:suggestions"), {"q": query[:4]}).json()["suggestions"]
        assert not [item for item in suggestions if "Orion" in item["title"]]
    assert client.get(URL, {"q": "cytométrie", "group": corpus["secret_group"].pk}).status_code == 404


def test_every_kind_is_found_with_its_badge_by_who_may_see_it(client, corpus):
    client.force_login(corpus["insider"])
    kinds = {
        "Séminaire imagerie du vivant": ("imagerie", "event", "Évènement"),
        "Protocole de tri cellulaire": ("trieur", "discussion", "Discussion"),
        "Groupe cytométrie": ("cytométrie", "group", "Groupe"),
        "Discussion Orion": ("xenobiologie", "discussion", "Discussion"),
        "Plan Orion": ("xenobiologie", "document", "Document"),
        corpus["profile"].full_name: ("cytométrie", "person", "Personne"),
    }
    for title, (query, key, badge) in kinds.items():
        response = search(client, query)
        hits = {hit.title: hit for hit in response.context["page_obj"].object_list}
        assert title in hits, (title, list(hits))
        assert hits[title].kind.key == key
        assert badge in response.content.decode()
    groups = {g["name"]: g for g in search(client, "xenobiologie").context["facet_groups"]}
    assert "Groupe Orion secret" in {value.label for value in groups["group"]["values"]}
    response = search(client, "xenobiologie", group=corpus["secret_group"].pk)
    assert {hit.title for hit in response.context["page_obj"].object_list} >= {"Discussion Orion", "Plan Orion"}


def test_hidden_profile_fields_are_not_searchable(client, corpus, make_user):
    client.force_login(make_user("colleague"))
    assert titles(search(client, "0611223344")) == []
    assert corpus["profile"].full_name in titles(search(client, "Ingénieure cytométrie"))


def test_people_are_for_members_only(client, corpus):
    assert corpus["profile"].full_name not in titles(search(client, "Ingénieure cytométrie"))


def test_members_only_content_needs_a_login(client, corpus):
    assert titles(search(client, "zanzibar")) == []
    client.force_login(corpus["outsider"])
    assert titles(search(client, "zanzibar")) == ["Note interne aux membres"]


def test_group_members_find_their_group_content(client, corpus):
    client.force_login(corpus["insider"])
    found = titles(search(client, "xenobiologie"))
    assert set(found) == {"Projet Orion confidentiel", "Budget Orion", "Discussion Orion", "Plan Orion"}
    suggestions = client.get(reverse("search:suggestions"), {"q": "Projet Ori"}).json()["suggestions"]
    assert "Projet Orion confidentiel" in [s["title"] for s in suggestions]
    # Unpublished pages stay hidden, even to members.
    assert titles(search(client, "xylophone")) == []


# Facets, sorting, pagination -----------------------------------------------------------


def test_facets_count_and_filter_by_type_and_file_type(client, corpus):
    response = search(client, "comité cryo")
    groups = {group["name"]: {v.value: v.count for v in group["values"]} for group in response.context["facet_groups"]}
    assert groups["kind"]["news"] >= 1 and groups["kind"]["document"] >= 1
    assert "txt" in groups["file_type"]
    response = search(client, "comité cryo", kind="document")
    assert {hit.kind.key for hit in response.context["page_obj"].object_list} == {"document"}
    assert response.context["paginator"].count == groups["kind"]["document"]
    response = search(client, "comité cryo", file_type="txt")
    assert all(hit.details == ["TXT"] for hit in response.context["page_obj"].object_list)


@pytest.mark.parametrize("viewer", ["anonymous", "insider"])
def test_each_facet_value_counts_the_results_it_selects(client, corpus, viewer):
    """Drill-down: choosing a value shows exactly its count, and the other facets keep the other filters."""
    if viewer == "insider":
        client.force_login(corpus["insider"])
    query = "réseau plateformes comité cytométrie xenobiologie cryogénie microscope"
    response = search(client, query)
    groups = {group["name"]: group["values"] for group in response.context["facet_groups"]}
    assert {"kind", "year"} <= set(groups)
    if viewer == "insider":
        assert "Groupe Orion secret" in {value.label for value in groups["group"]}
    else:
        assert all("Orion" not in value.label for value in groups.get("group", []))
    for name, values in groups.items():
        for value in values:
            selected = search(client, query, **{name: value.value})
            assert selected.context["paginator"].count == value.count, (name, value.label)
            again = {group["name"]: group["values"] for group in selected.context["facet_groups"]}
            chosen = next(other for other in again[name] if other.value == value.value)
            assert chosen.selected and chosen.count == value.count
            # The facet's other values stay, with the counts they had: only the other filters apply to it.
            assert [(other.value, other.count) for other in again[name]] == [(v.value, v.count) for v in values]


def test_group_counts_are_exact_past_the_engines_terms_limit(client, corpus, monkeypatch):
    """Engines count pages per group from the paths under the groups; when there are more paths than
    one aggregation returns, each group is counted with a prefix filter instead."""
    from search.backends import facets

    client.force_login(corpus["insider"])
    query = "réseau plateformes comité cytométrie xenobiologie cryogénie microscope"

    def group_counts():
        response = search(client, query)
        return [
            (v.label, v.count) for g in response.context["facet_groups"] if g["name"] == "group" for v in g["values"]
        ]

    counted = group_counts()
    assert counted and sum(count for _label, count in counted) > 1
    monkeypatch.setattr(facets, "ENGINE_TERMS_SIZE", 1)
    assert group_counts() == counted


def test_a_document_leaves_results_as_soon_as_its_collection_is_restricted(client, corpus):
    """Collection restrictions are cached; adding or lifting one shows in the next search."""
    from wagtail.models import Collection, CollectionViewRestriction

    from tests.search_engines import add_text_document

    public = Collection.objects.get(name="Archives publiques")
    shelf = public.add_child(name="Étagère basse")
    add_text_document("Inventaire du cryostat", "Inventaire annuel du cryostat.", shelf)
    corpus["engine"].rebuild()
    assert "Inventaire du cryostat" in titles(search(client, "cryostat"))
    restriction = CollectionViewRestriction.objects.create(
        collection=public, restriction_type=CollectionViewRestriction.LOGIN
    )
    assert "Inventaire du cryostat" not in titles(search(client, "cryostat"))
    client.force_login(corpus["insider"])
    assert "Inventaire du cryostat" in titles(search(client, "cryostat"))
    client.logout()
    restriction.delete()
    assert "Inventaire du cryostat" in titles(search(client, "cryostat"))


def test_counts_and_results_are_the_same_past_the_ranked_rows_limit(client, corpus, monkeypatch):
    """The database backends count facets from the ranked rows up to a limit, with a GROUP BY past it."""
    from search.backends import facets

    client.force_login(corpus["insider"])
    query = "réseau plateformes comité cytométrie microscope"

    def page(**params):
        response = search(client, query, **params)
        counts = {
            group["name"]: [(v.value, v.count) for v in group["values"]] for group in response.context["facet_groups"]
        }
        return response.context["paginator"].count, counts, titles(response)

    ranked, ranked_by_date = page(), page(sort="date")
    monkeypatch.setattr(facets, "DATABASE_RANKED_ROWS", 1)
    assert page() == ranked
    assert page(sort="date") == ranked_by_date
    assert ranked[0] > 2


def test_year_facet_and_date_sort(client, corpus):
    response = search(client, "microscope confocal", sort="date")
    found = titles(response)
    assert found.index("Nouveau microscope confocal") < found.index("Appel d'offres")
    years = next(g for g in response.context["facet_groups"] if g["name"] == "year")
    old_year = corpus["microscope_old"].first_published_at.year
    assert str(old_year) in {v.value for v in years["values"]}
    response = search(client, "microscope confocal", year=old_year)
    assert "Appel d'offres" in titles(response)
    assert "Nouveau microscope confocal" not in titles(response)


# Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"kind": "nope"}, {"year": "20x5"}, {"page": "9999"}, {"page": "abc"}, {"sort": "sql"}, {"group": "999999"}],
)
def test_tampered_parameters_are_a_404(client, corpus, params):
    assert client.get(URL, {"q": "comité", **params}).status_code == 404


def test_query_syntax_is_text_and_long_queries_are_cut(client, corpus):
    for query in ['comité" OR 1=1 --', "comité AND (NEAR", "comité*", "réunion:title^3", "{}[]~/\\"]:
        assert search(client, query).status_code == 200
    long_query = "comité " + "a" * 500
    response = search(client, long_query)
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200
    assert "seul le début" in response.content.decode()


def test_an_empty_query_shows_recent_content(client, corpus):
    response = client.get(URL)
    assert response.status_code == 200
    recent = [hit.title for hit in response.context["recent"]]
    assert recent.index("Nouveau microscope confocal") < recent.index("Réunions du comité de pilotage")
    assert "Projet Orion confidentiel" not in recent and "Budget Orion" not in recent


def test_editors_picks_come_first_and_respect_privacy(client, corpus):
    query = Query.get("pilotage")
    SearchPromotion.objects.create(query=query, page=corpus["microscope_news"], sort_order=0, description="À lire")
    SearchPromotion.objects.create(query=query, page=corpus["secret_news"], sort_order=1)
    response = search(client, "pilotage")
    html = response.content.decode()
    assert "Nouveau microscope confocal" in html.split('data-testid="search-results"')[0]
    assert "Projet Orion" not in html


def test_the_page_is_french_and_accessible(client, corpus):
    html = search(client, "comité").content.decode()
    assert '<label for="search-q">' in html
    assert 'role="search"' in html
    assert re.search(r"<h1>Recherche</h1>", html)
    assert "Affiner" in html


def test_editors_read_the_searches_without_results_in_the_admin(client, home_page, make_user):
    UnansweredQuery.objects.create(query_string="microscope biphotonique", times=4)
    client.get(URL, {"q": "xyzzy"})
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    html = client.get(reverse("unanswered_queries:index")).content.decode()
    assert "microscope biphotonique" in html and "xyzzy" in html


def test_sql_queries_stay_flat_as_the_archive_grows(client, settings, osmem_server, home_page, make_user, request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import Collection

    from news.models import NewsIndexPage
    from tests.search_engines import add_news, add_text_document

    engine = use_engine("database", request, settings, osmem_server)
    data = build_corpus(home_page, make_user)
    client.force_login(data["insider"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"q": "microscope réunion"}).status_code == 200
        return len(captured)

    queries()  # warms the content type cache
    before = queries()
    index = NewsIndexPage.objects.get()
    collection = Collection.objects.get(name="Archives publiques")
    for number in range(15):
        add_news(index, f"Microscope numéro {number}", excerpt="Réunion autour du microscope.")
        add_text_document(f"Réunion microscope {number}", "Compte rendu de réunion sur le microscope.", collection)
    engine.rebuild()
    # Flat: the same queries whatever the volume. The only variation allowed is Wagtail's specific(),
    # one query per page type present on the page of results (at most the four searchable types).
    assert queries() <= before + 3


def test_postgres_search_ranks_without_carrying_each_match_vector(
    client, settings, osmem_server, home_page, make_user, request
):
    """modelsearch selects ``title || body`` for every matching row; ranking 2,000 long documents
    spent most of its time concatenating vectors nobody reads (search.backends.database)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL full-text backend only")
    use_engine("database", request, settings, osmem_server)
    data = build_corpus(home_page, make_user)
    client.force_login(data["insider"])
    with CaptureQueriesContext(connection) as captured:
        response = search(client, "microscope")
    ranked = [query["sql"] for query in captured if "ts_rank" in query["sql"]]
    assert ranked, "no ranked full-text query ran"
    assert not any('AS "_vector_"' in sql for sql in ranked)
    assert "@@" in ranked[0]  # the match itself is still there
    assert titles(response)


def test_postgres_indexes_a_document_too_large_for_a_tsvector(
    client, settings, osmem_server, home_page, make_user, request
):
    """A text of 150,000 distinct words is over PostgreSQL's 1 MB tsvector limit: the full rebuild
    and the other documents of the batch go through, and the document is searchable by its beginning."""
    from django.db import connection
    from wagtail.models import Collection

    from tests.search_engines import add_text_document

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL full-text backend only")
    engine = use_engine("database", request, settings, osmem_server)
    data = build_corpus(home_page, make_user)
    client.force_login(data["insider"])
    collection = Collection.objects.get(name="Archives publiques")
    identifiers = " ".join(f"echantillon{number:06d}x" for number in range(150_000))
    add_text_document("Inventaire des échantillons", f"Inventaire zoologique. {identifiers}", collection)
    add_text_document("Registre des congélateurs", "Registre zoologique des congélateurs.", collection)
    output = engine.rebuild()
    assert "indexed" in output
    found = titles(search(client, "zoologique"))
    assert {"Inventaire des échantillons", "Registre des congélateurs"} <= set(found)
    assert "Inventaire des échantillons" in titles(search(client, "echantillon000001x"))
