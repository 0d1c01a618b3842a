from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import receivers  # noqa: F401
        from portal import schedules

        schedules.register("notifications-due-digests", "notifications.tasks.send_due_digests", minutes=15)
