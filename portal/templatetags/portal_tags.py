from datetime import date, datetime

from django import template
from django.utils import timezone
from wagtail.models import Page, Site

from portal.menu import registered_links
from portal.pages import PortalPageQuerySet, cached_for_audience
from portal.roles import is_editor

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The home page's children marked "show in menus" that the user may see, then the registered sections."""
    request = context["request"]
    current_path = request.path
    sections = cached_for_audience(f"menu:{request.get_host()}", request.user, lambda: menu_sections(request))
    items = [{"title": title, "url": url, "active": current_path.startswith(url)} for title, url in sections]
    for link in registered_links():
        items.append({"title": link.label, "url": link.url, "active": current_path.startswith(link.url)})
    return items


def menu_sections(request) -> list[tuple[str, str]]:
    site = Site.find_for_request(request)
    if site is None:
        return []
    sections = PortalPageQuerySet(Page).child_of(site.root_page).in_menu().visible_to(request.user)
    return [(page.title, page.get_url(request)) for page in sections]


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    ancestors = page.get_ancestors().filter(depth__gt=1) if page.depth > 2 else []
    return {"ancestors": ancestors, "page": page, "request": context.get("request")}


@register.simple_tag(takes_context=True)
def query_replace(context, **params):
    """The current query string with some parameters replaced (for pagination and filters)."""
    query = context["request"].GET.copy()
    for key, value in params.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag
def accessible_widget(bound_field):
    """The field's widget tied to its help text and errors (aria-describedby, aria-invalid)."""
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}_helptext")
    attrs = {}
    if bound_field.errors:
        described_by.append(f"{bound_field.auto_id}_errors")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return bound_field.as_widget(attrs=attrs)


@register.filter(name="is_editor")
def is_editor_filter(user) -> bool:
    """Whether to show the Wagtail user bar: asking Wagtail costs two permission queries per page."""
    return is_editor(user)


@register.filter(name="iso_datetime")
def iso_datetime(value) -> str:
    """A date or datetime for a <time datetime> attribute: ISO 8601 in the current time zone, to the second.

    Django's "c" date format writes microseconds, and HTML allows at most three digits of a second.
    """
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
