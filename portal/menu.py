"""Links to the portal's non-page sections (directory, search…), registered by their apps.

Pages appear in the main menu through Wagtail's "show in menus"; sections served
by plain Django views register here from their ``AppConfig.ready()``.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuLink:
    url_name: str
    label: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_links: dict[str, MenuLink] = {}


def register(url_name: str, label: str, order: int = 100) -> None:
    _links[url_name] = MenuLink(url_name, label, order)


def registered_links() -> list[MenuLink]:
    return sorted(_links.values(), key=lambda link: link.order)
