"""Thematic groups: page subtrees where members post, share documents and meet.

A group is a page (``GroupPage``) whose children are posts and events; its
members are ``Membership`` rows, mirrored into one Django auth group that drives
Wagtail's own view restrictions on the page subtree and on the group's document
collection. Who may do what is decided in ``groups.rules`` only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.documents import get_document_model_string
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.pages import PortalPageManager, PortalPageQuerySet


def view_route(pattern: str, view_name: str, *, name: str):
    """A page route served by ``groups.views.<view_name>(request, page, **url_kwargs)``.

    The view is looked up when the route is served: ``groups.views`` imports these models.
    """

    def serve(page, request, *args, **kwargs):
        from groups import views

        return getattr(views, view_name)(request, page, *args, **kwargs)

    serve.__name__ = view_name
    return path(pattern, name=name)(serve)


POST_BODY_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "blockquote", "code"]


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("member")
    MODERATOR = "moderator", _("moderator")
    MANAGER = "manager", _("manager")


class GroupCategory(models.Model):
    """A heading of the groups index; a snippet so the communication team can rename or reorder them."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    description = models.CharField(_("description"), max_length=255, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("group category")
        verbose_name_plural = _("group categories")

    def __str__(self) -> str:
        return self.name


class GroupIndexPage(Page):
    """``/groupes/``: every group the visitor may know of, by category, with its activity."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["groups.GroupPage"]
    max_count = 1

    class Meta:
        verbose_name = _("groups index")

    def route(self, request, path_components):
        """Load the group with its category in one query (Wagtail's default takes two, then one more)."""
        if not path_components:
            return super().route(request, path_components)
        group = GroupPage.objects.child_of(self).select_related("category").filter(slug=path_components[0]).first()
        if group is None:
            raise Http404
        group._cached_parent_obj = self
        return group.route(request, path_components[1:])

    def get_context(self, request, *args, **kwargs):
        from groups.views import group_index_context

        context = super().get_context(request, *args, **kwargs)
        context.update(group_index_context(self, request))
        return context


class GroupPageQuerySet(PortalPageQuerySet):
    def listed_for(self, user) -> GroupPageQuerySet:
        """Groups whose existence the user may know: open and members-only ones, secret ones they belong to.

        Invitations count: an invited person must see the secret group to accept.
        """
        if not user or not user.is_authenticated:
            return self.none()
        queryset = self.live()
        if user.is_superuser:
            return queryset
        return queryset.filter(
            ~Q(visibility=GroupPage.Visibility.SECRET)
            | Q(
                pk__in=Membership.objects.filter(
                    user=user, status__in=[Membership.Status.ACTIVE, Membership.Status.INVITED]
                ).values("group_id")
            )
        )

    def readable_by(self, user) -> GroupPageQuerySet:
        """Groups whose content (posts, documents, events) the user may read."""
        if not user or not user.is_authenticated:
            return self.none()
        queryset = self.live()
        if user.is_superuser:
            return queryset
        return queryset.filter(
            Q(visibility=GroupPage.Visibility.OPEN)
            | Q(pk__in=Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values("group_id"))
        )


GroupPageManager = PortalPageManager.from_queryset(GroupPageQuerySet)


class GroupPage(RoutablePageMixin, Page):
    """One thematic group: its description and rules on the page, posts and events below it.

    Routes (``groups.views``) serve what is not a page: the document library,
    the publishing form and the membership actions.
    """

    class Visibility(models.TextChoices):
        OPEN = "open", _("open: every signed-in member reads it")
        MEMBERS = "members", _("members: listed to all, content for members only")
        SECRET = "secret", _("secret: invisible to non-members")

    class JoinPolicy(models.TextChoices):
        OPEN = "open", _("anyone may join")
        REQUEST = "request", _("on request, approved by a manager")
        INVITATION = "invitation", _("on invitation only")

    description = RichTextField(_("description"), blank=True, features=["bold", "italic", "link", "ul"])
    category = models.ForeignKey(
        GroupCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="groups"
    )
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices, default="open")
    join_policy = models.CharField(_("join policy"), max_length=16, choices=JoinPolicy.choices, default="open")
    default_role = models.CharField(
        _("role of new members"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    auth_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="thematic_group"
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="thematic_group",
    )

    objects = GroupPageManager()

    content_panels = Page.content_panels + [
        FieldPanel("description"),
        FieldPanel("category"),
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("join_policy"), FieldPanel("default_role")],
            heading=_("Membership and privacy"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("description"), index.FilterField("visibility")]

    parent_page_types = ["groups.GroupIndexPage"]
    subpage_types = ["groups.GroupPostPage", "events.EventPage"]

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    @property
    def visibility_badge(self) -> str:
        """The visibility in one or two words, for badges (the choice labels explain it in full)."""
        return {
            self.Visibility.OPEN: _("Open group"),
            self.Visibility.MEMBERS: _("Members only"),
            self.Visibility.SECRET: _("Secret group"),
        }[self.visibility]

    landing = view_route("", "group_landing", name="landing")
    # Not named "publish": that is Wagtail's own Page.publish().
    publish_form = view_route("publier/", "publish_post", name="publish")
    documents = view_route("documents/", "document_library", name="documents")
    members = view_route("membres/", "member_list", name="members")
    membership = view_route("adhesion/", "membership_action", name="membership")
    manage_member = view_route("membres/<int:membership_id>/", "manage_member", name="manage-member")
    invite = view_route("inviter/", "invite_member", name="invite")


class GroupPostTag(TaggedItemBase):
    content_object = ParentalKey("groups.GroupPostPage", on_delete=models.CASCADE, related_name="tagged_items")


class GroupPostPage(RoutablePageMixin, Page):
    """A discussion, article or question posted in a group, by a member, from the front end."""

    class Kind(models.TextChoices):
        DISCUSSION = "discussion", _("discussion")
        ARTICLE = "article", _("article")
        QUESTION = "question", _("question")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DISCUSSION)
    body = RichTextField(_("text"), features=POST_BODY_FEATURES)
    tags = ClusterTaggableManager(through=GroupPostTag, blank=True, verbose_name=_("tags"))
    # The form's one-time token: a second submission of the same form finds this post instead of making another.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False, default=None)

    objects = PortalPageManager()

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("kind")]

    parent_page_types = ["groups.GroupPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("group post")
        verbose_name_plural = _("group posts")

    def get_absolute_url(self) -> str:
        return self.get_url()

    detail = view_route("", "post_detail", name="detail")
    edit = view_route("modifier/", "edit_post", name="edit")
    delete_by_author = view_route("supprimer/", "delete_post", name="delete")
    unpublish_by_moderator = view_route("depublier/", "unpublish_post", name="unpublish")


class GroupPostAttachment(Orderable):
    page = ParentalKey(GroupPostPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        get_document_model_string(), on_delete=models.CASCADE, related_name="+", verbose_name=_("document")
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class Membership(models.Model):
    """Who belongs to which group, with which role; one row per person and group, whatever its status."""

    Role = MembershipRole

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        PENDING = "pending", _("request pending")
        INVITED = "invited", _("invited")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="group_memberships"
    )
    group = models.ForeignKey(GroupPage, verbose_name=_("group"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        pgettext_lazy("group membership", "role"), max_length=16, choices=Role.choices, default=Role.MEMBER
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["group", "-role", "user__last_name"]
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="groups_one_membership_per_person")]
        indexes = [models.Index(fields=["group", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} ({self.get_role_display()}, {self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
