"""The directory's reference data in the Wagtail admin, for the communication staff."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import ExpertiseTerm, Platform, Profile, Referent, Site


class ProfilePermissionPolicy(ModelPermissionPolicy):
    """Profiles come with accounts (one is created with each user): the admin corrects them, never adds or deletes.

    A member leaves the directory when their account is deactivated or anonymized.
    """

    def user_has_permission(self, user, action):
        return action not in ("add", "delete") and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


register_permission_policy(Profile, ProfilePermissionPolicy(Profile))


class ProfileViewSet(SnippetViewSet):
    model = Profile
    copy_view_enabled = False
    icon = "user"
    menu_label = _("Profiles")
    list_display = ["full_name", "job_title", "site", "role"]
    list_filter = ["site", "role", "platforms"]
    search_fields = ["full_name", "job_title"]
    panels = [
        FieldPanel("user", read_only=True),
        FieldPanel("photo"),
        MultiFieldPanel(
            [FieldPanel("job_title"), FieldPanel("role"), FieldPanel("site"), FieldPanel("unit")], heading=_("Work")
        ),
        MultiFieldPanel(
            [FieldPanel("platforms"), FieldPanel("expertise"), FieldPanel("keywords"), FieldPanel("techniques")],
            heading=_("Expertise"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("phone"), FieldPanel("office")]),
                FieldRowPanel([FieldPanel("orcid"), FieldPanel("hal_id")]),
                FieldPanel("languages"),
                FieldPanel("bio"),
                FieldPanel("member_since"),
            ],
            heading=_("Contact and identifiers"),
        ),
        MultiFieldPanel(
            [FieldPanel("email_visibility"), FieldPanel("phone_visibility"), FieldPanel("photo_visibility")],
            heading=_("Visibility chosen by the member"),
        ),
    ]


class SiteViewSet(SnippetViewSet):
    model = Site
    icon = "site"
    list_display = ["name", "city"]
    search_fields = ["name", "city"]


class PlatformViewSet(SnippetViewSet):
    model = Platform
    icon = "cogs"
    list_display = ["name", "acronym", "site", "head"]
    list_filter = ["site"]
    search_fields = ["name", "acronym"]


class ExpertiseTermViewSet(SnippetViewSet):
    model = ExpertiseTerm
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class ReferentViewSet(SnippetViewSet):
    model = Referent
    icon = "help"
    list_display = ["profile", "subject", "description"]
    panels = [
        FieldPanel("profile"),
        MultiFieldPanel(
            [FieldPanel("platform"), FieldPanel("site"), FieldPanel("topic")],
            heading=_("Contact person for (one of the three)"),
        ),
        FieldPanel("description"),
    ]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "group"
    menu_order = 250
    items = (ProfileViewSet, SiteViewSet, PlatformViewSet, ExpertiseTermViewSet, ReferentViewSet)


register_snippet(DirectoryViewSetGroup)
