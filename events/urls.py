from django.urls import re_path

from . import views

app_name = "events"

# The page part is the Wagtail path of the agenda or of an event (for example "agenda/" or "agenda/journees-2026/").
urlpatterns = [
    re_path(r"^(?P<page_path>(?:[\w\-]+/)+)flux\.ics$", views.upcoming_feed, name="feed"),
    re_path(r"^(?P<page_path>(?:[\w\-]+/)+)evenement\.ics$", views.event_ics, name="event_ics"),
]
