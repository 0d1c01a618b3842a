"""Groups: membership life cycle, posting, documents, activity, bad input (real HTTP through the test client)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from groups.models import GroupPostPage, Membership
from tests.test_groups_fixtures import PDF_BYTES

pytest_plugins = ["tests.test_groups_fixtures"]

pytestmark = pytest.mark.django_db


def test_group_access_follows_visibility_and_memberships(make_group, member, add_member):
    open_group = make_group("Ouvert")
    members_group = make_group("Réservé", visibility="members")
    assert open_group.auth_group and open_group.collection
    assert PageViewRestriction.objects.get(page=open_group).restriction_type == "login"
    restriction = PageViewRestriction.objects.get(page=members_group)
    assert restriction.restriction_type == "groups"
    assert list(restriction.groups.all()) == [members_group.auth_group]
    assert CollectionViewRestriction.objects.get(collection=members_group.collection).restriction_type == "groups"

    membership = add_member(member, members_group, status="pending")
    assert not member.groups.filter(pk=members_group.auth_group_id).exists()
    membership.status = "active"
    membership.save()
    assert member.groups.filter(pk=members_group.auth_group_id).exists()
    membership.delete()
    assert not member.groups.filter(pk=members_group.auth_group_id).exists()


def test_member_joins_open_group_and_posts(client, make_group, member):
    group = make_group()
    client.force_login(member)
    response = client.get(group.url)
    assert response.status_code == 200
    assert "Rejoindre le groupe" in response.content.decode()
    response = client.post(group.url + "adhesion/", {"action": "join"}, follow=True)
    assert Membership.objects.get(user=member, group=group).status == "active"
    assert "Bienvenue" in response.content.decode()
    form = client.get(group.url + "publier/").context["form"]
    response = client.post(
        group.url + "publier/",
        {
            "title": "Nouveau cytomètre",
            "kind": "question",
            "body": "Qui a testé le modèle X ?",
            "tags": "cytométrie, achat",
            "submission_token": form["submission_token"].value(),
            "attachments": [SimpleUploadedFile("devis.pdf", PDF_BYTES, content_type="application/pdf")],
        },
        follow=True,
    )
    post = GroupPostPage.objects.get()
    assert response.redirect_chain[-1][0] == post.url
    assert post.owner == member and post.live and post.revisions.count() == 1
    assert sorted(post.tags.names()) == ["achat", "cytométrie"]
    document = post.attachments.get().document
    assert document.collection_id == group.collection_id and document.uploaded_by_user == member
    assert "Qui a testé le modèle X ?" in response.content.decode()
