"""Groups in a real browser: join an open group, post with an attachment; a secret group stays out of reach."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect
from wagtail.documents import get_document_model

from groups.models import Membership
from tests.test_groups_fixtures import PDF_BYTES

pytest_plugins = ["tests.test_groups_fixtures"]


@pytest.fixture
def network(wagtail_tree, make_group, make_user):
    open_group = make_group("Bonnes pratiques en cytométrie", slug="bonnes-pratiques-cytometrie")
    secret_group = make_group("Conseil scientifique", slug="conseil-scientifique", visibility="secret")
    insider = make_user("insider")
    Membership.objects.create(user=insider, group=secret_group, role="manager")
    minutes = get_document_model()(title="Compte rendu confidentiel", collection=secret_group.collection)
    minutes.file.save("compte-rendu-confidentiel.pdf", ContentFile(PDF_BYTES), save=False)
    minutes.save()
    return open_group, secret_group, minutes, make_user("lea", first_name="Léa", last_name="Durand")


def sign_in(page, base_url, next_path, username):
    page.goto(base_url + next_path)
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("password")
    page.locator("main form button[type=submit]").click()


@pytest.mark.browser
def test_member_joins_posts_with_attachment_a_second_member_replies_and_a_secret_group_stays_out_of_reach(
    live_server, browser_page, network, make_user, tmp_path
):
    open_group, secret_group, minutes, _lea = network
    page = browser_page
    sign_in(page, live_server.url, open_group.url, "lea")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonnes pratiques en cytométrie")

    page.get_by_test_id("join-button").click()
    expect(page.get_by_role("status")).to_contain_text("Bienvenue dans le groupe")
    page.get_by_test_id("publish-link").click()

    attachment = tmp_path / "protocole-calibration.pdf"
    attachment.write_bytes(PDF_BYTES)
    page.get_by_label("Titre").fill("Protocole de calibration")
    page.get_by_label("Type").select_option("article")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.get_by_label("Texte").fill(
        "Voici notre **protocole**.\n\n- étalonnage\n- contrôle\n\nÀ relire <script>alert('x')</script>avant lundi."
    )
    page.get_by_label("Étiquettes").fill("cytométrie, qualité")
    page.get_by_label("Pièces jointes").set_input_files(str(attachment))
    page.get_by_role("button", name="Publier").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Protocole de calibration")
    body = page.get_by_test_id("post-body")
    expect(body.locator("strong")).to_have_text("protocole")
    expect(body.get_by_role("listitem")).to_have_text(["étalonnage", "contrôle"])
    # Typed HTML is shown as text, never run.
    expect(body).to_contain_text("À relire <script>alert('x')</script>avant lundi.")
    assert dialogs == [] and body.locator("script").count() == 0
    expect(page.get_by_test_id("attachments").get_by_role("link")).to_have_text("protocole-calibration")
    # PDFs open inline: fetch the link with the page's session rather than waiting for a download.
    href = page.get_by_test_id("attachments").get_by_role("link").get_attribute("href")
    served = page.request.get(live_server.url + href)
    assert served.status == 200 and served.body() == PDF_BYTES

    post_path = page.url.removeprefix(live_server.url)

    # A second member of the group replies in the thread (another browser session).
    second = page.context.browser.new_context(locale="fr-FR").new_page()
    Membership.objects.create(user=make_user("marc", first_name="Marc", last_name="Petit"), group=open_group)
    sign_in(second, live_server.url, post_path, "marc")
    second.get_by_label("Votre commentaire").fill("Merci, **très utile** pour la calibration !")
    second.get_by_role("button", name="Publier le commentaire").click()
    expect(second.get_by_test_id("comments")).to_contain_text("très utile")
    second.context.close()
    page.reload()
    expect(page.get_by_test_id("comment").filter(has_text="Marc Petit")).to_contain_text("très utile")

    page.goto(live_server.url + open_group.get_parent().url)
    expect(page.get_by_test_id("group-card").filter(has_text="Bonnes pratiques en cytométrie")).to_have_count(1)
    expect(page.get_by_test_id("group-card").filter(has_text="Conseil scientifique")).to_have_count(0)
    expect(page.get_by_test_id("my-groups")).to_contain_text("Bonnes pratiques en cytométrie")

    response = page.goto(live_server.url + secret_group.url)
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("Conseil scientifique")
    response = page.goto(live_server.url + minutes.url)
    assert response.status == 404
