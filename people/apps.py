from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People directory")

    def ready(self):
        from portal.menu import register

        from . import signals  # noqa: F401

        register("people:directory", _("Directory"), order=30)
        if getattr(settings, "LDAP_SERVER_URI", ""):
            from django_auth_ldap.backend import populate_user

            from .ldap import update_profile_from_ldap

            populate_user.connect(update_profile_from_ldap, dispatch_uid="people_profile_from_ldap")
