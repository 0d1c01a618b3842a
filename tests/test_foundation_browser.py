"""A visitor's first walk through the portal, in a real browser (Debian's Chromium)."""

from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone

from events.models import EventIndexPage, EventKind, EventPage
from news.models import NewsIndexPage, NewsPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal_content(home_page):
    news_index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites", show_in_menus=True))
    news = news_index.add_child(
        instance=NewsPage(
            title="Un nouveau séquenceur à Bordeaux",
            slug="sequenceur-bordeaux",
            publication_date=timezone.now() - timedelta(days=1),
            excerpt="La plateforme de séquençage s’équipe.",
        )
    )
    news.save_revision().publish()
    agenda = home_page.add_child(instance=EventIndexPage(title="Agenda", slug="agenda", show_in_menus=True))
    start = (timezone.now() + timedelta(days=10)).replace(hour=13, minute=0, second=0, microsecond=0)
    event = agenda.add_child(
        instance=EventPage(
            title="Séminaire : imagerie du vivant",
            slug="seminaire-imagerie",
            kind=EventKind.SEMINAR,
            start=start,
            end=start + timedelta(hours=2),
            site="Université de Bordeaux",
            room="Amphithéâtre A",
        )
    )
    event.save_revision().publish()
    return {"news": news, "event": event}


def test_a_visitor_reads_news_and_an_event_downloads_its_ics_and_switches_to_english(
    live_server, browser_page, portal_content, tmp_path
):
    page = browser_page
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"

    page.get_by_role("link", name="Un nouveau séquenceur à Bordeaux").first.click()
    assert page.locator("h1").inner_text() == "Un nouveau séquenceur à Bordeaux"

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Agenda").click()
    page.get_by_role("link", name="Séminaire : imagerie du vivant").first.click()
    assert page.locator("h1").inner_text() == "Séminaire : imagerie du vivant"

    with page.expect_download() as download_info:
        page.locator("a[href$='evenement.ics']").first.click()
    path = tmp_path / "event.ics"
    download_info.value.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Séminaire : imagerie du vivant"
    assert vevent.decoded("DTSTART") == portal_content["event"].start

    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Changer").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Séminaire : imagerie du vivant"  # content stays as written
    assert page.get_by_role("navigation", name="Main menu").is_visible()
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="Latest news").is_visible()
