from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search and document archive")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portal import menu
        from search import signals, visibility  # noqa: F401  (connect the extraction, versioning and cache hooks)

        menu.register("search:search", pgettext_lazy("menu", "Search"), order=90)
