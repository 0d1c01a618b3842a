from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal import pages, signals  # noqa: F401  (signal receivers)

        # Django sends post_migrate only for apps with models: hang it on django-q2's.
        post_migrate.connect(_ensure_schedules, sender=apps.get_app_config("django_q"))


def _ensure_schedules(**kwargs):
    from portal.schedules import ensure_schedules

    ensure_schedules()
