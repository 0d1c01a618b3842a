"""The directory in a real browser: sign in, search with accents, filter by site, open a profile, get the vCard."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from people.models import ExpertiseTerm, Platform, Site, Visibility


@pytest.fixture
def directory_people(transactional_db, home_page, make_user):
    lyon = Site.objects.create(name="Université Claude Bernard Lyon 1", slug="lyon", city="Lyon")
    lille = Site.objects.create(name="Université de Lille", slug="lille", city="Lille")
    cyto = Platform.objects.create(name="Cytométrie en flux", acronym="CYTO", slug="cyto", site=lyon)
    seq = Platform.objects.create(name="Séquençage haut débit", acronym="SEQ", slug="seq", site=lille)
    cytometry = ExpertiseTerm.objects.create(name="cytométrie", slug="cytometrie")
    genomics = ExpertiseTerm.objects.create(name="génomique", slug="genomique")
    for username, first, last, site, platform, term, phone_visibility in [
        ("lea", "Léa", "Durand", lyon, cyto, cytometry, Visibility.ONLY_ME),
        ("ines", "Inès", "Lefèvre", lille, cyto, cytometry, Visibility.MEMBERS),
        ("hugo", "Hugo", "Martin", lille, seq, genomics, Visibility.MEMBERS),
    ]:
        user = make_user(username, first_name=first, last_name=last)
        profile = user.profile
        profile.site, profile.job_title, profile.phone = site, "Ingénieure", "+33 4 11 22 33 44"
        profile.phone_visibility = phone_visibility
        profile.save()
        profile.platforms.set([platform])
        profile.expertise.set([term])
    return make_user("victor", first_name="Victor", last_name="Zola")


@pytest.mark.browser
def test_member_finds_cytometry_people_filters_by_site_and_downloads_a_vcard(
    live_server, browser_page, directory_people
):
    page = browser_page
    page.goto(f"{live_server.url}/annuaire/")
    # The directory asks for a sign-in first.
    expect(page).to_have_url(f"{live_server.url}/compte/connexion/?next=/annuaire/")
    page.locator("#id_username").fill("victor")
    page.locator("#id_password").fill("password")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annuaire")

    page.get_by_label("Nom, expertise ou plateforme").fill("cytométrie")
    page.get_by_role("button", name="Rechercher").click()
    cards = page.get_by_test_id("person-card")
    expect(cards).to_have_count(2)
    expect(page.get_by_test_id("result-count")).to_have_text("2 personnes trouvées")
    expect(cards.filter(has_text="Hugo Martin")).to_have_count(0)

    page.get_by_role("checkbox", name="Université Claude Bernard Lyon 1").check()
    page.get_by_role("button", name="Rechercher").click()
    expect(cards).to_have_count(1)
    expect(page.get_by_label("Nom, expertise ou plateforme")).to_have_value("cytométrie")
    expect(page.get_by_role("checkbox", name="Université Claude Bernard Lyon 1")).to_be_checked()

    page.get_by_role("link", name="Léa Durand").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Léa Durand")
    expect(page.get_by_test_id("profile-email")).to_have_text("lea@example.org")
    expect(page.get_by_test_id("profile-phone")).to_have_count(0)

    with page.expect_download() as download_info:
        page.get_by_test_id("vcard-link").click()
    download = download_info.value
    assert download.suggested_filename == "lea-durand.vcf"
    card = Path(download.path()).read_text(encoding="utf-8")
    assert "FN:Léa Durand" in card and "EMAIL;TYPE=INTERNET,WORK:lea@example.org" in card
    assert "TEL" not in card
