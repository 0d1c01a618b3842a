"""Notifications: what reaches whom, emails over real SMTP, digests across DST, unsubscribe links,
idempotent delivery, thread following, group defaults, important announcements and the centre."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groups import services as group_services
from groups.models import Membership
from notifications import services
from notifications.models import (
    Activity,
    Delivery,
    GroupNotificationDefault,
    GroupSubscription,
    ImportantAnnouncement,
    Notification,
    NotificationPreference,
    ThreadSubscription,
)

pytest_plugins = ["tests.test_groups_fixtures", "tests.test_notifications_fixtures"]

pytestmark = pytest.mark.django_db


def prefer(user, **fields):
    NotificationPreference.objects.update_or_create(user=user, defaults=fields)


def post(group, author, title, body="<p>Le protocole révisé est en ligne.</p>", capture=None):
    with capture(execute=True):
        return group_services.publish_post(group=group, author=author, title=title, body=body)[0]


def comment(page, author, text, capture):
    from discussions.services import add_comment

    with capture(execute=True):
        return add_comment(page, author, text)


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


@pytest.fixture
def network(make_group, make_user, add_member):
    """An open group and a members-only one, an author, and readers with different settings."""
    open_group = make_group("Cytométrie")
    council = make_group("Conseil scientifique", visibility="members")
    author = make_user("autrice")
    eager = make_user("eager")
    daily = make_user("daily")
    muted = make_user("muted")
    outsider = make_user("outsider")
    for user in (author, eager, daily, muted):
        add_member(user, open_group)
    add_member(author, council)
    add_member(daily, council)
    prefer(eager, frequency="immediate")
    GroupSubscription.objects.create(user=muted, group=open_group, frequency="never")
    return {
        "open": open_group,
        "council": council,
        "author": author,
        "eager": eager,
        "daily": daily,
        "muted": muted,
        "outsider": outsider,
    }


def test_a_post_reaches_members_by_their_own_settings(network, django_capture_on_commit_callbacks):
    new_post = post(network["open"], network["author"], "Nouveau protocole", capture=django_capture_on_commit_callbacks)

    assert [m.to for m in mail.outbox] == [[network["eager"].email]]
    message = mail.outbox[0]
    assert message.subject == "[Cytométrie] Nouveau protocole"
    html = message.alternatives[0][0]
    assert "Le protocole révisé est en ligne." in message.body and "Le protocole révisé est en ligne." in html
    assert f"http://127.0.0.1:8000{new_post.url}" in message.body
    modes = dict(Notification.objects.values_list("recipient__username", "email_mode"))
    # The muted member still sees it in the centre, without email; the author and the outsider get nothing.
    assert modes == {"eager": "immediate", "daily": "daily", "muted": "never"}

    # Republishing an edit announces nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        new_post.save_revision(user=network["author"]).publish(user=network["author"], skip_permission_checks=True)
    assert len(mail.outbox) == 1 and Activity.objects.count() == 1


def test_kinds_switched_off_do_not_reach(network, django_capture_on_commit_callbacks):
    prefer(network["daily"], posts=False)
    post(network["open"], network["author"], "Sans intérêt", capture=django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=network["daily"]).exists()


def test_digest_end_to_end_over_real_smtp(
    network, smtp_inbox, publish_news, next_morning, django_capture_on_commit_callbacks, settings
):
    """The daily digest travels over SMTP: headers, both parts, links, and only what the reader may see."""
    capture = django_capture_on_commit_callbacks
    daily = network["daily"]
    prefer(daily, news_frequency="daily")
    open_post = post(network["open"], network["author"], "Réunion de printemps", capture=capture)
    council_post = post(network["council"], network["author"], "Budget 2027", capture=capture)
    post(network["council"], network["author"], "Arbitrages confidentiels", capture=capture)
    with capture(execute=True):
        news = publish_news("Assemblée générale")
    # Before the digest, the second council post is moved to a secret group the reader is not in.
    hidden = Activity.objects.get(title="Arbitrages confidentiels")
    from groups.models import GroupPage

    secret_group = GroupPage(title="Bureau", visibility="secret", category=network["open"].category)
    network["open"].get_parent().add_child(instance=secret_group)
    hidden.page.move(secret_group, pos="last-child")
    smtp_inbox.messages.clear()

    reports = services.send_due_digests(now=next_morning)

    assert reports[f"daily:{timezone.localdate(next_morning).isoformat()}"].sent >= 1
    [message] = smtp_inbox.to(daily.email)
    assert message["Subject"].strip() == "Votre résumé quotidien : 3 nouveaux éléments · Réseau des plateformes"
    assert message["From"] == settings.NOTIFICATIONS_FROM_EMAIL
    # Long headers are folded on the wire; a mail client unfolds them (hence strip()).
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    unsubscribe = re.fullmatch(
        r"<(http://127\.0\.0\.1:8000/notifications/desabonnement/[^/]+/)>", message["List-Unsubscribe"].strip()
    )
    assert unsubscribe
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for part in (text, html):
        assert "Réunion de printemps" in part and "Budget 2027" in part and "Assemblée générale" in part
        assert "Arbitrages confidentiels" not in part
        assert "Cytométrie" in part and "Conseil scientifique" in part
    assert "== Conseil scientifique (1 élément) ==" in text and "== Cytométrie (1 élément) ==" in text
    for page in (open_post, council_post, news):
        assert f"http://127.0.0.1:8000{page.url}" in links(text)
        assert f'href="http://127.0.0.1:8000{page.url}"' in html
    assert '<html lang="fr">' in html
    # The header's link is a real one-click unsubscribe: the mail client posts, every email stops.
    response = Client().post(
        unsubscribe.group(1).replace("http://127.0.0.1:8000", ""), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert NotificationPreference.objects.get(user=daily).frequency == "never"
    # The group's own link in the body stops that group only.
    group_link = next(url for url in links(text) if "/desabonnement/" in url and url != unsubscribe.group(1))
    assert services.read_unsubscribe_token(group_link.rstrip("/").rsplit("/", 1)[1]).scope in {"group", "news", "kind"}


def test_digest_in_the_readers_language(network, smtp_inbox, next_morning, django_capture_on_commit_callbacks):
    prefer(network["daily"], language="en")
    post(network["open"], network["author"], "Spring meeting", capture=django_capture_on_commit_callbacks)
    services.send_due_digests(now=next_morning)
    [message] = smtp_inbox.to(network["daily"].email)
    assert message["Subject"].strip() == "Your daily digest: 1 new item · Réseau des plateformes"
    assert '<html lang="en">' in message.get_body(("html",)).get_content()


def test_permission_is_checked_when_the_digest_is_built(
    network, make_user, smtp_inbox, next_morning, django_capture_on_commit_callbacks
):
    """A non-member follows a thread of an open group; the group turns members-only before the digest."""
    capture = django_capture_on_commit_callbacks
    group, author = network["open"], network["author"]
    follower = make_user("follower")
    thread = post(group, author, "Appel à idées", capture=capture)
    comment(thread, follower, "Une idée : mutualiser les réactifs.", capture)
    comment(thread, author, "Bonne idée, on en parle jeudi.", capture)
    assert Notification.objects.filter(recipient=follower, activity__kind="reply").count() == 1

    group.visibility = "members"
    group.save()
    services.send_due_digests(now=next_morning)

    assert smtp_inbox.to(follower.email) == []
    assert not Delivery.objects.filter(recipient=follower).exists()
    # The members still get it (the author's reply in their own thread, as followers they are not):
    assert smtp_inbox.to(network["daily"].email)


def test_nothing_already_received_immediately_is_in_a_digest(
    network, communication_user, publish_news, next_morning, django_capture_on_commit_callbacks
):
    prefer(network["daily"], news_frequency="daily")
    with django_capture_on_commit_callbacks(execute=True):
        news = publish_news("Fermeture estivale")
    services.announce_important(news, communication_user)
    received = [m for m in mail.outbox if network["daily"].email in m.to]
    assert len(received) == 1 and received[0].subject.startswith("[Réseau des plateformes] Important")
    mail.outbox.clear()
    services.send_due_digests(now=next_morning)
    assert [m for m in mail.outbox if network["daily"].email in m.to] == []


@pytest.mark.parametrize(
    ("utc", "due"),
    [
        # Winter (UTC+1): 07:00 in Paris is 06:00 UTC.
        (datetime(2026, 3, 28, 5, 30, tzinfo=UTC), []),
        (datetime(2026, 3, 28, 6, 5, tzinfo=UTC), ["daily:2026-03-28"]),
        # The night of the change (29 March 2026): 07:00 in Paris is now 05:00 UTC.
        (datetime(2026, 3, 29, 4, 55, tzinfo=UTC), []),
        (datetime(2026, 3, 29, 5, 5, tzinfo=UTC), ["daily:2026-03-29"]),
        # Monday after, weekly day 0: both digests.
        (datetime(2026, 3, 30, 5, 15, tzinfo=UTC), ["daily:2026-03-30", "weekly:2026-03-30"]),
        # Back to winter time (25 October 2026): 07:00 is 06:00 UTC again, not 05:00.
        (datetime(2026, 10, 25, 5, 30, tzinfo=UTC), []),
        (datetime(2026, 10, 25, 6, 0, tzinfo=UTC), ["daily:2026-10-25"]),
    ],
)
def test_digests_are_due_at_the_paris_hour_across_daylight_saving(utc, due):
    batches = [digest.batch for digest in services.due_digests(utc)]
    assert [b for b in batches if b.startswith("daily")] == [b for b in due if b.startswith("daily")]
    assert ("weekly:2026-03-30" in batches) == ("weekly:2026-03-30" in due)


def test_weekly_digest_catches_up_later_in_the_week_and_daily_cutoff_follows_the_local_hour(
    network, django_capture_on_commit_callbacks
):
    prefer(network["daily"], frequency="weekly")
    post(network["open"], network["author"], "Semaine chargée", capture=django_capture_on_commit_callbacks)
    # Items notified after the digest hour wait for the next one.
    Notification.objects.update(created_at=datetime(2026, 3, 29, 5, 10, tzinfo=UTC))  # 07:10 in Paris (summer)
    before_hour = services.send_due_digests(now=datetime(2026, 3, 30, 4, 59, tzinfo=UTC))  # Monday 06:59
    assert all(report.sent == 0 for report in before_hour.values())
    # The worker was down on Monday: Wednesday's run still sends the week's digest, once.
    services.send_due_digests(now=datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    services.send_due_digests(now=datetime(2026, 4, 1, 9, 15, tzinfo=UTC))
    assert [m.to for m in mail.outbox if "hebdomadaire" in m.subject] == [[network["daily"].email]]
    assert Delivery.objects.get(recipient=network["daily"]).batch == "weekly:2026-03-30"


def test_delivery_is_idempotent_and_a_killed_runs_claim_is_never_resent(
    network, make_user, add_member, next_morning, django_capture_on_commit_callbacks
):
    other = make_user("other")
    add_member(other, network["open"])
    post(network["open"], network["author"], "Une fois", capture=django_capture_on_commit_callbacks)
    activity = Activity.objects.get()
    # A run killed after claiming "other"'s item, before its email left:
    Delivery.objects.create(
        recipient=other, activity=activity, batch="daily:earlier", claim="00000000-0000-0000-0000-000000000001"
    )
    mail.outbox.clear()

    services.send_due_digests(now=next_morning)
    services.send_due_digests(now=next_morning)
    services.send_due_digests(now=next_morning + timedelta(days=1))

    assert sorted(m.to[0] for m in mail.outbox) == [network["daily"].email]
    assert Delivery.objects.filter(recipient=other).get().status == "claimed"
    assert Delivery.objects.filter(recipient=network["daily"]).get().status == "sent"


def test_invalid_and_refused_addresses_are_logged_and_skipped(
    network, make_user, add_member, smtp_inbox, next_morning, django_capture_on_commit_callbacks, caplog
):
    broken = make_user("broken", email="pas-une-adresse")
    refused = make_user("refused")
    for user in (broken, refused):
        add_member(user, network["open"])
    smtp_inbox.refused.add(refused.email)
    post(network["open"], network["author"], "Pour tous", capture=django_capture_on_commit_callbacks)
    smtp_inbox.messages.clear()  # the immediate email of the eager reader

    report = next(iter(services.send_due_digests(now=next_morning).values()))

    assert report.failed == 2 and report.sent == 1
    assert [m["X-Envelope-To"] for m in smtp_inbox.messages] == [network["daily"].email]
    assert "invalid address" in caplog.text and "refused" in caplog.text
    assert set(Delivery.objects.filter(status="failed").values_list("recipient__username", flat=True)) == {
        "broken",
        "refused",
    }


def test_unsubscribe_links_valid_tampered_and_expired(client, network, settings):
    daily, group = network["daily"], network["open"]
    token = services.unsubscribe_token(daily, "group", group.pk)
    url = reverse("notifications:unsubscribe", args=[token])

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Cytométrie" in confirm.content.decode()
    assert not GroupSubscription.objects.filter(user=daily, group=group).exists()  # GET changes nothing

    tampered = client.post(reverse("notifications:unsubscribe", args=[token[:-2] + "xy"]))
    assert tampered.status_code == 400 and "invalide" in tampered.content.decode()
    forged = services.unsubscribe_token(network["eager"], "group", group.pk).split(":")
    mixed = ":".join([token.split(":")[0], *forged[1:]])
    assert client.post(reverse("notifications:unsubscribe", args=[mixed])).status_code == 400
    assert not GroupSubscription.objects.filter(group=group, frequency="never").exclude(user=network["muted"]).exists()

    done = client.post(url)
    assert done.status_code == 200 and "Cytométrie" in done.content.decode()
    assert GroupSubscription.objects.get(user=daily, group=group).frequency == "never"

    kind_url = reverse("notifications:unsubscribe", args=[services.unsubscribe_token(daily, "kind", "document")])
    settings.NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = -1
    expired = client.post(kind_url)
    assert expired.status_code == 400 and "expiré" in expired.content.decode()
    assert NotificationPreference.objects.filter(user=daily, documents=False).exists() is False


def test_following_and_unfollowing_a_thread(client, network, make_user, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    thread = post(network["open"], network["author"], "Question ouverte", capture=capture)
    reader = network["daily"]
    client.force_login(reader)
    response = client.post(reverse("notifications:follow-thread", args=[thread.pk]), {"follow": "1"})
    assert response.status_code == 302
    comment(thread, network["eager"], "Première réponse", capture)
    assert Notification.objects.filter(recipient=reader, activity__kind="reply").count() == 1
    # The author follows their own thread; the commenter now does too, and is not told of their own comment.
    assert set(ThreadSubscription.objects.filter(following=True).values_list("user__username", flat=True)) == {
        "autrice",
        "daily",
        "eager",
    }
    assert not Notification.objects.filter(recipient=network["eager"], activity__kind="reply").exists()

    client.post(reverse("notifications:follow-thread", args=[thread.pk]), {"follow": "0"})
    comment(thread, network["author"], "Deuxième réponse", capture)
    assert Notification.objects.filter(recipient=reader, activity__kind="reply").count() == 1
    assert Notification.objects.filter(recipient=network["eager"], activity__kind="reply").count() == 1
    # Muting is kept when commenting again.
    comment(thread, reader, "Je repasse", capture)
    assert not ThreadSubscription.objects.get(user=reader, page=thread).following
    # A page the member cannot see cannot be followed (404, nothing recorded).
    secret = network["council"]
    hidden = post(secret, network["author"], "Interne", capture=capture)
    client.force_login(network["outsider"])
    assert client.post(reverse("notifications:follow-thread", args=[hidden.pk]), {"follow": "1"}).status_code == 404
    assert not ThreadSubscription.objects.filter(user=network["outsider"]).exists()


def test_managers_choose_the_default_of_new_members(
    client, network, make_user, add_member, django_capture_on_commit_callbacks
):
    council, author = network["council"], network["author"]
    Membership.objects.filter(user=author, group=council).update(role="manager")
    url = reverse("notifications:group-default", args=[council.pk])
    client.force_login(network["daily"])
    assert client.post(url, {"frequency": "immediate"}).status_code == 403
    client.force_login(author)
    assert client.post(url, {"frequency": "bogus"}).status_code == 200  # error shown, nothing saved
    assert not GroupNotificationDefault.objects.exists()
    assert client.post(url, {"frequency": "immediate"}).status_code == 302

    newcomer = make_user("newcomer")
    with django_capture_on_commit_callbacks(execute=True):
        add_member(newcomer, council)
    assert GroupSubscription.objects.get(user=newcomer, group=council).frequency == "immediate"
    post(council, author, "Ordre du jour", capture=django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[newcomer.email]]


def test_membership_requests_reach_managers(
    network, make_user, make_group, add_member, django_capture_on_commit_callbacks
):
    group = make_group("Sur demande", join_policy="request")
    manager = make_user("manager")
    add_member(manager, group, role="manager")
    prefer(manager, frequency="immediate")
    applicant = make_user("applicant")
    with django_capture_on_commit_callbacks(execute=True):
        group_services.request_membership(applicant, group)
    [message] = mail.outbox
    assert message.to == [manager.email] and "Applicant Test demande à rejoindre « Sur demande »" in message.subject
    assert "/notifications/desabonnement/" in message.extra_headers["List-Unsubscribe"]


def test_new_documents_in_a_group_reach_its_members(network, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_groups_fixtures import PDF_BYTES

    prefer(network["daily"], frequency="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        group_services.add_document(
            group=network["council"],
            uploader=network["author"],
            upload=SimpleUploadedFile("budget.pdf", PDF_BYTES, content_type="application/pdf"),
            title="Budget prévisionnel",
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([network["daily"].email], "[Conseil scientifique] Budget prévisionnel")
    ]


def test_important_announcement_reaches_everyone_and_is_logged(
    client, network, communication_user, publish_news, django_capture_on_commit_callbacks
):
    prefer(network["daily"], frequency="never", news_frequency="never")
    news = publish_news("Coupure électrique lundi")
    url = reverse("notifications:important")
    client.force_login(network["daily"])
    assert client.get(url).status_code == 403
    client.force_login(communication_user)
    assert client.post(url, {"page": news.pk}).status_code == 200  # confirmation missing: nothing sent
    assert not mail.outbox
    response = client.post(url, {"page": news.pk, "confirm": "on"}, follow=True)
    assert response.status_code == 200
    recipients = {m.to[0] for m in mail.outbox}
    assert network["daily"].email in recipients and network["outsider"].email in recipients
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    log = ImportantAnnouncement.objects.get()
    assert log.sent_by == communication_user and log.recipient_count == len(recipients)
    assert "Coupure électrique lundi" in response.content.decode()


def test_communication_staff_reach_the_announcement_from_the_admin(client, make_user, communication_user, publish_news):
    news = publish_news("Fermeture du bâtiment B")
    form_url = reverse("notifications:important")
    client.force_login(communication_user)
    assert form_url in client.get(reverse("wagtailadmin_home")).content.decode()  # the admin menu
    edit_page = client.get(reverse("wagtailadmin_pages:edit", args=[news.pk])).content.decode()
    assert f'href="{form_url}?page={news.pk}"' in edit_page and "Envoyer en annonce importante" in edit_page
    form = client.get(form_url, {"page": news.pk}).context["form"]
    assert str(form["page"].value()) == str(news.pk)
    assert client.get(form_url, {"page": "99999"}).context["form"]["page"].value() is None

    contributor = make_user("contrib", groups=["Contributeurs"])
    client.force_login(contributor)
    assert form_url not in client.get(reverse("wagtailadmin_home")).content.decode()
    contributor_edit = client.get(reverse("wagtailadmin_pages:edit", args=[news.pk]))
    assert contributor_edit.status_code == 200
    assert "Envoyer en annonce importante" not in contributor_edit.content.decode()


def test_notification_centre_bell_list_and_marking(client, network, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    reader = network["daily"]
    first = post(network["open"], network["author"], "Premier billet", capture=capture)
    post(network["open"], network["author"], "Second billet", capture=capture)
    post(network["council"], network["author"], "Billet du conseil", capture=capture)
    client.force_login(reader)

    page = client.get(reverse("notifications:centre")).content.decode()
    assert "3 non lues" in page and "Premier billet" in page and "Billet du conseil" in page
    # Reader leaves the council: its item is no longer listed.
    group_services.leave(reader, network["council"])
    page = client.get(reverse("notifications:centre")).content.decode()
    assert "Billet du conseil" not in page and "Premier billet" in page

    notification = Notification.objects.get(recipient=reader, activity__page=first)
    opened = client.get(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 302 and opened["Location"] == first.url
    assert "2 non lues" in client.get("/").content.decode()
    client.post(reverse("notifications:mark-all-read"))
    assert not Notification.objects.filter(recipient=reader, read_at__isnull=True).exists()
    assert "Aucune notification non lue." in client.get(reverse("notifications:centre")).content.decode()
    # Someone else's notification cannot be opened or marked.
    foreign = Notification.objects.filter(recipient=network["eager"]).first()
    assert client.get(reverse("notifications:open", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("notifications:mark-read", args=[foreign.pk])).status_code == 404


def test_the_bell_count_is_cached_and_refreshed_on_change(
    client, network, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    reader = network["daily"]
    client.force_login(reader)
    post(network["open"], network["author"], "Un", capture=django_capture_on_commit_callbacks)
    assert "1 non lue" in client.get(reverse("notifications:settings")).content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("notifications:settings"))
    assert not any("COUNT(" in q["sql"] and "notifications_notification" in q["sql"] for q in queries.captured_queries)
    post(network["open"], network["author"], "Deux", capture=django_capture_on_commit_callbacks)
    assert "2 non lues" in client.get(reverse("notifications:settings")).content.decode()


def test_settings_page_saves_and_keeps_bad_input(client, network):
    reader = network["daily"]
    client.force_login(reader)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Mes notifications" in html and "Cytométrie" in html and "Conseil scientifique" in html
    subscriptions = list(GroupSubscription.objects.filter(user=reader).order_by("group__title"))
    data = {
        "frequency": "weekly",
        "news_frequency": "never",
        "language": "en",
        "posts": "on",
        "replies": "on",
        "groups-TOTAL_FORMS": "2",
        "groups-INITIAL_FORMS": "2",
        "groups-MIN_NUM_FORMS": "0",
        "groups-MAX_NUM_FORMS": "1000",
    }
    for index, subscription in enumerate(subscriptions):
        data[f"groups-{index}-id"] = subscription.pk
        data[f"groups-{index}-frequency"] = "immediate" if index == 0 else "inherit"
        data[f"groups-{index}-posts"] = "on"
    bad = client.post(reverse("notifications:settings"), {**data, "frequency": "sometimes"})
    assert bad.status_code == 200
    assert "Sélectionnez un choix valide" in bad.content.decode()
    assert 'value="immediate" checked' not in bad.content.decode()
    assert NotificationPreference.objects.get(user=reader).frequency == "daily"

    assert client.post(reverse("notifications:settings"), data).status_code == 302
    preference = NotificationPreference.objects.get(user=reader)
    assert (preference.frequency, preference.news_frequency, preference.language) == ("weekly", "never", "en")
    assert not preference.documents
    assert GroupSubscription.objects.get(pk=subscriptions[0].pk).frequency == "immediate"
    # A tampered formset id is refused with a message, nothing saved, no 500.
    data["groups-0-id"] = 999999
    assert client.post(reverse("notifications:settings"), data).status_code == 200


def test_digest_queries_do_not_grow_with_items(
    network, make_user, add_member, next_morning, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run_digest(day):
        with CaptureQueriesContext(connection) as queries:
            services.send_due_digests(now=next_morning + timedelta(days=day))
        return len(queries)

    group, author = network["open"], network["author"]
    post(group, author, "Seul", capture=django_capture_on_commit_callbacks)
    few = run_digest(0)
    for number in range(8):
        post(group, author, f"Billet {number}", capture=django_capture_on_commit_callbacks)
    Notification.objects.update(created_at=next_morning)
    many = run_digest(1)
    assert many == few

    # More readers of an audience already served: each one adds only their claim (insert, check, mark sent).
    def digest_with_extra_readers(count, day):
        for number in range(count):
            add_member(make_user(f"extra{day}-{number}"), group)
        post(group, author, f"Jour {day}", capture=django_capture_on_commit_callbacks)
        Notification.objects.update(created_at=next_morning + timedelta(days=day - 1))
        return run_digest(day)

    five_more = digest_with_extra_readers(5, 2)
    ten_more = digest_with_extra_readers(5, 3)
    assert ten_more - five_more == 5 * 3
