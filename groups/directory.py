"""What the people directory shows of groups: a "group" filter and each profile's groups.

Only groups the viewer may see in lists appear (``GroupPage.objects.listed_for``), so a
secret group's name never reaches a non-member through the directory.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from groups.models import GroupPage, Membership
from people.directory import Facet, FacetOption, InvalidDirectoryQuery


class GroupFacet(Facet):
    param, label = "groupe", _("Group")

    def clean(self, values):
        if not all(value.isdigit() for value in values):
            raise InvalidDirectoryQuery(self.param)
        return values

    def apply(self, profiles, values):
        members = Membership.objects.filter(group_id__in=values, status=Membership.Status.ACTIVE)
        return profiles.filter(user_id__in=members.values("user_id"))

    def options(self, profiles, viewer, selected):
        active = Q(memberships__status=Membership.Status.ACTIVE)
        groups = GroupPage.objects.listed_for(viewer).annotate(
            matches=Count("memberships", filter=active & Q(memberships__user__profile__in=profiles.values("pk")))
        )
        return [
            FacetOption(str(group.pk), group.title, group.matches, str(group.pk) in selected)
            for group in groups
            if group.matches or str(group.pk) in selected
        ]


def groups_of_member(member, viewer):
    return GroupPage.objects.listed_for(viewer).filter(
        memberships__user=member, memberships__status=Membership.Status.ACTIVE
    )
