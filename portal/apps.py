from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import signals  # noqa: F401

        post_migrate.connect(_ensure_schedules, sender=self)


def _ensure_schedules(**kwargs):
    from portal.schedules import ensure_schedules

    ensure_schedules()
