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


@register.simple_tag(takes_context=True)
def member_activity(context, groups, limit: int = 10) -> list[services.ActivityItem]:
    """The "Fil d'activité": recent activity across the given groups (the user's own)."""
    if not groups:
        return []
    return services.activity(context["request"].user, groups, limit=limit)
