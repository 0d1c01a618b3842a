"""RSS 2.0 and Atom feeds of the news section.

Feed readers fetch without a session, so a feed holds exactly what an anonymous
visitor may see, whoever asks for it.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

FEED_LENGTH = 20


class NewsRssFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index):
        self.index = index
        self.request = None

    def get_object(self, request, *args, **kwargs):
        self.request = request
        return self.index

    def title(self, index):
        return f"{index.title} · {settings.WAGTAIL_SITE_NAME}"

    def link(self, index):
        return index.get_full_url(self.request)

    def description(self, index):
        return _("The latest public news of %(site)s.") % {"site": settings.WAGTAIL_SITE_NAME}

    def feed_url(self, index):
        return self.request.build_absolute_uri()

    def items(self, index):
        return (
            index.news_visible_to(AnonymousUser())
            .select_related("category")
            .prefetch_related("tags")
            .order_by("-publication_date", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.excerpt or item.search_description

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return timezone.localtime(item.publication_date)

    def item_updateddate(self, item):
        return timezone.localtime(item.last_published_at or item.publication_date)

    def item_categories(self, item):
        categories = [item.category.name] if item.category else []
        return categories + [tag.name for tag in item.tags.all()]


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, index):
        return self.description(index)
