from django import template

from discussions import services
from discussions.forms import CommentForm
from discussions.markdown import render_markdown

register = template.Library()


@register.simple_tag(takes_context=True)
def comment_thread(context, page) -> services.Thread:
    """The page's comments as the current visitor may see them (see ``services.comments_for``)."""
    return services.comments_for(page, context["request"].user)


@register.simple_tag
def empty_comment_form() -> CommentForm:
    return CommentForm()


@register.filter
def comment_markdown(text: str):
    return render_markdown(text)
