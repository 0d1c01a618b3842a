"""Fixtures shared by the groups test modules (imported by them; this module holds no tests)."""

import pytest

from groups.models import GroupCategory, GroupIndexPage, GroupPage, Membership

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def wagtail_tree(transactional_db):
    """The rows Wagtail's migrations create (locale, root page, root collection), for browser tests.

    A transactional test before this one flushes the database, and the serialized rollback that
    would restore them cannot run under Playwright's event loop (Django sees another connection).
    """
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    ContentType.objects.clear_cache()  # its ids may be those of the flushed rows
    locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture
def group_index(home_page):
    return home_page.add_child(instance=GroupIndexPage(title="Groupes", slug="groupes"))


@pytest.fixture
def category(db):
    return GroupCategory.objects.create(name="Projets", slug="projets")


@pytest.fixture
def make_group(group_index, category):
    def make(title="Cytométrie", *, visibility="open", join_policy="open", **fields):
        fields.setdefault("category", category)
        group = GroupPage(title=title, visibility=visibility, join_policy=join_policy, **fields)
        group_index.add_child(instance=group)
        group.refresh_from_db()
        return group

    return make


@pytest.fixture
def add_member():
    def add(user, group, role=Membership.Role.MEMBER, status=Membership.Status.ACTIVE):
        return Membership.objects.create(user=user, group=group, role=role, status=status)

    return add
