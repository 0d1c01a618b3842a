from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Thematic groups")

    def ready(self):
        from groups import signals  # noqa: F401
        from groups.directory import GroupFacet, groups_of_member
        from people.directory import register_facet
        from people.services import register_profile_groups

        register_facet(GroupFacet())
        register_profile_groups(groups_of_member)
