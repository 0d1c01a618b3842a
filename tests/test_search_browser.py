"""The search page in a real browser: suggestions as you type (keyboard), and the same search without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from news.models import NewsIndexPage, NewsPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tree(transactional_db):
    """The flush after an earlier transactional test also drops Wagtail's root page and locale: restore them."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


@pytest.fixture
def news(tree, home_page):
    index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    for title, excerpt in [
        ("Séquençage haut débit à Lille", "Le nouveau séquenceur est installé."),
        ("Séminaire de cytométrie", "Journée de formation à la cytométrie en flux."),
    ]:
        page = index.add_child(
            instance=NewsPage(
                title=title,
                slug=title.lower().replace(" ", "-")[:40],
                excerpt=excerpt,
                publication_date=timezone.now() - timedelta(days=1),
            )
        )
        page.save_revision().publish()
    return index


def test_suggestions_appear_as_you_type_and_open_with_the_keyboard(live_server, browser_page, news):
    page = browser_page
    page.goto(f"{live_server.url}/recherche/")
    box = page.get_by_label(
        "Rechercher dans les actualités, l’agenda, les discussions, les documents, l’annuaire et les groupes"
    )
    box.press_sequentially("séqu", delay=50)
    options = page.get_by_role("listbox", name="Suggestions").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Séquençage haut débit à Lille")
    expect(options.first).to_contain_text("Actualité")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Séquençage haut débit à Lille")


def test_the_page_works_without_javascript(live_server, browser, news):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/recherche/")
        page.get_by_role("searchbox").fill("cytometrie")
        page.get_by_role("button", name="Rechercher", exact=True).click()
        results = page.get_by_test_id("search-results").get_by_role("listitem")
        expect(results).to_have_count(1)
        expect(results.first).to_contain_text("Séminaire de cytométrie")
        expect(page.get_by_role("heading", level=2, name="1 résultat pour « cytometrie »")).to_be_visible()
    finally:
        context.close()
