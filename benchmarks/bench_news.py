"""The news section on the seeded network: index, an archive month, a news page and the RSS feed."""

from django.contrib.auth import get_user_model

from news.models import NewsIndexPage, NewsPage


def run(bench):
    index = NewsIndexPage.objects.live().first()
    if index is None:
        bench.note("No news index: run seed_demo first.")
        return
    member = get_user_model().objects.filter(is_superuser=False, is_staff=False).order_by("pk").first()
    news = NewsPage.objects.child_of(index).live().public().order_by("-publication_date")
    bench.note(f"{news.count()} public news items (of {NewsPage.objects.child_of(index).live().count()} live)")

    bench.measure_get("news index (anonymous)", index.url)
    bench.measure_get("news index (member)", index.url, user=member)
    bench.measure_get("news index, last page (member)", f"{index.url}?page={last_page(news.count())}", user=member)
    latest = news.first()
    bench.measure_get("news archive month (anonymous)", latest.publication_date.strftime(f"{index.url}%Y/%m/"))
    with_attachments = news.filter(attachments__isnull=False).first() or latest
    bench.measure_get("news page with attachments (anonymous)", with_attachments.url)
    bench.measure_get("news page (member)", latest.url, user=member)
    bench.measure_get("news RSS feed", f"{index.url}flux/rss/")


def last_page(count: int, per_page: int = 12) -> int:
    return max(1, -(-count // per_page))
