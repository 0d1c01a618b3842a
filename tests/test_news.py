"""The news section: pages in the tree, listings and archives, feeds, visibility, languages, demo data."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from news.models import NewsCategory, NewsIndexPage, NewsPage, NewsPageAttachment
from portal.demo_files import demo_document

PARIS = ZoneInfo("Europe/Paris")
ATOM = "{http://www.w3.org/2005/Atom}"


def paris(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def news_index(home_page):
    return home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))


@pytest.fixture
def categories(db):
    return {
        "annonce": NewsCategory.objects.create(name="Annonce", slug="annonce"),
        "appel": NewsCategory.objects.create(name="Appel à projets", slug="appel-a-projets"),
    }


def add_news(index, title, *, when, category=None, tags=(), excerpt="", **fields) -> NewsPage:
    fields.setdefault("slug", slugify(title))
    page = NewsPage(title=title, publication_date=when, category=category, excerpt=excerpt, **fields)
    page.tags.add(*tags)
    index.add_child(instance=page)
    return page


def restrict_to_members(page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def restrict_to_group(page, group_name: str) -> None:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get_or_create(name=group_name)[0])


def titles_in(response) -> list[str]:
    return [item.title for item in response.context["news_items"]]


# The tree


def test_news_pages_live_under_the_single_news_index(home_page, news_index):
    assert NewsIndexPage.can_create_at(home_page) is False  # max_count 1, already there
    assert NewsPage.can_create_at(news_index)
    assert not NewsPage.can_create_at(home_page)
    assert not NewsIndexPage.can_create_at(news_index)
    item = add_news(news_index, "Nouveau séquenceur", when=paris(2026, 3, 2))
    assert item.url == "/actualites/nouveau-sequenceur/"
    assert item.get_absolute_url() == item.url


def test_news_page_shows_its_date_category_tags_and_attachments(client, news_index, categories):
    document = demo_document("Règlement de l'appel", ["Les dossiers sont à déposer avant le 15 mars."])
    item = add_news(
        news_index,
        "Appel à projets 2026",
        when=paris(2026, 3, 2),
        category=categories["appel"],
        tags=["financement", "séquençage"],
        excerpt="Un appel pour les plateformes.",
    )
    NewsPageAttachment.objects.create(page=item, document=document, label="Texte de l'appel")

    response = client.get(item.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<time datetime="2026-03-02T10:00:00+01:00">2 mars 2026</time>' in html
    assert 'href="/actualites/categorie/appel-a-projets/"' in html
    assert 'href="/actualites/etiquette/sequencage/"' in html
    assert "Texte de l&#x27;appel" in html
    assert "(PDF, " in html
    assert 'rel="alternate" type="application/rss+xml"' in html
    assert 'href="/actualites/flux/atom/"' in html


def test_editors_can_open_the_news_forms_in_the_admin(client, news_index, make_user):
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    assert client.get(f"/admin/pages/add/news/newspage/{news_index.pk}/").status_code == 200
    assert client.get("/admin/snippets/news/newscategory/").status_code == 200


def news_form(**fields):
    return nested_form_data(
        {
            "title": "Nouvelle plateforme",
            "slug": "nouvelle-plateforme",
            "publication_date": "02/03/2026 10:00",
            "excerpt": "Une plateforme rejoint le réseau.",
            "tags": "réseau, plateformes",
            "body": streamfield([("paragraph", rich_text("<p>Elle ouvre ses portes.</p>"))]),
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
            **fields,
        }
    )


def test_editors_publish_and_preview_news_from_the_admin(client, news_index, categories, make_user):
    client.force_login(make_user("editor", is_staff=True, is_superuser=True))
    add_url = f"/admin/pages/add/news/newspage/{news_index.pk}/"

    preview = client.post(f"{add_url}preview/", news_form(category=categories["annonce"].pk))
    assert preview.json()["is_valid"]
    assert "Elle ouvre ses portes." in client.get(f"{add_url}preview/").content.decode()

    response = client.post(add_url, news_form(category=categories["annonce"].pk, **{"action-publish": "publish"}))
    assert response.status_code == 302
    item = NewsPage.objects.get(slug="nouvelle-plateforme")
    assert item.live and item.get_parent().pk == news_index.pk
    assert item.publication_date == paris(2026, 3, 2)
    assert sorted(item.tags.names()) == ["plateformes", "réseau"]
    assert titles_in(client.get("/actualites/etiquette/reseau/")) == ["Nouvelle plateforme"]


def test_the_news_card_for_the_home_page(rf, news_index, categories):
    item = add_news(news_index, "Brève", when=paris(2026, 3, 2), category=categories["annonce"], excerpt="En bref.")
    html = render_to_string("news/includes/news_card.html", {"item": item, "heading": "h3", "request": rf.get("/")})
    assert '<h3><a href="/actualites/breve/">Brève</a></h3>' in html
    assert '<time datetime="2026-03-02T10:00:00+01:00">2 mars 2026</time>' in html
    assert "Annonce" in html and "En bref." in html


# Listing, pagination and archives


def test_index_lists_newest_first_twelve_per_page(client, news_index):
    for day in range(1, 15):
        add_news(news_index, f"Brève {day:02d}", when=paris(2026, 1, day))

    first = client.get("/actualites/")
    second = client.get("/actualites/?page=2")

    assert titles_in(first)[:2] == ["Brève 14", "Brève 13"]
    assert len(titles_in(first)) == 12
    assert titles_in(second) == ["Brève 02", "Brève 01"]
    assert 'href="?page=2"' in first.content.decode()
    assert "Page 2 sur 2" in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "999", "0", "-1"])
def test_an_invalid_page_number_is_a_404(client, news_index, page):
    add_news(news_index, "Seule brève", when=paris(2026, 1, 5))
    assert client.get(f"/actualites/?page={page}").status_code == 404


def test_archives_by_year_month_category_and_tag(client, news_index, categories):
    annonce = categories["annonce"]
    add_news(news_index, "Séminaire de mars", when=paris(2026, 3, 10), category=annonce, tags=["imagerie"])
    add_news(news_index, "Appel d'avril", when=paris(2026, 4, 1), category=categories["appel"])
    add_news(news_index, "Bilan 2025", when=paris(2025, 12, 31, 23, 30), tags=["imagerie", "bilan"])

    assert titles_in(client.get("/actualites/2026/")) == ["Appel d'avril", "Séminaire de mars"]
    assert titles_in(client.get("/actualites/2026/03/")) == ["Séminaire de mars"]
    assert titles_in(client.get("/actualites/categorie/appel-a-projets/")) == ["Appel d'avril"]
    assert titles_in(client.get("/actualites/etiquette/imagerie/")) == ["Séminaire de mars", "Bilan 2025"]
    assert titles_in(client.get("/actualites/2025/12/")) == ["Bilan 2025"]
    month_page = client.get("/actualites/2026/03/").content.decode()
    assert "Actualités de mars 2026" in month_page


def test_a_late_evening_item_is_archived_in_its_paris_month(client, news_index):
    # 00:30 on 1 April in Paris is still 31 March in UTC: the archive follows Paris.
    add_news(news_index, "Minuit passé", when=paris(2026, 4, 1, 0, 30))
    assert titles_in(client.get("/actualites/2026/04/")) == ["Minuit passé"]
    assert client.get("/actualites/2026/03/").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/actualites/2026/13/",
        "/actualites/2026/00/",
        "/actualites/0000/",
        "/actualites/1999/",
        "/actualites/2026/05/",
        "/actualites/categorie/inconnue/",
        "/actualites/etiquette/inconnue/",
        "/actualites/26/",
        "/actualites/2026/3/",
    ],
)
def test_unknown_archive_parameters_are_a_404(client, news_index, categories, url):
    add_news(news_index, "Séminaire de mars", when=paris(2026, 3, 10), category=categories["annonce"])
    assert client.get(url).status_code == 404


def test_an_empty_category_says_so(client, news_index, categories):
    add_news(news_index, "Séminaire de mars", when=paris(2026, 3, 10), category=categories["annonce"])
    response = client.get("/actualites/categorie/appel-a-projets/")
    assert response.status_code == 200
    assert "Aucune actualité pour le moment." in response.content.decode()


def test_sidebar_counts_categories_months_and_tags(client, news_index, categories):
    add_news(news_index, "A", when=paris(2026, 3, 10), category=categories["annonce"], tags=["imagerie"])
    add_news(news_index, "B", when=paris(2026, 3, 12), category=categories["annonce"], tags=["imagerie", "bilan"])
    add_news(news_index, "C", when=paris(2025, 11, 2), category=categories["appel"], tags=["bilan", "imagerie"])

    context = client.get("/actualites/").context

    assert [(c.slug, c.count) for c in context["categories"]] == [("annonce", 2), ("appel-a-projets", 1)]
    years = context["archive_years"]
    assert [(y.year, y.count) for y in years] == [(2026, 2), (2025, 1)]
    assert [(m.month.month, m.count) for m in years[0].months] == [(3, 2)]
    assert [(t.slug, t.news_count) for t in context["popular_tags"]] == [("imagerie", 3), ("bilan", 2)]


# Visibility


def test_restricted_news_is_listed_for_members_only(client, news_index, member, categories):
    add_news(news_index, "Brève publique", when=paris(2026, 3, 1), category=categories["annonce"], tags=["public"])
    private = add_news(
        news_index, "Compte rendu du conseil", when=paris(2026, 3, 2), category=categories["appel"], tags=["interne"]
    )
    restrict_to_members(private)

    anonymous = client.get("/actualites/")
    assert titles_in(anonymous) == ["Brève publique"]
    assert "Compte rendu du conseil" not in anonymous.content.decode()
    assert [c.slug for c in anonymous.context["categories"]] == ["annonce"]
    assert [t.slug for t in anonymous.context["popular_tags"]] == ["public"]
    assert client.get("/actualites/etiquette/interne/").status_code == 404
    assert client.get(private.url).status_code == 302  # to the login page

    client.force_login(member)
    assert titles_in(client.get("/actualites/")) == ["Compte rendu du conseil", "Brève publique"]
    assert titles_in(client.get("/actualites/etiquette/interne/")) == ["Compte rendu du conseil"]


def test_group_restricted_news_is_hidden_from_other_members(client, news_index, make_user):
    restrict_to_group(add_news(news_index, "Note du comité", when=paris(2026, 3, 2)), "Comité de direction")
    outsider = make_user("outsider")
    insider = make_user("insider", groups=["Comité de direction"])

    client.force_login(outsider)
    assert titles_in(client.get("/actualites/")) == []
    client.force_login(insider)
    assert titles_in(client.get("/actualites/")) == ["Note du comité"]


def test_drafts_are_not_listed(client, news_index):
    draft = add_news(news_index, "Brouillon", when=paris(2026, 3, 2))
    draft.unpublish()
    assert titles_in(client.get("/actualites/")) == []


# Feeds


def test_rss_feed_has_public_news_only_even_for_a_member(client, news_index, member, categories):
    add_news(news_index, "Brève publique", when=paris(2026, 3, 1), category=categories["annonce"], tags=["imagerie"])
    restrict_to_members(add_news(news_index, "Brève interne", when=paris(2026, 3, 2)))
    add_news(news_index, "Brouillon", when=paris(2026, 3, 3)).unpublish()
    client.force_login(member)

    response = client.get("/actualites/flux/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Brève publique"]
    assert items[0].findtext("link") == "http://localhost/actualites/breve-publique/"
    assert items[0].findtext("pubDate") == "Sun, 01 Mar 2026 10:00:00 +0100"
    assert [c.text for c in items[0].findall("category")] == ["Annonce", "imagerie"]


def test_atom_feed_has_public_news_only(client, news_index):
    add_news(news_index, "Brève publique", when=paris(2026, 3, 1), excerpt="Le résumé.")
    restrict_to_members(add_news(news_index, "Brève interne", when=paris(2026, 3, 2)))

    response = client.get("/actualites/flux/atom/")

    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Brève publique"]
    assert entries[0].findtext(f"{ATOM}summary") == "Le résumé."
    assert entries[0].findtext(f"{ATOM}published") == "2026-03-01T10:00:00+01:00"


def test_index_advertises_its_feeds(client, news_index):
    html = client.get("/actualites/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/actualites/flux/rss/"' in html


# SQL queries stay flat as news grows


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def add_many(index, categories, count, start=0):
    names = list(categories.values())
    for number in range(start, start + count):
        add_news(
            index,
            f"Brève {number}",
            when=paris(2024 + number % 3, 1 + number % 12, 1 + number % 28),
            category=names[number % 2],
            tags=[f"thème-{number % 7}", f"plateforme-{number % 5}"],
        )


@pytest.mark.parametrize("url", ["/actualites/", "/actualites/categorie/annonce/", "/actualites/etiquette/theme-1/"])
def test_listing_queries_do_not_grow_with_the_number_of_news(client, news_index, categories, member, url):
    add_many(news_index, categories, 5)
    client.force_login(member)
    client.get(url)  # renditions and caches settle on a first view
    small = queries_for(client, url)

    add_many(news_index, categories, 45, start=5)
    client.get(url)
    large = queries_for(client, url)

    assert large == small
    assert large <= 25


def test_news_page_and_feed_queries_do_not_grow(client, news_index, categories):
    add_many(news_index, categories, 5)
    item = NewsPage.objects.live().first()
    client.get(item.url), client.get("/actualites/flux/rss/")  # site and rendition caches settle first
    small_page, small_feed = queries_for(client, item.url), queries_for(client, "/actualites/flux/rss/")
    add_many(news_index, categories, 45, start=5)
    client.get(item.url)  # the menu cache, forgotten when pages change, fills again once
    assert queries_for(client, item.url) == small_page
    assert queries_for(client, "/actualites/flux/rss/") == small_feed


# Languages


def test_dates_and_labels_are_french_by_default(client, news_index, categories):
    add_news(news_index, "Brève", when=paris(2026, 8, 3), category=categories["annonce"])
    html = client.get("/actualites/").content.decode()
    assert "3 août 2026" in html
    assert "Catégories" in html
    assert "Août" in html  # the archive month


def test_french_stays_for_an_english_browser_until_english_is_chosen(client, news_index, categories):
    add_news(news_index, "Brève", when=paris(2026, 8, 3), category=categories["annonce"])
    html = client.get("/actualites/", headers={"accept-language": "en"}).content.decode()
    assert "3 août 2026" in html and "Catégories" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/actualites/"})
    html = client.get("/actualites/", headers={"accept-language": "fr"}).content.decode()
    assert "Aug. 3, 2026" in html
    assert "Categories" in html
    assert "3 août 2026" not in html


def test_english_with_the_language_cookie(client, news_index, settings):
    add_news(news_index, "Brève", when=paris(2026, 8, 3))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/actualites/2026/08/").content.decode()
    assert "News from August 2026" in html
    assert "Actualités de" not in html


# Demo data


def test_demo_seed_creates_the_news_section(home_page, make_user):
    from news.demo import CATEGORY_NAMES, seed
    from portal.demo import DemoContext

    staff = make_user("communication", groups=["Communication"])
    ctx = DemoContext(staff=[staff])
    seed(ctx)

    index = NewsIndexPage.objects.get()
    assert index.slug == "actualites" and index.show_in_menus and index.live
    assert set(NewsCategory.objects.values_list("name", flat=True)) == set(CATEGORY_NAMES)
    news = NewsPage.objects.child_of(index).live()
    assert news.count() >= 20
    assert news.filter(is_featured=True).count() == 1
    assert NewsPageAttachment.objects.filter(page__in=news).exists()
    assert set(news.values_list("owner", flat=True)) == {staff.pk}
    dates = sorted(news.values_list("publication_date", flat=True))
    assert (dates[-1] - dates[0]).days >= 365
    assert dates[-1] <= ctx.now
    for item in news:
        assert item.first_published_at == item.publication_date
    assert not news.filter(tagged_items__isnull=True).exists()
    attachment = NewsPageAttachment.objects.select_related("document").first()
    with attachment.document.file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


# In a real browser


@pytest.mark.browser
def test_a_visitor_browses_by_category_reads_an_item_and_follows_a_tag(
    transactional_db, live_server, browser_page, news_index, categories
):
    from playwright.sync_api import expect

    add_news(news_index, "Séminaire de mars", when=paris(2026, 3, 10), category=categories["annonce"])
    add_news(
        news_index,
        "Appel d'avril",
        when=paris(2026, 4, 1),
        category=categories["appel"],
        tags=["financement"],
        excerpt="Dépôt des dossiers avant mai.",
    )
    restrict_to_members(add_news(news_index, "Appel interne", when=paris(2026, 4, 2), category=categories["appel"]))
    page = browser_page

    page.goto(f"{live_server.url}/actualites/")
    sidebar = page.get_by_role("complementary", name="Parcourir les actualités")
    sidebar.get_by_role("link", name="Appel à projets").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Actualités de la catégorie « Appel à projets »")
    expect(page.locator("article.news-card")).to_have_count(1)
    expect(page.get_by_text("Appel interne")).to_have_count(0)
    page.get_by_role("link", name="Appel d'avril").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Appel d'avril")
    expect(page.locator("time")).to_have_attribute("datetime", "2026-04-01T10:00:00+02:00")
    expect(page.locator("time")).to_have_text("1 avril 2026")
    page.get_by_role("link", name="financement").click()

    expect(page).to_have_url(f"{live_server.url}/actualites/etiquette/financement/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Actualités avec l'étiquette « financement »")


def test_news_is_found_by_its_excerpt_body_category_and_tags(news_index, categories):
    sequencer = add_news(
        news_index,
        "Nouvel équipement",
        when=paris(2026, 3, 2),
        category=categories["appel"],
        tags=["cytométrie"],
        excerpt="Un séquenceur longues lectures.",
        body=json.dumps([{"type": "paragraph", "value": "<p>Ouvert aux équipes de Bordeaux.</p>"}]),
    )
    add_news(news_index, "Fermeture estivale", when=paris(2026, 7, 2), excerpt="Les plateformes ferment en août.")
    sequencer.save_revision().publish()  # as editors do: the index then holds the committed tags

    def found(query):
        return [page.pk for page in NewsPage.objects.live().search(query)]

    assert found("séquenceur") == [sequencer.pk]
    assert found("Bordeaux") == [sequencer.pk]
    assert found("projets") == [sequencer.pk]
    assert found("cytométrie") == [sequencer.pk]
    assert found("microscope") == []
