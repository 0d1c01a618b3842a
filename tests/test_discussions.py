"""Comments, reactions and moderation, as members and moderators meet them."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import PageViewRestriction

from discussions import services
from discussions.models import Comment, CommentReport, Reaction
from news.models import NewsIndexPage, NewsPage


@pytest.fixture
def news_page(home_page):
    index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    return index.add_child(instance=NewsPage(title="Nouveau séquenceur", slug="nouveau-sequenceur"))


@pytest.fixture
def other_member(make_user):
    return make_user("other")


def post(client, page, text, reply_to=None):
    data = {"comment": text}
    if reply_to is not None:
        data["reply_to"] = reply_to.pk
    return client.post(reverse("discussions:post", args=[page.pk]), data)


def mails_from_django_comments_xtd():
    """django-comments-xtd's confirmation and follow-up mails, in either language (other apps may mail)."""
    subjects = set()
    for language in ("fr", "en"):
        with translation.override(language):
            subjects |= {gettext("comment confirmation request"), gettext("new comment posted")}
    return [message for message in mail.outbox if message.subject in subjects or "/mute/" in message.body]


def thread_html(page, user):
    request = RequestFactory().get(page.url)
    request.user = user
    return render_to_string("includes/page_comments.html", {"page": page, "request": request, "user": user})


def test_member_posts_and_is_sent_back_to_the_new_comment(client, member, news_page):
    client.force_login(member)
    response = post(client, news_page, "Bravo pour **l'installation** !")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{news_page.url}#c{comment.pk}"
    assert comment.user == member and comment.is_public and not comment.is_removed
    page = client.get(response["Location"]).content.decode()
    assert f'id="c{comment.pk}"' in page
    assert "<strong>l&#x27;installation</strong>" in page or "<strong>l'installation</strong>" in page
    assert not mails_from_django_comments_xtd()


def test_replies_nest_two_levels_deep_and_no_deeper(client, member, other_member, news_page):
    client.force_login(member)
    post(client, news_page, "Question de départ")
    root = Comment.objects.get()
    client.force_login(other_member)
    post(client, news_page, "Première réponse", reply_to=root)
    reply = Comment.objects.get(level=1)
    post(client, news_page, "Réponse à la réponse", reply_to=reply)
    deepest = Comment.objects.get(level=2)
    response = post(client, news_page, "Trop profond", reply_to=deepest)
    assert response.status_code == 200
    assert "Trop profond" in response.content.decode()  # what was typed is kept
    assert Comment.objects.count() == 3
    thread = services.comments_for(news_page, member)
    assert [c.pk for c in thread.roots] == [root.pk]
    assert [c.pk for c in thread.roots[0].replies] == [reply.pk]
    assert [c.pk for c in thread.roots[0].replies[0].replies] == [deepest.pk]
    assert not thread.roots[0].replies[0].replies[0].viewer_can_reply
    assert not mails_from_django_comments_xtd()  # its follow-up mails belong to the notifications app
    assert not Comment.objects.filter(followup=True).exists()  # nobody is subscribed to its follow-ups


def test_anonymous_visitor_sees_a_sign_in_link_and_cannot_post(client, member, news_page):
    services.add_comment(news_page, member, "Un commentaire public")
    from django.contrib.auth.models import AnonymousUser

    html = thread_html(news_page, AnonymousUser())
    assert "Un commentaire public" in html
    assert 'data-testid="sign-in-to-comment"' in html
    assert 'name="comment"' not in html
    response = post(client, news_page, "Message forgé")
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Comment.objects.filter(comment="Message forgé").exists()


def test_empty_comment_is_refused_with_the_field_marked(client, member, news_page):
    client.force_login(member)
    response = post(client, news_page, "   ")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and "new-comment" not in html
    assert 'aria-describedby="comment-text-help comment-text-errors"' in html
    assert not Comment.objects.exists()


def test_tampered_reply_target_is_a_404(client, member, news_page, home_page):
    client.force_login(member)
    assert post(client, news_page, "x", reply_to=None).status_code == 302
    response = client.post(reverse("discussions:post", args=[news_page.pk]), {"comment": "x", "reply_to": "abc"})
    assert response.status_code == 404
    response = client.post(reverse("discussions:post", args=[news_page.pk]), {"comment": "x", "reply_to": "999999"})
    assert response.status_code == 404
    assert client.post(reverse("discussions:post", args=[999999]), {"comment": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("source", "expected", "forbidden"),
    [
        ("**gras** et *italique*", ["<strong>gras</strong>", "<em>italique</em>"], []),
        ("`code`", ["<code>code</code>"], []),
        ("- un\n- deux", ["<ul>", "<li>un</li>"], []),
        ("> citation", ["<blockquote>"], []),
        ("[site](https://example.org)", ['<a href="https://example.org" rel="nofollow noopener">site</a>'], []),
        ("<script>alert(1)</script>", ["&lt;script&gt;"], ["<script>"]),
        ('<img src=x onerror="alert(1)">', ["&lt;img"], ["<img"]),
        ("[clic](javascript:alert(1))", [], ["href", "javascript:alert(1)</a>"]),
        ("# Titre", ["# Titre"], ["<h1>"]),
    ],
)
def test_markdown_subset_is_rendered_and_injection_neutralized(member, news_page, source, expected, forbidden):
    services.add_comment(news_page, member, source)
    html = thread_html(news_page, member)
    start = html.index('class="comment-body">')
    body = html[start : html.index("</div>", start)]
    for fragment in expected:
        assert fragment in body
    for fragment in forbidden:
        assert fragment not in body


def test_author_edits_and_deletes_own_comment_and_replies_keep_their_place(client, member, other_member, news_page):
    comment = services.add_comment(news_page, member, "Premier jet")
    reply = services.add_comment(news_page, other_member, "Je réponds", parent=comment)
    client.force_login(member)
    response = client.get(reverse("discussions:edit", args=[comment.pk]))
    assert "Premier jet" in response.content.decode()
    response = client.post(reverse("discussions:edit", args=[comment.pk]), {"comment": "Version corrigée"})
    assert response["Location"].endswith(f"#c{comment.pk}")
    assert Comment.objects.get(pk=comment.pk).comment == "Version corrigée"
    assert "modifié le" in thread_html(news_page, other_member)

    client.post(reverse("discussions:delete", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_removed and comment.comment == ""
    html = thread_html(news_page, other_member)
    assert "Commentaire supprimé" in html or "Comment deleted" in html
    assert "Version corrigée" not in html
    assert "Je réponds" in html
    reply.refresh_from_db()
    assert reply.is_public
    thread = services.comments_for(news_page, other_member)
    assert thread.roots[0].pk == comment.pk and thread.roots[0].replies[0].pk == reply.pk


def test_others_cannot_edit_or_delete_a_comment(client, member, other_member, news_page):
    comment = services.add_comment(news_page, member, "À moi")
    client.force_login(other_member)
    assert client.get(reverse("discussions:edit", args=[comment.pk])).status_code == 403
    assert client.post(reverse("discussions:edit", args=[comment.pk]), {"comment": "Piraté"}).status_code == 403
    assert client.post(reverse("discussions:delete", args=[comment.pk])).status_code == 403
    comment.refresh_from_db()
    assert comment.comment == "À moi" and not comment.is_removed
    assert reverse("discussions:edit", args=[comment.pk]) not in thread_html(news_page, other_member)


def test_moderator_removes_and_restores(client, member, communication_user, other_member, news_page):
    comment = services.add_comment(news_page, member, "Propos déplacés")
    client.force_login(other_member)
    assert client.post(reverse("discussions:remove", args=[comment.pk])).status_code == 403
    client.force_login(communication_user)
    client.post(reverse("discussions:remove", args=[comment.pk]))
    comment.refresh_from_db()
    assert comment.is_removed
    assert "Propos déplacés" not in thread_html(news_page, other_member)
    assert "Propos déplacés" in thread_html(news_page, communication_user)  # moderators still read it
    client.post(reverse("discussions:restore", args=[comment.pk]))
    comment.refresh_from_db()
    assert not comment.is_removed
    assert "Propos déplacés" in thread_html(news_page, other_member)


def test_author_deleted_comment_cannot_be_restored(member, communication_user, news_page):
    comment = services.add_comment(news_page, member, "Regret")
    services.delete_own_comment(member, comment)
    with pytest.raises(PermissionError):
        services.restore_comment(communication_user, comment)


def test_flagging_appears_in_the_admin_review_list(client, member, other_member, communication_user, news_page):
    flagged = services.add_comment(news_page, member, "Publicité douteuse")
    services.add_comment(news_page, member, "Commentaire sans problème")
    client.force_login(other_member)
    form_page = client.get(reverse("discussions:report", args=[flagged.pk])).content.decode()
    assert form_page.count('type="radio"') == len(CommentReport.Reason.choices)
    response = client.post(reverse("discussions:report", args=[flagged.pk]), {"reason": "spam", "details": "Lien"})
    assert response.status_code == 302
    report = CommentReport.objects.get()
    assert (report.reporter, report.reason) == (other_member, "spam")
    refused = client.post(reverse("discussions:report", args=[flagged.pk]), {"reason": "nope", "details": "Gardé"})
    assert refused.status_code == 200 and "Gardé" in refused.content.decode()
    assert 'aria-describedby="report-reason-errors"' in refused.content.decode()
    assert CommentReport.objects.count() == 1

    list_url = "/admin/discussions/comment/"
    assert client.get(list_url).status_code == 302  # members have no admin access
    client.force_login(communication_user)
    response = client.get(list_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Publicité douteuse" in html
    assert "Commentaire sans problème" not in html
    assert "Publicité douteuse" in client.get(list_url, {"status": "open"}).content.decode()
    assert "Publicité douteuse" not in client.get(list_url, {"status": "removed"}).content.decode()


def test_reactions_toggle_count_and_are_unique(client, member, other_member, news_page):
    comment = services.add_comment(news_page, member, "Bonne nouvelle")
    client.force_login(other_member)
    url = reverse("discussions:react-comment", args=[comment.pk])
    response = client.post(url, {"next": f"{news_page.url}#c{comment.pk}"})
    assert response.status_code == 302 and response["Location"] == f"{news_page.url}#c{comment.pk}"
    assert services.reactions_on_comment(comment, other_member) == (1, True)
    response = client.post(url, headers={"Accept": "application/json"})
    assert response.json() == {"reacted": False, "count": 0}
    client.post(reverse("discussions:react-page", args=[news_page.pk]))
    client.force_login(member)
    client.post(reverse("discussions:react-page", args=[news_page.pk]))
    assert services.reactions_on_page(news_page, member) == (2, True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reaction.objects.create(user=member, page=news_page)
    services.react(member, page=news_page)  # a double click changes nothing
    assert Reaction.objects.filter(page=news_page).count() == 2
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == f"{news_page.url}#c{comment.pk}"


def test_anonymous_cannot_react(client, member, news_page):
    response = client.post(reverse("discussions:react-page", args=[news_page.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not Reaction.objects.exists()


@pytest.fixture
def restricted_page(news_page):
    insiders = Group.objects.create(name="Groupe privé")
    restriction = PageViewRestriction.objects.create(page=news_page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(insiders)
    return news_page


def test_comments_of_a_restricted_page_are_neither_readable_nor_postable_by_outsiders(
    client, make_user, restricted_page
):
    insider = make_user("insider", groups=["Groupe privé"])
    outsider = make_user("outsider")
    secret = services.add_comment(restricted_page, insider, "Secret de groupe")
    assert list(services.visible_comments(insider)) == [secret]
    assert not services.visible_comments(outsider).exists()
    assert "Secret de groupe" not in thread_html(restricted_page, outsider)

    client.force_login(outsider)
    assert post(client, restricted_page, "Intrusion").status_code == 404
    assert post(client, restricted_page, "Intrusion", reply_to=secret).status_code == 404
    assert client.get(reverse("discussions:go-to", args=[secret.pk])).status_code == 404
    assert client.get(reverse("discussions:report", args=[secret.pk])).status_code == 404
    assert client.post(reverse("discussions:react-comment", args=[secret.pk])).status_code == 404
    assert client.post(reverse("discussions:react-page", args=[restricted_page.pk])).status_code == 404
    assert Comment.objects.count() == 1 and not Reaction.objects.exists()
    with pytest.raises(PermissionError):
        services.add_comment(restricted_page, outsider, "Par le service")


def test_django_comments_xtd_own_urls_are_not_routed(client, member, news_page):
    from django.urls import NoReverseMatch

    for name in ["comments-post-comment", "comments-xtd-api-list", "comments-xtd-reply", "comments-flag"]:
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[1] if name != "comments-post-comment" else [])
    assert client.get("/comments/api/").status_code == 404


def build_thread(page, size, authors, reactor):
    previous = None
    for index in range(size):
        parent = previous if index % 3 == 1 else None
        previous = services.add_comment(page, authors[index % len(authors)], f"Commentaire {index}", parent=parent)
        if index % 2:
            services.react(reactor, comment=previous)


def test_thread_query_count_is_flat_from_10_to_100_comments(make_user, member, news_page, home_page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    authors = [make_user(f"author{i}") for i in range(5)]
    second_page = news_page.get_parent().add_child(instance=NewsPage(title="Autre", slug="autre"))
    build_thread(news_page, 10, authors, member)
    build_thread(second_page, 100, authors, member)
    thread_html(news_page, member)  # warm the per-process caches (content types, site root)
    counts = []
    for page, size in [(news_page, 10), (second_page, 100)]:
        with CaptureQueriesContext(connection) as queries:
            html = thread_html(page, member)
        assert html.count('data-testid="comment"') == size
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6, counts


def test_deleting_a_page_deletes_its_comments_and_reactions(member, other_member, news_page):
    comment = services.add_comment(news_page, member, "Sur une page bientôt supprimée")
    services.add_comment(news_page, other_member, "Réponse", parent=comment)
    services.react(other_member, comment=comment)
    services.react(member, page=news_page)
    other_page = news_page.get_parent().add_child(instance=NewsPage(title="Reste", slug="reste"))
    kept = services.add_comment(other_page, member, "Reste là")
    news_page.delete()
    assert list(Comment.objects.all()) == [kept]
    assert not Reaction.objects.exists()


def test_listing_annotations_count_comments_and_reactions_in_one_query(
    member, other_member, news_page, django_assert_num_queries
):
    quiet = news_page.get_parent().add_child(instance=NewsPage(title="Calme", slug="calme"))
    shown = services.add_comment(news_page, member, "Compté")
    removed = services.add_comment(news_page, other_member, "Retiré", parent=shown)
    Comment.objects.filter(pk=removed.pk).update(is_removed=True)
    services.react(other_member, page=news_page)
    services.react(member, page=news_page)
    pages = NewsPage.objects.filter(pk__in=[news_page.pk, quiet.pk]).order_by("title")
    with django_assert_num_queries(1):
        rows = list(services.annotate_comment_counts(services.annotate_reactions(pages, member)))
    assert [(p.title, p.comment_count, p.reaction_count, p.viewer_reacted) for p in rows] == [
        ("Calme", 0, 0, False),
        ("Nouveau séquenceur", 1, 2, True),
    ]
