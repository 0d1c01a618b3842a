"""The .ics downloads, routed here because Wagtail's page URLs cannot end in ".ics".

Both resolve the page part of the URL through Wagtail's own routing, so an
unpublished or unknown page is a 404 exactly as it would be in HTML.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page
from wagtail.models import Page, Site

from portal.pages import is_visible_to

from . import ics
from .models import EventIndexPage, EventPage


def page_at(request, page_path: str, page_class: type[Page]) -> Page:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page = site.root_page.specific.route(request, [part for part in page_path.split("/") if part]).page
    # Subpage routes (such as /agenda/passes/) resolve to their page too: only the page's own URL counts.
    if not isinstance(page, page_class) or page.get_url(request) != f"/{page_path}":
        raise Http404
    return page


@conditional_page
def event_ics(request, page_path: str):
    """One event, to add to a personal calendar; members sign in for restricted ones."""
    event = page_at(request, page_path, EventPage)
    if not is_visible_to(event, request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return ics.calendar_response([event], request, name=event.title, filename=event.slug, attachment=True)


# Calendar clients poll the feed: an unchanged calendar answers 304 Not Modified (ETag from the content).
@conditional_page
def upcoming_feed(request, page_path: str):
    """Upcoming public events: calendar clients subscribe without signing in, so never anything restricted."""
    agenda = page_at(request, page_path, EventIndexPage)
    events = EventPage.objects.visible_to(AnonymousUser()).upcoming().defer_streamfields()
    name = _("%(agenda)s: upcoming events") % {"agenda": agenda.title}
    return ics.calendar_response(events, request, name=name, filename="agenda", attachment=False)
