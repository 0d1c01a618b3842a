"""The agenda: events in the tree, upcoming/past/month lists, validation, iCalendar exports, visibility, languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import expect
from wagtail.models import PageViewRestriction

from events.models import AttachmentLabel, EventAttachment, EventIndexPage, EventKind, EventPage, EventSpeaker
from portal.demo_files import demo_document

PARIS = ZoneInfo("Europe/Paris")
NEXT_YEAR = timezone.now().year + 1


def paris(year, month, day, hour=14, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def agenda(home_page):
    return home_page.add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))


def add_event(index, title, *, start, end=None, kind=EventKind.SEMINAR, **fields) -> EventPage:
    """A published event, with a revision as the admin makes it."""
    event = EventPage(
        title=title, slug=fields.pop("slug", slugify(title)), kind=kind, start=start, end=end or start, **fields
    )
    index.add_child(instance=event)
    event.save_revision().publish()
    event.refresh_from_db()
    return event


def restrict_to_members(page) -> None:
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def in_days(days: int, hour: int = 14) -> datetime:
    return datetime.combine(timezone.localdate() + timedelta(days=days), datetime.min.time(), PARIS).replace(hour=hour)


def titles(response) -> list[str]:
    return [event.title for event in response.context["events"]]


def parse_ics(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


# The tree and the model


def test_events_live_under_the_single_agenda(home_page, agenda):
    assert not EventIndexPage.can_create_at(home_page)  # max_count 1, already there
    assert EventPage.can_create_at(agenda)
    assert not EventPage.can_create_at(home_page)
    event = add_event(agenda, "Séminaire de protéomique", start=paris(NEXT_YEAR, 1, 14))
    assert event.url == "/agenda/seminaire-de-proteomique/"
    assert event.get_absolute_url() == event.url


def test_an_event_ending_before_it_starts_is_refused_on_the_end_field(agenda):
    event = EventPage(
        title="À l'envers", slug="a-l-envers", start=paris(NEXT_YEAR, 1, 14, 16), end=paris(NEXT_YEAR, 1, 14, 14)
    )
    with pytest.raises(ValidationError) as error:
        event.clean()
    assert list(error.value.message_dict) == ["end"]
    assert not EventPage.objects.exists()


def test_the_admin_form_shows_the_end_error_and_keeps_what_was_typed(client, agenda, make_user):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    url = reverse("wagtailadmin_pages:add", args=("events", "eventpage", agenda.pk))
    data = {
        "title": "Comité de pilotage",
        "slug": "comite-de-pilotage",
        "kind": EventKind.MEETING,
        "start": f"{NEXT_YEAR}-01-14 16:00",
        "end": f"{NEXT_YEAR}-01-14 14:00",
        "site": "Université de Bordeaux",
        "body-count": "0",
        "excerpt": "Ordre du jour à venir.",
    }
    for formset in ("speakers", "attachments", "comments"):
        data.update(
            {f"{formset}-TOTAL_FORMS": "0", f"{formset}-INITIAL_FORMS": "0", f"{formset}-MAX_NUM_FORMS": "1000"}
        )
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "end" in form.errors
    assert "start" not in form.errors
    assert form.errors["end"] == ["L’évènement ne peut pas finir avant de commencer."]
    assert 'value="Université de Bordeaux"' in response.content.decode()
    assert not EventPage.objects.exists()


def test_communication_staff_can_open_the_event_form(client, agenda, make_user):
    client.force_login(make_user("admin", is_staff=True, is_superuser=True))
    response = client.get(reverse("wagtailadmin_pages:add", args=("events", "eventpage", agenda.pk)))
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("start", "end", "all_day", "site", "online_url", "registration_url", "capacity", "excerpt"):
        assert f'name="{field}"' in html
    assert 'id="id_speakers-TOTAL_FORMS"' in html and 'id="id_attachments-TOTAL_FORMS"' in html


def test_all_day_events_cover_whole_paris_days(agenda):
    event = add_event(
        agenda, "Journées du réseau", start=paris(NEXT_YEAR, 6, 10, 9), end=paris(NEXT_YEAR, 6, 11, 9), all_day=True
    )
    assert event.start == paris(NEXT_YEAR, 6, 10, 0)
    assert event.end == paris(NEXT_YEAR, 6, 11, 23, 59) + timedelta(seconds=59)
    assert (event.start_date, event.end_date) == (date(NEXT_YEAR, 6, 10), date(NEXT_YEAR, 6, 11))


def test_a_one_day_all_day_event_may_end_on_its_start_day(agenda):
    event = EventPage(
        title="Atelier", slug="atelier", start=paris(NEXT_YEAR, 6, 10, 15), end=paris(NEXT_YEAR, 6, 10, 9), all_day=True
    )
    event.clean()
    assert event.is_single_day


# Listings


def test_upcoming_lists_future_and_ongoing_events_soonest_first_and_past_lists_the_rest(client, agenda):
    add_event(agenda, "Passé lointain", start=in_days(-60))
    add_event(agenda, "Passé récent", start=in_days(-3))
    add_event(agenda, "En cours", start=timezone.now() - timedelta(hours=1), end=timezone.now() + timedelta(hours=1))
    add_event(agenda, "Dans un mois", start=in_days(30))
    add_event(agenda, "Demain", start=in_days(1))

    upcoming = client.get("/agenda/")
    assert upcoming.status_code == 200
    assert titles(upcoming) == ["En cours", "Demain", "Dans un mois"]

    past = client.get("/agenda/passes/")
    assert past.status_code == 200
    assert titles(past) == ["Passé récent", "Passé lointain"]


def test_lists_filter_by_kind(client, agenda):
    add_event(agenda, "Séminaire imagerie", start=in_days(2), kind=EventKind.SEMINAR)
    add_event(agenda, "Réunion des responsables", start=in_days(3), kind=EventKind.MEETING)
    response = client.get("/agenda/?type=reunion")
    assert titles(response) == ["Réunion des responsables"]
    assert 'aria-current="true">Réunion</a>' in response.content.decode()


def test_upcoming_list_is_paginated(client, agenda):
    for day in range(1, 23):
        add_event(agenda, f"Séminaire {day:02d}", start=in_days(day))
    first = client.get("/agenda/")
    assert len(titles(first)) == 20
    second = client.get("/agenda/?page=2")
    assert titles(second) == ["Séminaire 21", "Séminaire 22"]
    assert "Page 2 sur 2" in second.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/?page=3",
        "/agenda/?page=abc",
        "/agenda/passes/?page=0",
        "/agenda/?type=concert",
        "/agenda/2026/13/",
        "/agenda/2026/00/",
        "/agenda/0001/01/",
        "/agenda/9999/01/",
        "/agenda/2026/1/",
        "/agenda/inconnu/",
    ],
)
def test_unknown_pages_months_and_kinds_are_404(client, agenda, url):
    add_event(agenda, "Séminaire", start=in_days(2))
    assert client.get(url).status_code == 404


def test_month_view_shows_a_calendar_with_events_overlapping_the_month(client, agenda):
    add_event(agenda, "Séminaire du 14", start=paris(NEXT_YEAR, 1, 14, 14), end=paris(NEXT_YEAR, 1, 14, 16))
    add_event(
        agenda,
        "École d'hiver",
        start=paris(NEXT_YEAR - 1, 12, 30, 9),
        end=paris(NEXT_YEAR, 1, 2, 17),
        kind=EventKind.EVENT,
        all_day=True,
    )
    add_event(agenda, "En février", start=paris(NEXT_YEAR, 2, 1, 10))

    response = client.get(f"/agenda/{NEXT_YEAR}/01/")
    assert response.status_code == 200
    assert titles(response) == ["École d'hiver", "Séminaire du 14"]
    html = response.content.decode()
    assert f'<h2 id="month-title">Janvier {NEXT_YEAR}</h2>' in html
    assert '<th scope="col"><abbr title="Lundi">Lun</abbr></th>' in html  # French weeks start on Monday
    assert "14:00 Séminaire du 14" in html
    assert html.count("École d&#x27;hiver</a>") == 3  # 1 and 2 January in the table, once in the list
    assert "En février" not in html
    assert f'href="/agenda/{NEXT_YEAR - 1}/12/" rel="prev"' in html
    assert f'href="/agenda/{NEXT_YEAR}/02/" rel="next"' in html


def test_restricted_events_are_listed_for_members_only(client, agenda, member):
    add_event(agenda, "Séminaire public", start=in_days(2))
    restrict_to_members(add_event(agenda, "Comité de direction", start=in_days(3), kind=EventKind.MEETING))

    assert titles(client.get("/agenda/")) == ["Séminaire public"]
    assert "Comité de direction" not in client.get(f"/agenda/{in_days(3):%Y/%m}/").content.decode()
    client.force_login(member)
    assert titles(client.get("/agenda/")) == ["Séminaire public", "Comité de direction"]


def test_home_page_shows_the_next_public_events(client, agenda):
    add_event(agenda, "Séminaire passé", start=in_days(-2))
    add_event(agenda, "Séminaire à venir", start=in_days(2), site="Université de Rennes")
    restrict_to_members(add_event(agenda, "Comité de direction", start=in_days(3), kind=EventKind.MEETING))
    html = client.get("/").content.decode()
    assert "Séminaire à venir</a></h3>" in html
    assert '<span class="badge">Séminaire</span>' in html and "Université de Rennes" in html
    assert "Séminaire passé" not in html and "Comité de direction" not in html


def test_group_restricted_events_are_hidden_from_other_members(client, agenda, make_user):
    event = add_event(agenda, "Réunion bioinformatique", start=in_days(2), kind=EventKind.MEETING)
    restriction = PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Bioinformatique"))
    client.force_login(make_user("outsider"))
    assert titles(client.get("/agenda/")) == []
    client.force_login(make_user("insider", groups=["Bioinformatique"]))
    assert titles(client.get("/agenda/")) == ["Réunion bioinformatique"]


def test_listing_query_counts_stay_flat_as_events_grow(client, agenda, member):
    def add(count, offset):
        for number in range(count):
            event = add_event(agenda, f"Séminaire {offset + number}", start=in_days(1 + number % 25))
            EventSpeaker.objects.create(page=event, name="Camille Martin", affiliation="Université de Lille")

    def counts():
        result = []
        for url in ("/agenda/", "/agenda/passes/", f"/agenda/{in_days(1):%Y/%m}/", "/agenda/flux.ics"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    client.force_login(member)
    add(3, 0)
    counts()  # the first request fills per-process caches (site root paths, content types)
    small = counts()
    add(30, 100)
    counts()  # the menu cache, forgotten when pages change, fills again once
    assert counts() == small
    assert max(small) <= 25


# The event page


def test_event_page_query_count_does_not_grow_with_speakers_and_documents(client, agenda):
    def event_with(count, title):
        event = add_event(agenda, title, start=in_days(3))
        for number in range(count):
            EventSpeaker.objects.create(page=event, name=f"Intervenant {number}", sort_order=number)
            document = demo_document(f"Diaporama {title} {number}", ["Diapositive."])
            EventAttachment.objects.create(page=event, document=document, label=AttachmentLabel.SLIDES)
        return event

    def count(event):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(event.url).status_code == 200
        return len(queries)

    small, large = event_with(1, "Petit"), event_with(8, "Grand")
    count(small)  # warm the site root cache
    assert count(large) == count(small) <= 25


def test_event_page_shows_when_where_who_registration_and_documents(client, agenda):
    event = add_event(
        agenda,
        "Séminaire de cytométrie",
        start=paris(NEXT_YEAR, 1, 14, 14),
        end=paris(NEXT_YEAR, 1, 14, 16, 30),
        site="Université de Lille",
        room="Amphithéâtre B",
        capacity=40,
        registration_url="https://inscriptions.example.org/cyto",
        excerpt="Les nouveautés du tri cellulaire.",
    )
    EventSpeaker.objects.create(page=event, name="Léa Dubois", affiliation="Plateforme de cytométrie", sort_order=0)
    programme = demo_document("Programme du séminaire", ["14 h : accueil des participants."])
    EventAttachment.objects.create(page=event, document=programme, label=AttachmentLabel.PROGRAMME)

    html = client.get(event.url).content.decode()
    assert "Séminaire" in html
    assert f"14 janvier {NEXT_YEAR}, <time" in html
    assert ">14:00</time> – <time" in html and ">16:30</time>" in html
    assert "Amphithéâtre B" in html and "Université de Lille" in html
    assert "Léa Dubois" in html and "Plateforme de cytométrie" in html
    assert "40 places" in html
    assert 'href="https://inscriptions.example.org/cyto"' in html
    assert ">Programme du séminaire</a>" in html and "(Programme, PDF, " in html
    assert f'href="{event.url}evenement.ics"' in html
    assert "Lieu à préciser" not in html


def test_an_event_without_place_says_it_is_to_be_confirmed(client, agenda):
    event = add_event(agenda, "Assemblée générale", start=paris(NEXT_YEAR, 3, 3, 10), kind=EventKind.MEETING)
    event.clean()  # no place is allowed
    assert "Lieu à préciser" in client.get(event.url).content.decode()
    assert event.place_label == "Lieu à préciser"


def test_an_online_event_links_to_the_meeting(client, agenda):
    event = add_event(agenda, "Webinaire", start=paris(NEXT_YEAR, 3, 3, 10), online_url="https://visio.example.org/abc")
    html = client.get(event.url).content.decode()
    assert 'href="https://visio.example.org/abc"' in html
    assert "Lieu à préciser" not in html
    assert "en ligne" in client.get("/agenda/").content.decode()


def test_event_page_renders_in_english(client, agenda):
    event = add_event(agenda, "Seminar", start=paris(NEXT_YEAR, 1, 14, 14), end=paris(NEXT_YEAR, 1, 14, 16))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(event.url).content.decode()
    assert '<html lang="en">' in html
    assert f"Jan. 14, {NEXT_YEAR}, <time" in html
    assert ">2 p.m.</time> – <time" in html
    assert "Place to be confirmed" in html
    assert "Add to my calendar (.ics)" in html
    listing = client.get("/agenda/").content.decode()
    assert "Upcoming events" in listing and "All kinds" in listing
    month = client.get(f"/agenda/{NEXT_YEAR}/01/").content.decode()
    assert f"January {NEXT_YEAR}" in month
    assert '<thead>\n        <tr><th scope="col"><abbr title="Sunday">Sun</abbr></th>' in month  # weeks start on Sunday


def test_listing_renders_in_french_by_default(client, agenda):
    add_event(agenda, "Journées", start=paris(NEXT_YEAR, 6, 10), end=paris(NEXT_YEAR, 6, 11), all_day=True)
    html = client.get("/agenda/").content.decode()
    assert '<html lang="fr">' in html
    assert "Prochains évènements" in html
    assert f'Du <time datetime="{NEXT_YEAR}-06-10">10 juin {NEXT_YEAR}</time> au' in html
    assert "S’abonner à l’agenda" in html


# iCalendar


def test_event_ics_has_paris_times_in_winter(client, agenda):
    event = add_event(
        agenda,
        "Séminaire d'hiver",
        start=paris(NEXT_YEAR, 1, 14, 14),
        end=paris(NEXT_YEAR, 1, 14, 16),
        site="Université de Strasbourg",
        room="Salle 101",
        excerpt="Imagerie photonique.",
    )
    response = client.get(f"{event.url}evenement.ics")
    assert "attachment" in response["Content-Disposition"]
    calendar = parse_ics(response)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent["DTSTART"].dt.astimezone(UTC) == datetime(NEXT_YEAR, 1, 14, 13, tzinfo=UTC)
    assert vevent["DTEND"].dt.astimezone(UTC) == datetime(NEXT_YEAR, 1, 14, 15, tzinfo=UTC)
    assert str(vevent["UID"]) == f"event-{event.pk}@localhost"
    assert str(vevent["URL"]) == f"http://localhost{event.url}"
    assert str(vevent["LOCATION"]) == "Salle 101, Université de Strasbourg"
    assert str(vevent["DESCRIPTION"]) == "Imagerie photonique."
    assert vevent["LAST-MODIFIED"].dt == event.last_published_at.replace(microsecond=0)
    assert vevent["DTSTAMP"].dt == vevent["LAST-MODIFIED"].dt
    assert b"DTSTART;TZID=Europe/Paris:" in response.content


def test_event_ics_has_paris_times_in_summer_and_across_the_dst_change(client, agenda):
    summer = add_event(agenda, "Séminaire d'été", start=paris(NEXT_YEAR, 7, 15, 14), end=paris(NEXT_YEAR, 7, 15, 15))
    (vevent,) = parse_ics(client.get(f"{summer.url}evenement.ics")).walk("VEVENT")
    assert vevent["DTSTART"].dt.astimezone(UTC) == datetime(NEXT_YEAR, 7, 15, 12, tzinfo=UTC)

    # The last Sunday of March: clocks go from 02:00 to 03:00 in Paris.
    last_sunday = max(date(NEXT_YEAR, 3, day) for day in range(25, 32) if date(NEXT_YEAR, 3, day).weekday() == 6)
    saturday = last_sunday - timedelta(days=1)
    across = add_event(
        agenda,
        "Nuit du calcul",
        start=paris(saturday.year, saturday.month, saturday.day, 14),
        end=paris(last_sunday.year, last_sunday.month, last_sunday.day, 14),
    )
    (vevent,) = parse_ics(client.get(f"{across.url}evenement.ics")).walk("VEVENT")
    assert vevent["DTSTART"].dt.astimezone(UTC).hour == 13
    assert vevent["DTEND"].dt.astimezone(UTC).hour == 12
    assert vevent["DTEND"].dt.astimezone(UTC) - vevent["DTSTART"].dt.astimezone(UTC) == timedelta(hours=23)


def test_all_day_events_are_dates_with_an_exclusive_end(client, agenda):
    event = add_event(
        agenda,
        "Journées du réseau",
        start=paris(NEXT_YEAR, 6, 10, 9),
        end=paris(NEXT_YEAR, 6, 11, 17),
        all_day=True,
        kind=EventKind.EVENT,
    )
    response = client.get(f"{event.url}evenement.ics")
    (vevent,) = parse_ics(response).walk("VEVENT")
    assert b"DTSTART;VALUE=DATE:" in response.content
    assert vevent["DTSTART"].dt == date(NEXT_YEAR, 6, 10)
    assert vevent["DTEND"].dt == date(NEXT_YEAR, 6, 12)


def test_an_unpublished_or_unknown_event_has_no_ics(client, agenda):
    event = add_event(agenda, "Brouillon", start=in_days(5))
    event.unpublish()
    assert client.get(f"{event.url}evenement.ics").status_code == 404
    assert client.get("/agenda/inconnu/evenement.ics").status_code == 404
    assert client.get("/agenda/evenement.ics").status_code == 404  # the agenda is not an event
    assert client.get("/agenda/passes/flux.ics").status_code == 404


def test_a_restricted_event_ics_asks_visitors_to_sign_in(client, agenda, member):
    event = add_event(agenda, "Comité", start=in_days(5), kind=EventKind.MEETING)
    restrict_to_members(event)
    response = client.get(f"{event.url}evenement.ics")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(member)
    assert "Comité" in vevents(parse_ics(client.get(f"{event.url}evenement.ics")))


def test_feed_lists_upcoming_public_events_only(client, agenda, member):
    public = add_event(agenda, "Séminaire public", start=in_days(2))
    add_event(agenda, "Séminaire passé", start=in_days(-2))
    restrict_to_members(add_event(agenda, "Comité de direction", start=in_days(3), kind=EventKind.MEETING))
    draft = add_event(agenda, "Brouillon", start=in_days(4))
    draft.unpublish()

    client.force_login(member)  # even a member's subscription only carries public events
    response = client.get("/agenda/flux.ics")
    assert "attachment" not in response["Content-Disposition"]
    calendar = parse_ics(response)
    assert set(vevents(calendar)) == {"Séminaire public"}
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(vevents(calendar)["Séminaire public"]["UID"]) == f"event-{public.pk}@localhost"
    assert str(calendar["X-WR-CALNAME"]).startswith("Agenda")


def test_an_unchanged_feed_answers_not_modified(client, agenda):
    add_event(agenda, "Séminaire public", start=in_days(2))
    first = client.get("/agenda/flux.ics")
    assert first["ETag"]
    assert client.get("/agenda/flux.ics", headers={"if-none-match": first["ETag"]}).status_code == 304
    add_event(agenda, "Nouveau séminaire", start=in_days(3))
    assert client.get("/agenda/flux.ics", headers={"if-none-match": first["ETag"]}).status_code == 200


def test_the_agenda_advertises_the_feed(client, agenda):
    html = client.get("/agenda/").content.decode()
    assert '<link rel="alternate" type="text/calendar"' in html
    assert 'href="/agenda/flux.ics"' in html
    assert 'href="webcal://testserver/agenda/flux.ics"' in html


# In a real browser


@pytest.mark.browser
def test_a_visitor_opens_an_event_downloads_its_ics_and_switches_to_english(
    transactional_db, live_server, browser_page, agenda
):
    event = add_event(
        agenda,
        "Séminaire de métabolomique",
        start=paris(NEXT_YEAR, 1, 14, 14),
        end=paris(NEXT_YEAR, 1, 14, 16),
        site="Université de Montpellier",
    )
    page = browser_page
    page.goto(f"{live_server.url}/agenda/")
    expect(page.get_by_role("heading", level=2, name="Prochains évènements")).to_be_visible()
    page.get_by_role("link", name="Séminaire de métabolomique").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Séminaire de métabolomique")
    expect(page.get_by_test_id("event-when")).to_contain_text(f"14 janvier {NEXT_YEAR}, 14:00 – 16:00")

    with page.expect_download() as download_info:
        page.get_by_test_id("event-ics").click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}.ics"
    (vevent,) = icalendar.Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert vevent["DTSTART"].dt.astimezone(UTC) == datetime(NEXT_YEAR, 1, 14, 13, tzinfo=UTC)
    assert str(vevent["LOCATION"]) == "Université de Montpellier"

    page.select_option("#language-select", "en")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("event-ics")).to_have_text("Add to my calendar (.ics)")
    expect(page.get_by_test_id("event-when")).to_contain_text(f"Jan. 14, {NEXT_YEAR}, 2 p.m. – 4 p.m.")


# Demo data


def test_demo_seed_builds_a_varied_agenda_with_real_pdfs(home_page, client):
    from events import demo
    from portal.demo import DemoContext

    demo.seed(DemoContext())
    agenda = EventIndexPage.objects.get()
    assert agenda.url == "/agenda/" and agenda.show_in_menus
    events = EventPage.objects.live()
    assert events.count() >= 15
    assert set(events.values_list("kind", flat=True)) == set(EventKind.values)
    assert events.upcoming().exists() and events.past().exists()
    assert events.filter(all_day=True).exists() and events.exclude(online_url="").exists()
    assert EventSpeaker.objects.exists()
    labels = set(EventAttachment.objects.values_list("label", flat=True))
    assert {AttachmentLabel.PROGRAMME, AttachmentLabel.SLIDES, AttachmentLabel.MINUTES} <= labels
    with EventAttachment.objects.first().document.file.open() as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert all(event.last_published_at for event in events)
    restricted = PageViewRestriction.objects.filter(page__in=events).count()
    assert 0 < restricted < events.count()
    assert len(titles(client.get("/agenda/"))) == events.upcoming().count() - restricted_upcoming(events)

    demo.seed(DemoContext())  # a second run adds nothing
    assert EventPage.objects.count() == events.count()


def restricted_upcoming(events) -> int:
    return events.upcoming().filter(pk__in=PageViewRestriction.objects.values("page")).count()
