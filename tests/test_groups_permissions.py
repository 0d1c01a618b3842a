"""The permission matrix: every role × every action × every visibility, through real HTTP requests.

Each row is what a person in that role gets. "login" is a redirect to the login page,
"done" means the action took effect (checked in the database), numbers are status codes.
The discussions app adds the "comment" column in its own tests.
"""

import uuid

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from groups.models import GroupPostPage, Membership
from tests.test_groups_fixtures import PDF_BYTES

pytest_plugins = ["tests.test_groups_fixtures"]
pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "non_member", "communication", "member", "moderator", "manager", "superuser"]
ACTIONS = [
    "view_group",
    "view_post",
    "list_documents",
    "download_document",
    "post",
    "edit_other_post",
    "delete_other_post",
    "unpublish_other_post",
    "approve_member",
    "listed",
]

# fmt: off
MATRIX = {
    "open": {
        "view_group":           ["login", 200, 200, 200, 200, 200, 200],
        "view_post":            ["login", 200, 200, 200, 200, 200, 200],
        "list_documents":       ["login", 200, 200, 200, 200, 200, 200],
        "download_document":    ["login", 200, 200, 200, 200, 200, 200],
        "post":                 ["login", 403, 403, "done", "done", "done", "done"],
        "edit_other_post":      ["login", 403, 403, 403, 403, 403, 200],
        "delete_other_post":    ["login", 403, 403, 403, 403, 403, "done"],
        "unpublish_other_post": ["login", 403, 403, 403, "done", "done", "done"],
        "approve_member":       ["login", 403, 403, 403, 403, "done", "done"],
        "listed":               [False, True, True, True, True, True, True],
    },
    "members": {
        "view_group":           ["login", 200, 200, 200, 200, 200, 200],
        "view_post":            ["login", 403, 403, 200, 200, 200, 200],
        "list_documents":       ["login", 403, 403, 200, 200, 200, 200],
        "download_document":    ["login", 403, 403, 200, 200, 200, 200],
        "post":                 ["login", 403, 403, "done", "done", "done", "done"],
        "edit_other_post":      ["login", 403, 403, 403, 403, 403, 200],
        "delete_other_post":    ["login", 403, 403, 403, 403, 403, "done"],
        "unpublish_other_post": ["login", 403, 403, 403, "done", "done", "done"],
        "approve_member":       ["login", 403, 403, 403, 403, "done", "done"],
        "listed":               [False, True, True, True, True, True, True],
    },
    "secret": {
        "view_group":           ["login", 404, 404, 200, 200, 200, 200],
        "view_post":            ["login", 404, 404, 200, 200, 200, 200],
        "list_documents":       ["login", 404, 404, 200, 200, 200, 200],
        "download_document":    ["login", 404, 404, 200, 200, 200, 200],
        "post":                 ["login", 404, 404, "done", "done", "done", "done"],
        "edit_other_post":      ["login", 404, 404, 403, 403, 403, 200],
        "delete_other_post":    ["login", 404, 404, 403, 403, 403, "done"],
        "unpublish_other_post": ["login", 404, 404, 403, "done", "done", "done"],
        "approve_member":       ["login", 404, 404, 403, 403, "done", "done"],
        "listed":               [False, False, False, True, True, True, True],
    },
}
# fmt: on
JOIN_POLICY = {"open": "open", "members": "request", "secret": "invitation"}


@pytest.fixture
def world(make_group, make_user, add_member):
    """One group of the given visibility with a post by another member, a document and a pending request."""

    def build(visibility):
        group = make_group("Groupe témoin", visibility=visibility, join_policy=JOIN_POLICY[visibility])
        author = make_user("author")
        add_member(author, group)
        people = {
            "anonymous": None,
            "non_member": make_user("outsider"),
            "communication": make_user("comms", groups=["Communication"]),
            "member": make_user("member"),
            "moderator": make_user("moderator"),
            "manager": make_user("manager"),
            "superuser": make_user("root", is_superuser=True, is_staff=True),
        }
        add_member(people["member"], group)
        add_member(people["moderator"], group, role="moderator")
        add_member(people["manager"], group, role="manager")
        post = GroupPostPage(title="Billet de l'auteur", slug="billet", body="<p>Contenu réservé</p>", owner=author)
        group.add_child(instance=post)
        post.save_revision(user=author).publish(user=author, skip_permission_checks=True)
        document = get_document_model()(title="Compte rendu", collection=group.collection)
        document.file.save("compte-rendu.pdf", ContentFile(PDF_BYTES), save=False)
        document.save()
        applicant = add_member(make_user("applicant"), group, status="pending")
        return group, post, document, applicant, people

    return build


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def outcome(response, done: bool):
    if response.status_code == 302 and "next=" in response.get("Location", ""):
        return "login"
    if done:
        return "done"
    return response.status_code


def perform(action, client, group, post, document, applicant):
    if action == "view_group":
        return outcome(client.get(group.url), False)
    if action == "view_post":
        return outcome(client.get(post.url), False)
    if action == "list_documents":
        return outcome(client.get(group.url + "documents/"), False)
    if action == "download_document":
        return outcome(client.get(document.url), False)
    if action == "post":
        before = GroupPostPage.objects.count()
        response = client.post(
            group.url + "publier/",
            {"title": "Nouveau", "kind": "discussion", "body": "Texte", "submission_token": str(uuid.uuid4())},
        )
        return outcome(response, GroupPostPage.objects.count() > before)
    if action == "edit_other_post":
        return outcome(client.get(post.url + "modifier/"), False)
    if action == "delete_other_post":
        response = client.post(post.url + "supprimer/")
        return outcome(response, not GroupPostPage.objects.filter(pk=post.pk).exists())
    if action == "unpublish_other_post":
        response = client.post(post.url + "depublier/")
        return outcome(response, not GroupPostPage.objects.get(pk=post.pk).live)
    if action == "approve_member":
        response = client.post(group.url + f"membres/{applicant.pk}/", {"action": "approve"})
        return outcome(response, Membership.objects.get(pk=applicant.pk).status == "active")
    if action == "listed":
        index = group.get_parent()
        return group.title in client.get(index.url).content.decode()
    raise AssertionError(action)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("visibility", list(MATRIX))
def test_permission_matrix(world, visibility, role, action):
    group, post, document, applicant, people = world(visibility)
    expected = MATRIX[visibility][action][ROLES.index(role)]
    assert perform(action, client_for(people[role]), group, post, document, applicant) == expected
