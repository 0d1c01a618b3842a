"""Groups: membership life cycle, posting, documents, activity, bad input (real HTTP through the test client)."""

import html
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.models import CollectionViewRestriction, PageViewRestriction

from groups import services
from groups.models import GroupPage, GroupPostPage, Membership
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


def post_data(client, group, **fields):
    """A filled "Publier" form with the token the server handed out."""
    form = client.get(group.url + "publier/").context["form"]
    data = {"title": "Titre", "kind": "discussion", "body": "Texte", "tags": ""}
    data["submission_token"] = form["submission_token"].value()
    data.update(fields)
    return data


@pytest.fixture
def open_group_member(client, make_group, member, add_member):
    group = make_group()
    add_member(member, group)
    client.force_login(member)
    return group


def test_empty_post_is_refused_with_the_field_marked_and_input_kept(client, open_group_member):
    group = open_group_member
    response = client.post(group.url + "publier/", post_data(client, group, title="Mon titre", body="  \n\n  "))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Écrivez le texte de votre publication." in html
    assert 'aria-invalid="true"' in html and 'id="id_body_errors"' in html
    assert 'value="Mon titre"' in html
    assert not GroupPostPage.objects.exists()


def test_injected_script_is_neutralized(client, open_group_member):
    """Posts are Markdown: HTML typed in them is text, and only safe links become links."""
    group = open_group_member
    body = 'Bonjour <script>alert(1)</script> <p onclick="steal()">x</p> [lien](javascript:alert(2)) **gras**'
    client.post(group.url + "publier/", post_data(client, group, title="<script>x</script>Titre", body=body))
    post = GroupPostPage.objects.get()
    assert "<script" not in post.body and 'href="javascript' not in post.body
    assert not re.search(r"<[^<>]*onclick", post.body)  # the attribute is text, in no tag
    assert "<strong>gras</strong>" in post.body and "&lt;script&gt;alert(1)&lt;/script&gt;" in post.body
    html = client.get(post.url).content.decode()
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;Titre" in html
    assert "<script>alert(1)</script>" not in html and not re.search(r"<[^<>]*onclick", html)


def test_posts_are_written_in_markdown_and_edited_as_written(client, open_group_member):
    group = open_group_member
    body = (
        "# Ordre du jour\n\nBonjour **à tous**, voici le *compte rendu* et [le planning](https://example.org/planning).\n\n"
        "1. Budget\n2. Équipements\n   - microscope\n\n> Décision reportée\n\nUn astérisque \\* reste un astérisque."
    )
    client.post(group.url + "publier/", post_data(client, group, title="Compte rendu", body=body))
    post = GroupPostPage.objects.get()
    html = client.get(post.url).content.decode()
    assert "<h3>Ordre du jour</h3>" in html and "<strong>à tous</strong>" in html and "<em>compte rendu</em>" in html
    assert '<a href="https://example.org/planning"' in html and "<li>Budget</li>" in html
    assert "<blockquote>" in html and "Un astérisque * reste un astérisque." in html
    form = client.get(post.url + "modifier/").content.decode()
    assert (
        "**à tous**" in form and "[le planning](https://example.org/planning)" in form and "&lt;strong&gt;" not in form
    )
    stored = post.body
    edit = {"title": "Compte rendu", "kind": "discussion", "body": form_textarea(form), "tags": ""}
    assert client.post(post.url + "modifier/", edit).status_code == 302
    post.refresh_from_db()
    assert post.body == stored  # saved unchanged, what was written comes back the same


def test_a_post_edited_in_the_admin_opens_in_markdown_with_its_page_links(client, open_group_member):
    group = open_group_member
    client.post(group.url + "publier/", post_data(client, group, title="Note", body="Texte"))
    post = GroupPostPage.objects.get()
    # What Draftail stores: block keys, and internal links by page id.
    post.body = (
        f'<p data-block-key="k1">Voir <a linktype="page" id="{group.pk}">le groupe</a> et <b>lire</b></p>'
        '<ul><li data-block-key="k2">un</li><li data-block-key="k3">deux</li></ul>'
    )
    post.save_revision().publish()
    form = form_textarea(client.get(post.url + "modifier/").content.decode())
    assert form == f"Voir [le groupe]({group.url}) et **lire**\n\n- un\n- deux"


def form_textarea(page: str) -> str:
    return html.unescape(re.search(r'<textarea name="body"[^>]*>\n?(.*?)</textarea>', page, re.S).group(1))


def test_double_submit_creates_one_post(client, open_group_member):
    group = open_group_member
    data = post_data(client, group, title="Une seule fois")
    first = client.post(group.url + "publier/", data)
    second = client.post(group.url + "publier/", data)
    assert GroupPostPage.objects.count() == 1
    assert first["Location"] == second["Location"] == GroupPostPage.objects.get().url


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("outil.exe", b"MZ\x90\x00" + b"\x00" * 100, "ne peut pas être partagé"),
        ("script.sh", b"#!/bin/sh\nrm -rf /\n", "ne peut pas être partagé"),
        ("page.html", b"<html><script>alert(1)</script></html>", "ne peut pas être partagé"),
        ("notes.txt", b"#!/usr/bin/env python\nimport os\n", "ressemble à un programme ou à un script"),
        ("rapport.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "ressemble à un programme ou à un script"),
        ("faux.pdf", b"ceci n'est pas un PDF", "ne correspond pas à son extension .pdf"),
    ],
)
def test_refused_types_get_a_clear_message(client, open_group_member, name, content, message):
    group = open_group_member
    upload = SimpleUploadedFile(name, content)
    response = client.post(group.url + "documents/", {"title": "", "file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    response = client.post(
        group.url + "publier/",
        post_data(client, group, title="Avec pièce jointe", attachments=[SimpleUploadedFile(name, content)]),
    )
    assert message in response.content.decode()
    assert 'value="Avec pièce jointe"' in response.content.decode()
    assert not GroupPostPage.objects.exists()
    assert not services.group_documents(group).exists()


def test_the_real_hostile_sample_named_pdf_is_refused(client, open_group_member):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "shared" / "samples" / "hostile-elf-named.pdf"
    if not sample.exists():
        pytest.skip("the shared samples are not on this machine")
    upload = SimpleUploadedFile(sample.name, sample.read_bytes())
    response = client.post(open_group_member.url + "documents/", {"file": upload})
    assert "ressemble à un programme ou à un script" in response.content.decode()


def test_oversized_upload_is_refused(client, open_group_member, settings):
    settings.UPLOAD_MAX_SIZE = 1024
    group = open_group_member
    upload = SimpleUploadedFile("gros.pdf", PDF_BYTES + b"0" * 2048)
    response = client.post(group.url + "documents/", {"file": upload})
    assert response.status_code == 400
    assert "les fichiers sont limités à 1,0\xa0Kio" in response.content.decode()
    assert not services.group_documents(group).exists()


def test_library_lists_sorts_and_serves_documents_but_media_urls_are_not_served(client, open_group_member, member):
    group = open_group_member
    client.post(group.url + "documents/", {"title": "Zèbre", "file": SimpleUploadedFile("z.pdf", PDF_BYTES)})
    client.post(group.url + "documents/", {"title": "Agenda", "file": SimpleUploadedFile("a.txt", b"Ordre du jour")})
    response = client.get(group.url + "documents/?tri=titre")
    html = response.content.decode()
    table = html[html.index("<tbody>") :]
    assert table.index("Agenda") < table.index("Zèbre")
    assert "Member Test" in html and "TXT" in html
    assert client.get(group.url + "documents/?tri=nimportequoi").status_code == 404
    assert client.get(group.url + "documents/?page=abc").status_code == 404
    document = services.group_documents(group).get(title="Zèbre")
    assert client.get(document.url).status_code == 200
    assert client.get("/media/" + document.file.name).status_code == 404


def test_secret_documents_are_refused_to_signed_in_non_members(client, make_group, make_user, add_member):
    group = make_group("Conseil", visibility="secret", join_policy="invitation")
    insider = make_user("insider")
    add_member(insider, group)
    client.force_login(insider)
    client.post(group.url + "documents/", {"file": SimpleUploadedFile("cr.pdf", PDF_BYTES)})
    document = services.group_documents(group).get()
    client.force_login(make_user("outsider"))
    assert client.get(document.url).status_code == 404
    client.logout()
    response = client.get(document.url)
    assert response.status_code == 302 and "next=" in response["Location"]


def test_join_request_approval_and_invitation(client, make_group, make_user, add_member):
    group = make_group("Équipements", visibility="members", join_policy="request")
    manager = make_user("manager")
    add_member(manager, group, role="manager")
    applicant = make_user("applicant")
    client.force_login(applicant)
    page = client.get(group.url).content.decode()
    assert "Demander à rejoindre" in page and "Contenu" not in page
    assert client.post(group.url + "adhesion/", {"action": "join"}).status_code == 302
    assert not Membership.objects.filter(user=applicant).exists()  # open joining is not this group's policy
    client.post(group.url + "adhesion/", {"action": "request"})
    request = Membership.objects.get(user=applicant, group=group)
    assert request.status == "pending"
    assert client.get(group.url + "documents/").status_code == 403

    client.force_login(manager)
    members_page = client.get(group.url + "membres/").content.decode()
    assert "Applicant Test" in members_page
    client.post(group.url + f"membres/{request.pk}/", {"action": "approve"})
    request.refresh_from_db()
    assert request.status == "active" and applicant.groups.filter(pk=group.auth_group_id).exists()

    guest = make_user("guest", email="guest@example.org")
    response = client.post(group.url + "inviter/", {"person": "nobody@example.org"})
    assert response.status_code == 400 and "Personne dans le réseau" in response.content.decode()
    client.post(group.url + "inviter/", {"person": "GUEST@example.org"})
    invitation = Membership.objects.get(user=guest)
    assert invitation.status == "invited" and invitation.invited_by == manager
    client.force_login(guest)
    assert client.get(group.url + "documents/").status_code == 403
    client.post(group.url + "adhesion/", {"action": "accept"})
    assert client.get(group.url + "documents/").status_code == 200

    client.force_login(manager)
    client.post(group.url + f"membres/{invitation.pk}/", {"action": "role", "role": "moderator"})
    assert Membership.objects.get(pk=invitation.pk).role == "moderator"
    assert client.post(group.url + f"membres/{invitation.pk}/", {"action": "role", "role": "roi"}).status_code == 404
    response = client.post(group.url + "adhesion/", {"action": "leave"}, follow=True)
    assert "dernier gestionnaire" in response.content.decode()
    assert Membership.objects.filter(user=manager, role="manager").exists()


def test_tampered_membership_ids_and_actions_are_404(client, make_group, make_user, add_member):
    group = make_group("A")
    other = make_group("B")
    manager = make_user("manager")
    add_member(manager, group, role="manager")
    foreign = add_member(make_user("someone"), other, status="pending")
    client.force_login(manager)
    assert client.post(group.url + f"membres/{foreign.pk}/", {"action": "approve"}).status_code == 404
    assert client.post(group.url + "adhesion/", {"action": "hack"}).status_code == 404
    assert client.get(group.url + "adhesion/").status_code == 405
    assert client.get(group.get_parent().url + "?categorie=inconnue").status_code == 404


def test_membership_forms_need_the_csrf_token(make_group, member):
    group = make_group()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(group.url + "adhesion/", {"action": "join"}).status_code == 403
    assert not Membership.objects.exists()


def test_author_edits_with_a_new_revision_and_deletes(client, open_group_member, member):
    group = open_group_member
    client.post(group.url + "publier/", post_data(client, group, title="Première version"))
    post = GroupPostPage.objects.get()
    response = client.post(
        post.url + "modifier/", {"title": "Seconde version", "kind": "article", "body": "Corrigé", "tags": "iso"}
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.title == "Seconde version" and post.revisions.count() == 2
    assert list(post.tags.names()) == ["iso"]
    client.post(post.url + "supprimer/")
    assert not GroupPostPage.objects.exists()


def test_moderator_unpublishes_and_history_stays(client, open_group_member, make_user, add_member):
    group = open_group_member
    client.post(group.url + "publier/", post_data(client, group, title="À modérer"))
    post = GroupPostPage.objects.get()
    moderator = make_user("moderator")
    add_member(moderator, group, role="moderator")
    client.force_login(moderator)
    client.post(post.url + "depublier/")
    post.refresh_from_db()
    assert not post.live and post.revisions.count() == 1
    assert "À modérer" not in client.get(group.url).content.decode()


def test_index_lists_activity_without_leaking_and_filters_by_category(client, make_group, make_user, add_member):
    from groups.models import GroupCategory

    insider = make_user("insider")
    members_group = make_group("Restructuration", visibility="members", join_policy="request")
    secret_group = make_group("Instance secrète", visibility="secret", join_policy="invitation")
    add_member(insider, members_group)
    add_member(insider, secret_group)
    client.force_login(insider)
    for group in (members_group, secret_group):
        client.post(group.url + "publier/", post_data(client, group, title=f"Billet {group.title}"))
    other = GroupCategory.objects.create(name="Plateformes", slug="plateformes-technique")
    make_group("Séquençage", category=other)
    client.force_login(make_user("outsider"))
    html = client.get(members_group.get_parent().url).content.decode()
    assert "Restructuration" in html and "Instance secrète" not in html
    assert "visible par les membres" in html
    filtered = client.get(members_group.get_parent().url + "?categorie=plateformes-technique").content.decode()
    assert "Séquençage" in filtered and "Restructuration" not in filtered
    client.force_login(insider)
    html = client.get(members_group.get_parent().url).content.decode()
    assert "Instance secrète" in html and "Publications ce mois-ci" in html


def test_index_cards_show_each_groups_last_post_and_posts_of_the_month(client, make_group, make_user, add_member):
    reader = make_user("reader")
    busy, quiet, idle = make_group("Cytométrie"), make_group("Imagerie"), make_group("Protéomique")
    for group in (busy, quiet, idle):
        add_member(reader, group)
    client.force_login(reader)
    for group, title in ((busy, "Premier"), (busy, "Second"), (busy, "Ancien"), (quiet, "Vieux")):
        client.post(group.url + "publier/", post_data(client, group, title=title))
    last_month = timezone.localtime().replace(day=1, hour=12) - timedelta(days=3)
    GroupPostPage.objects.filter(title="Ancien").update(first_published_at=last_month)
    GroupPostPage.objects.filter(title="Vieux").update(first_published_at=last_month - timedelta(days=40))

    page = client.get("/groupes/").content.decode()
    cards = re.findall(r'<article class="card" data-testid="group-card">.*?</article>', page, re.S)

    def figures(title):
        card = next(card for card in cards if f">{title}</a>" in card)
        last = re.search(r'<time datetime="(\d{4}-\d\d-\d\d)', card)
        this_month = re.search(r"Publications ce mois-ci</dt><dd>(\d+)</dd>", card).group(1)
        return (last.group(1) if last else None), int(this_month)

    today = timezone.localdate().isoformat()
    assert figures("Cytométrie") == (today, 2)
    assert figures("Imagerie") == ((last_month - timedelta(days=40)).date().isoformat(), 0)
    assert figures("Protéomique") == (None, 0)


def test_index_and_group_page_queries_stay_flat(
    client, make_group, make_user, add_member, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member = make_user("reader")
    client.force_login(member)

    def counts():
        with CaptureQueriesContext(connection) as index_queries:
            assert client.get("/groupes/").status_code == 200
        group = GroupPage.objects.order_by("pk").first()
        with CaptureQueriesContext(connection) as group_queries:
            assert client.get(group.url).status_code == 200
        return len(index_queries), len(group_queries)

    def grow(number):
        for index in range(number):
            group = make_group(f"Groupe {GroupPage.objects.count()} {index}")
            add_member(member, group)
            for post_number in range(3):
                services.publish_post(group=group, author=member, title=f"Billet {post_number}", body="Texte")

    grow(2)
    counts()  # warm the per-process caches (content types, site root paths)
    small = counts()
    grow(4)
    counts()  # new groups mean new view restrictions: the first request reads them again
    assert counts() == small
    assert small[1] <= 25


def test_home_member_panel_shows_activity_of_my_groups_only(client, open_group_member, member, make_group, make_user):
    from django.template import Context, Template
    from django.test import RequestFactory

    services.publish_post(group=open_group_member, author=member, title="Dans mon groupe", body="Texte")
    elsewhere = make_group("Ailleurs")
    stranger = make_user("stranger")
    Membership.objects.create(user=stranger, group=elsewhere)
    services.publish_post(group=elsewhere, author=stranger, title="Pas dans mon fil", body="Texte")
    request = RequestFactory().get("/")
    request.user = member
    html = Template('{% include "home/includes/member_panel.html" %}').render(
        Context({"request": request, "user": member})
    )
    assert "Fil d’activité" in html and "Dans mon groupe" in html and "Pas dans mon fil" not in html
    assert "Cytométrie" in html


# Transactional: threads need committed rows (the page tree is rebuilt by the home_page fixture after flushes).
@pytest.mark.django_db(transaction=True)
def test_concurrent_joins_create_one_membership(make_group, member):
    """Two requests racing to join: the unique constraint lets one insert win, the other finds it."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so there is no race to test: run with DATABASE_URL=postgres://…")
    group = make_group()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def join():
        try:
            barrier.wait()
            results.append(services.join(type(member).objects.get(pk=member.pk), group).pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=join) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Membership.objects.filter(user=member, group=group).count() == 1
    assert len(set(results)) == 1
    assert member.groups.filter(pk=group.auth_group_id).exists()


def test_admin_lists_memberships_with_filters(client, make_group, make_user, add_member):
    group = make_group("Filtré")
    add_member(make_user("alice", first_name="Alice"), group, role="manager")
    add_member(make_user("bruno", first_name="Bruno"), group, status="pending")
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.get("/admin/groups/membership/", {"status": "pending"})
    assert response.status_code == 200
    html = response.content.decode()
    assert ">bruno<" in html and ">alice<" not in html
    assert client.get("/admin/groups/membership/", {"role": "manager", "group": group.pk}).status_code == 200


def test_demo_seed_builds_groups_for_the_discussions_demo(home_page, make_user, monkeypatch):
    from groups import demo
    from groups.models import GroupCategory, GroupIndexPage
    from portal.demo import DemoContext

    monkeypatch.setattr(demo, "POSTS_PER_GROUP", 1)
    ctx = DemoContext(members=[make_user(f"membre{number}") for number in range(40)])
    demo.seed(ctx)
    assert {"projets", "actualites-reseau", "bonnes-pratiques"} <= set(
        GroupCategory.objects.values_list("slug", flat=True)
    )
    assert GroupIndexPage.objects.get().show_in_menus
    assert len(ctx.data["groups"]) == 12 == GroupPage.objects.count()
    council = GroupPage.objects.get(slug="conseil-scientifique")
    assert council.visibility == "secret"
    assert services.group_documents(council).filter(title__startswith="Compte rendu du conseil scientifique").exists()
    assert council.memberships.filter(role="manager", status="active").count() == 2
    assert GroupPostPage.objects.live().count() == 12
    demo.seed(ctx)  # a second run adds nothing
    assert GroupPage.objects.count() == 12


def test_communication_staff_publish_a_group_from_the_admin(client, make_group, make_user):
    """The group's "Publier" route must not shadow Wagtail's Page.publish()."""
    group = make_group("Conseil scientifique")
    group.title = "Conseil scientifique 2027"
    group.save_revision().publish()
    group.refresh_from_db()
    assert group.title == "Conseil scientifique 2027" and group.live
    admin = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(f"/admin/pages/{group.pk}/edit/")
    assert response.status_code == 200
