"""The agenda on the seeded network: upcoming and past lists, a month calendar, an event page, the .ics exports."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from events.models import EventIndexPage, EventPage


def run(bench):
    agenda = EventIndexPage.objects.live().first()
    if agenda is None:
        bench.note("No agenda: run seed_demo first.")
        return
    member = get_user_model().objects.filter(is_superuser=False, is_staff=False).order_by("pk").first()
    events = EventPage.objects.live()
    bench.note(f"{events.count()} live events, {events.upcoming().count()} upcoming")

    bench.measure_get("event index (anonymous)", agenda.url)
    bench.measure_get("event index (member)", agenda.url, user=member)
    bench.measure_get("past events (member)", f"{agenda.url}passes/", user=member)
    bench.measure_get("month calendar (member)", f"{agenda.url}{timezone.localdate():%Y/%m}/", user=member)
    busiest = events.public().filter(speakers__isnull=False, attachments__isnull=False).first() or events.first()
    bench.measure_get("event page with speakers and documents (anonymous)", busiest.url)
    bench.measure_get("event page (member)", busiest.url, user=member)
    bench.measure_get("event .ics", f"{busiest.url}evenement.ics")
    bench.measure_get("iCalendar feed of upcoming events", agenda.feed_url)
