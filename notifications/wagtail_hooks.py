"""The important announcement, in the admin where communication staff publish the news it sends."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from notifications.services import announceable_pages, can_announce
from portal.admin_menu import MenuItemFor


@hooks.register("register_admin_menu_item")
def important_announcement_menu_item():
    return MenuItemFor(
        _("Important announcement"),
        reverse("notifications:important"),
        name="important-announcement",
        icon_name="warning",
        order=350,
        shown_to=can_announce,
    )


@hooks.register("register_page_header_buttons")
def announce_this_news_button(page, user, view_name, next_url=None):
    """On a published news item, "Send as an important announcement" opens the form with it chosen."""
    if can_announce(user) and announceable_pages().filter(pk=page.pk).exists():
        url = reverse("notifications:important") + "?" + urlencode({"page": page.pk})
        yield Button(_("Send as an important announcement"), url, icon_name="warning", priority=70)
