from django import template

from notifications import services

register = template.Library()


@register.inclusion_tag("notifications/includes/follow_thread.html", takes_context=True)
def follow_thread_button(context, page):
    """A "Follow / Stop following this discussion" button for a page's comment section."""
    request = context["request"]
    user = request.user
    return {
        "page": page,
        "request": request,
        "show": user.is_authenticated,
        "following": user.is_authenticated and services.is_following(user, page),
    }


@register.inclusion_tag("notifications/includes/bell.html", takes_context=True)
def notification_bell(context):
    """The header's bell with the unread count (cached per member) and the link to the settings."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": services.unread_count(user)}
