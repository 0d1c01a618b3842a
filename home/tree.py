"""The page tree's fixed points, created idempotently (seeding, tests, fresh installs)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sites.models import Site as DjangoSite
from wagtail.models import Collection, Locale, Page, Site

from home.models import HomePage


def ensure_home_page() -> HomePage:
    """The site's home page, created with its default Site when the tree is empty.

    Migrations create all of it; transactional tests flush the database, so rebuild what is missing
    (root page, locale, root collection).
    """
    home = HomePage.objects.first()
    if home is None:
        locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
        Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
        root.refresh_from_db()
        home = root.add_child(instance=HomePage(title="Accueil", slug="accueil", locale=locale))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    sync_django_site()
    return home


def sync_django_site() -> None:
    """django-comments-xtd builds links from django.contrib.sites: keep it on Wagtail's host."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    domain = site.hostname if site.port in (80, 443) else f"{site.hostname}:{site.port}"
    DjangoSite.objects.update_or_create(
        pk=settings.SITE_ID, defaults={"domain": domain, "name": site.site_name or settings.WAGTAIL_SITE_NAME}
    )
