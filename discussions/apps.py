from django.apps import AppConfig
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self):
        from wagtail.models import Page

        from discussions.receivers import delete_comments_of_page

        # Every page type's deletion also deletes its base Page row, so one receiver covers them all.
        post_delete.connect(delete_comments_of_page, sender=Page, dispatch_uid="discussions_page_deleted")
