"""A member's journey in real Chromium: the bell, the centre, an item to its content, following, settings."""

import pytest
from playwright.sync_api import expect

from groups import services as group_services
from notifications.models import NotificationPreference, ThreadSubscription

pytest_plugins = ["tests.test_groups_fixtures"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_member_reads_notifications_follows_a_thread_and_changes_settings(
    live_server, browser_page, make_group, make_user, add_member
):
    group = make_group("Cytométrie")
    author = make_user("autrice")
    reader = make_user("lecteur", first_name="Léon")
    add_member(author, group)
    add_member(reader, group)
    # The live server's tests commit for real, so publishing queues (synchronously here) as in production.
    for title in ("Nouveau cytomètre", "Formation de mars"):
        group_services.publish_post(group=group, author=author, title=title, body="<p>Détails à venir.</p>")

    page = browser_page
    page.goto(f"{live_server.url}/compte/connexion/?next=/")
    page.locator("#id_username").fill("lecteur")
    page.locator("#id_password").fill("password")
    page.locator("main form button[type=submit]").click()

    bell = page.get_by_test_id("notification-bell")
    expect(bell).to_contain_text("2 non lues")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.get_by_test_id("notifications").locator("li")
    expect(items).to_have_count(2)

    page.get_by_role("link", name="Formation de mars").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formation de mars")
    expect(page.get_by_test_id("notification-bell")).to_contain_text("1 non lue")
    page.get_by_role("button", name="Suivre cette discussion").click()
    expect(page.get_by_text("Vous suivez cette discussion")).to_be_visible()
    expect(page.get_by_role("button", name="Ne plus suivre cette discussion")).to_be_visible()
    assert ThreadSubscription.objects.get(user=reader).following

    page.get_by_test_id("notification-bell").click()
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_text("Aucune notification non lue.")).to_be_visible()
    expect(page.get_by_test_id("notification-bell")).not_to_contain_text("non lue")

    page.get_by_role("link", name="Mes notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes notifications")
    page.get_by_test_id("notification-settings").get_by_label("résumé hebdomadaire").first.check()
    page.get_by_role("group", name="Ce qui me parvient de mes groupes").get_by_label("Nouveaux documents").uncheck()
    page.get_by_role("button", name="Enregistrer mes réglages").click()
    expect(page.get_by_text("Vos réglages de notifications sont enregistrés.")).to_be_visible()
    expect(page.get_by_test_id("notification-settings").get_by_label("résumé hebdomadaire").first).to_be_checked()
    preference = NotificationPreference.objects.get(user=reader)
    assert (preference.frequency, preference.documents) == ("weekly", False)
