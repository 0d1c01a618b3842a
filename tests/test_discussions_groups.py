"""The comment column of the groups permission matrix: reading, posting and moderating comments."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

if not apps.is_installed("groups"):
    pytest.skip("the groups app is not installed", allow_module_level=True)

from discussions import services  # noqa: E402
from discussions.models import Comment  # noqa: E402
from groups.models import Membership  # noqa: E402
from groups.services import publish_post  # noqa: E402
from tests import test_groups_fixtures  # noqa: E402

# The groups tests' fixtures, shared rather than copied.
group_index = test_groups_fixtures.group_index
category = test_groups_fixtures.category
make_group = test_groups_fixtures.make_group
add_member = test_groups_fixtures.add_member

ROLES = ["anonymous", "member", "non-member", "moderator", "manager", "communication", "superuser"]
# Who may read and write a group post's comments, per group visibility.
CAN_COMMENT = {
    "open": {"member", "non-member", "moderator", "manager", "communication", "superuser"},
    "members": {"member", "moderator", "manager", "superuser"},
    "secret": {"member", "moderator", "manager", "superuser"},
}
CAN_MODERATE = {
    "open": {"moderator", "manager", "communication", "superuser"},
    "members": {"moderator", "manager", "superuser"},
    "secret": {"moderator", "manager", "superuser"},
}


@pytest.fixture
def group_post(make_group, make_user, add_member, request):
    visibility = request.param
    group = make_group(f"Groupe {visibility}", visibility=visibility)
    manager = make_user("manager")
    add_member(manager, group, role=Membership.Role.MANAGER)
    post, _created = publish_post(group=group, author=manager, title="Appel à projets", body="<p>Détails</p>")
    services.add_comment(post, manager, "Premier commentaire du groupe")
    return group, post


def person(role, make_user, add_member, group):
    if role == "anonymous":
        return AnonymousUser()
    if role == "communication":
        return make_user("comms", groups=["Communication"])
    if role == "superuser":
        return make_user("root", is_superuser=True, is_staff=True)
    if role == "manager":
        return Membership.objects.get(group=group, role=Membership.Role.MANAGER).user
    user = make_user(role)
    if role in {"member", "moderator"}:
        add_member(user, group, role=Membership.Role.MODERATOR if role == "moderator" else Membership.Role.MEMBER)
    return user


@pytest.mark.parametrize("group_post", ["open", "members", "secret"], indirect=True)
@pytest.mark.parametrize("role", ROLES)
def test_comment_permissions(client, make_user, add_member, group_post, role):
    group, post = group_post
    visibility = group.visibility
    user = person(role, make_user, add_member, group)
    allowed = role in CAN_COMMENT[visibility]

    thread = services.comments_for(post, user)
    assert bool(thread.comments) is allowed
    assert services.visible_comments(user).exists() is allowed
    assert thread.can_comment is allowed
    assert thread.can_moderate is (role in CAN_MODERATE[visibility])

    if user.is_authenticated:
        client.force_login(user)
    response = client.post(reverse("discussions:post", args=[post.pk]), {"comment": f"Avis de {role}"})
    created = Comment.objects.filter(comment=f"Avis de {role}").exists()
    assert created is allowed
    if not allowed:
        assert response.status_code in (302, 404)
        if user.is_authenticated:
            assert response.status_code == 404  # the group's post is not even revealed

    comment = Comment.objects.get(comment="Premier commentaire du groupe")
    response = client.post(reverse("discussions:remove", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_removed is (role in CAN_MODERATE[visibility])


@pytest.mark.parametrize("group_post", ["members"], indirect=True)
def test_recent_comments_feed_the_group_activity_stream(
    make_user, add_member, group_post, django_assert_max_num_queries
):
    group, post = group_post
    reader = make_user("reader")
    add_member(reader, group)
    removed = services.add_comment(post, reader, "Retiré ensuite")
    services.remove_comment(Membership.objects.get(group=group, role=Membership.Role.MANAGER).user, removed)
    with django_assert_max_num_queries(2):  # comments, then their pages
        comments = services.recent_comments(post.__class__.objects.filter(pk=post.pk), limit=10)
        assert [c.comment for c in comments] == ["Premier commentaire du groupe"]
        assert comments[0].page.title == "Appel à projets"
    assert comments[0].get_absolute_url().endswith(f"#c{comments[0].pk}")
