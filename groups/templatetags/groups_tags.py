from django import template

from groups import services
from groups.models import GroupPage, Membership

register = template.Library()


@register.simple_tag(takes_context=True)
def my_groups(context) -> list[GroupPage]:
    """The signed-in user's groups (active memberships), alphabetically."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return list(
        GroupPage.objects.live()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .order_by("title")
        .only("pk", "title", "url_path", "path", "depth", "collection_id")
    )


@register.simple_tag
def member_activity(groups, limit: int = 10) -> list[services.ActivityItem]:
    """The "Fil d'activité": recent activity across the user's groups (from ``my_groups``, so readable)."""
    return services.activity_in(groups, limit=limit)
