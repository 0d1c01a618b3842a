"""Wagtail admin menu items shown by one rule about the user (a role, a permission)."""

from collections.abc import Callable

from wagtail.admin.menu import MenuItem


class MenuItemFor(MenuItem):
    """A menu item shown to the users ``shown_to(user)`` accepts: the same rule its view checks."""

    def __init__(self, *args, shown_to: Callable[[object], bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request) -> bool:
        return self.shown_to(request.user)
