"""Comments point at their page by content type and id, without a foreign key: delete them with the page."""

from wagtail.models import Page

from discussions.models import Comment


def delete_comments_of_page(sender, instance: Page, **kwargs) -> None:
    Comment.objects.on_page(instance).delete()
