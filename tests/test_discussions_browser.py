"""Discussions in a real browser: comment, reply, and "J'aime" updating in place with JavaScript."""

import pytest
from playwright.sync_api import expect

from discussions.models import Comment, Reaction
from news.models import NewsIndexPage, NewsPage


@pytest.fixture
def news_page(transactional_db, home_page):
    index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    return index.add_child(instance=NewsPage(title="Nouveau séquenceur", slug="nouveau-sequenceur"))


def sign_in(page, base_url, next_path, username):
    page.goto(base_url + next_path)
    page.get_by_test_id("sign-in-to-comment").get_by_role("link").click()
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("password")
    page.locator("main form button[type=submit]").click()


@pytest.mark.browser
def test_member_comments_replies_and_likes_without_reload(live_server, browser_page, news_page, make_user):
    make_user("lea", first_name="Léa", last_name="Durand")
    page = browser_page
    sign_in(page, live_server.url, news_page.url, "lea")

    page.get_by_label("Votre commentaire").fill("Bravo pour **l'installation** !")
    page.get_by_role("button", name="Publier le commentaire").click()
    comment = Comment.objects.get()
    expect(page).to_have_url(f"{live_server.url}{news_page.url}#c{comment.pk}")
    thread = page.get_by_test_id("comments")
    expect(thread.locator("strong", has_text="l'installation")).to_be_visible()

    page.get_by_text("Répondre", exact=True).click()
    page.get_by_label("Votre réponse").fill("Je réponds dans le fil")
    page.get_by_role("button", name="Envoyer la réponse").click()
    reply = Comment.objects.get(level=1)
    expect(page.locator(f"#c{comment.pk} #c{reply.pk}")).to_contain_text("Je réponds dans le fil")

    page.evaluate("window.notReloaded = true")
    like = page.locator(f"#c{comment.pk} > article").get_by_test_id("reaction-button")
    expect(like).to_have_attribute("aria-pressed", "false")
    like.click()
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like.locator("[data-reaction-count]")).to_have_text("1")
    assert page.evaluate("window.notReloaded") is True
    assert Reaction.objects.filter(comment=comment).count() == 1
