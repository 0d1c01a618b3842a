"""The portal's foundation: accounts, languages, roles, schedules, settings."""

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from home.models import StandardPage
from portal.demo_files import make_pdf

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def standard_page(home_page):
    page = home_page.add_child(instance=StandardPage(title="Accessibilité", slug="accessibilite", intro="Déclaration."))
    page.save_revision().publish()
    return page


def test_home_page_is_served_in_french_by_default(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html
    assert 'href="#main"' in html and 'id="main"' in html


def test_language_switcher_turns_the_interface_to_english(client, home_page):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html and "Aller au contenu" not in html


def test_unknown_url_gets_the_portal_404_page(client, home_page):
    response = client.get("/nexiste-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_health_endpoint_answers(client, db):
    assert client.get("/sante/").json() == {"status": "ok"}


def test_login_page_is_the_portal_own_and_accepts_email(client, member, home_page):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Se connecter" in page.content.decode() and "wagtail" not in page.templates[0].name
    response = client.post(reverse("login"), {"username": member.email, "password": "password"})
    assert response.status_code == 302
    assert client.get("/").context["user"] == member


def test_login_error_is_in_french_and_keeps_the_username(client, member, home_page):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Veuillez saisir un identifiant ou une adresse électronique et un mot de passe valides" in html
    assert 'value="member"' in html
    assert 'aria-invalid="true"' not in html or "aria-describedby" in html


def test_repeated_failed_logins_are_throttled(client, member, home_page, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "member", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "member", "password": "password"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_requires_post_and_signs_out(client, member, home_page):
    client.force_login(member)
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_french_email_with_a_working_link(client, member, home_page):
    response = client.post(reverse("password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Réinitialisez votre mot de passe" in message.subject
    link = next(line for line in message.body.splitlines() if "/compte/mot-de-passe/nouveau/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Un-nouveau-secret-2026", "new_password2": "Un-nouveau-secret-2026"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Un-nouveau-secret-2026")


def test_tampered_password_reset_link_says_so(client, member, home_page):
    response = client.get("/compte/mot-de-passe/nouveau/MQ/invalid-token/", follow=True)
    assert response.status_code == 200
    assert "Ce lien n’est pas valide" in response.content.decode() or "invalide" in response.content.decode()


def test_password_change_requires_login(client, home_page):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_editorial_roles_communication_publishes_contributors_submit(home_page, make_user):
    comms = make_user("comms", groups=["Communication"])
    contributor = make_user("contrib", groups=["Contributeurs"])
    page = home_page.add_child(instance=StandardPage(title="Mentions légales", slug="mentions-legales"))
    assert page.permissions_for_user(comms).can_publish()
    assert page.permissions_for_user(contributor).can_edit()
    assert not page.permissions_for_user(contributor).can_publish()
    workflow = page.get_workflow()
    assert workflow is not None and workflow.name == "Relecture par la communication"
    task = workflow.tasks.get().specific
    assert list(task.groups.all()) == [Group.objects.get(name="Communication")]


def test_editorial_roles_give_admin_access(client, home_page, make_user):
    client.force_login(make_user("contrib", groups=["Contributeurs"]))
    assert client.get("/admin/").status_code == 200


def test_scheduled_publishing_runs_from_the_django_q_schedule(home_page):
    from django_q.models import Schedule

    from portal.tasks import publish_scheduled

    schedule = Schedule.objects.get(name="wagtail-publish-scheduled")
    assert schedule.func == "portal.tasks.publish_scheduled" and schedule.minutes == 1
    page = home_page.add_child(instance=StandardPage(title="Annonce programmée", slug="annonce", live=False))
    revision = page.save_revision()
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save()
    page.go_live_at = revision.approved_go_live_at
    page.has_unpublished_changes = True
    page.save()
    assert not Page.objects.get(pk=page.pk).live
    publish_scheduled()
    assert Page.objects.get(pk=page.pk).live


def test_french_titles_make_ascii_slugs(client, home_page, make_user):
    page = home_page.add_child(instance=StandardPage(title="Réunion d'équipe à Besançon"))
    assert page.slug == "reunion-dequipe-a-besancon"
    assert page.url == "/reunion-dequipe-a-besancon/"
    # The admin's slug field (filled from the title as the editor types) transliterates too.
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    html = client.get(reverse("wagtailadmin_pages:add", args=["home", "standardpage", home_page.pk])).content.decode()
    assert "w-slug#urlify" in html and "data-w-slug-allow-unicode-value" not in html


def test_standard_page_renders_with_breadcrumbs(client, standard_page):
    html = client.get(standard_page.url).content.decode()
    assert "<h1>Accessibilité</h1>" in html
    assert 'aria-label="Fil d’Ariane"' in html


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_demo_pdfs_are_real_pdfs_with_extractable_french_text(tmp_path):
    paragraphs = ["Compte rendu : le séquençage et la cytométrie évoluent (budget 2026)."] * 80
    path = tmp_path / "cr.pdf"
    path.write_bytes(make_pdf("Conseil scientifique", paragraphs))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           3" in info or "Pages:" in info and int(info.split("Pages:")[1].split()[0]) > 1
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Conseil scientifique" in text
    assert "le séquençage et la cytométrie évoluent (budget 2026)" in text


def test_production_settings_pass_the_deploy_checklist():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-with-entropy-" + "y" * 20,
        "ALLOWED_HOSTS": "portail.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.pop("PYTHONPATH", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests of this session
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def visible_titles(user):
    from portal.pages import PortalPageQuerySet

    return set(PortalPageQuerySet(Page).filter(depth=3).visible_to(user).values_list("title", flat=True))


def test_visibility_rule_follows_view_restriction_changes(home_page, make_user):
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import PageViewRestriction

    insider = make_user("insider", groups=["Conseil"])
    outsider = make_user("outsider")
    page = home_page.add_child(instance=StandardPage(title="Comptes rendus", slug="cr"))
    home_page.add_child(instance=StandardPage(title="Accessibilité", slug="accessibilite"))
    assert visible_titles(AnonymousUser()) == {"Comptes rendus", "Accessibilité"}

    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name="Conseil"))
    assert visible_titles(AnonymousUser()) == {"Accessibilité"}
    assert visible_titles(outsider) == {"Accessibilité"}
    assert visible_titles(insider) == {"Comptes rendus", "Accessibilité"}

    restriction.restriction_type = PageViewRestriction.LOGIN
    restriction.save()
    assert visible_titles(get_user_model_fresh(outsider)) == {"Comptes rendus", "Accessibilité"}
    assert visible_titles(AnonymousUser()) == {"Accessibilité"}

    restriction.delete()
    assert visible_titles(AnonymousUser()) == {"Comptes rendus", "Accessibilité"}


def get_user_model_fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_visibility_rule_costs_no_query_per_restriction_once_cached(home_page, make_user, django_assert_num_queries):
    from wagtail.models import PageViewRestriction

    member = make_user("m")
    for number in range(5):
        page = home_page.add_child(instance=StandardPage(title=f"Privé {number}", slug=f"prive-{number}"))
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")
    visible_titles(member)
    member = get_user_model_fresh(member)
    with django_assert_num_queries(2):  # the user's groups, then the listing itself
        assert visible_titles(member) == set()


def test_refused_access_gets_the_portal_403_page_in_french(rf, db):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/groupes/conseil/documents/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in html and "Se connecter" in html


def test_members_find_their_profile_from_the_header(client, member, home_page):
    client.force_login(member)
    html = client.get("/").content.decode()
    assert 'href="/annuaire/mon-profil/"' in html and "Mon profil" in html


def test_the_wagtail_user_bar_is_for_editors_only(client, home_page, make_user):
    client.force_login(make_user("reader"))
    assert "wagtail-userbar" not in client.get("/").content.decode()
    client.force_login(make_user("editor", groups=["Contributeurs"]))
    assert "wagtail-userbar" in client.get("/").content.decode()


def menu_titles(client) -> list[str]:
    import re

    html = client.get("/").content.decode()
    nav = html[html.index('class="main-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'<a href="[^"]*"[^>]*>([^<]+)</a>', nav)


def test_the_main_menu_follows_pages_published_unpublished_moved_and_restricted(client, home_page, make_user):
    """The menu is cached per audience; any page change or restriction shows at once."""
    from wagtail.models import PageViewRestriction

    about = home_page.add_child(instance=StandardPage(title="Le réseau", slug="le-reseau", show_in_menus=True))
    about.save_revision().publish()
    assert "Le réseau" in menu_titles(client)

    about.title = "Notre réseau"
    about.save_revision().publish()
    assert "Notre réseau" in menu_titles(client) and "Le réseau" not in menu_titles(client)

    members_only = home_page.add_child(instance=StandardPage(title="Espace membres", slug="espace", show_in_menus=True))
    members_only.save_revision().publish()
    restriction = PageViewRestriction.objects.create(page=members_only, restriction_type=PageViewRestriction.LOGIN)
    assert "Espace membres" not in menu_titles(client)
    client.force_login(make_user("reader"))
    assert "Espace membres" in menu_titles(client)
    restriction.delete()
    client.logout()
    assert "Espace membres" in menu_titles(client)

    about.unpublish()
    assert "Notre réseau" not in menu_titles(client)
    about.save_revision().publish()
    about.move(members_only, pos="last-child")
    assert "Notre réseau" not in menu_titles(client)
