"""The admin report on the text extraction of the archive: editors notice a failed file and send it back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_q.brokers import get_broker
from django_q.conf import Conf

from search.models import Document

REPORT = "/admin/reports/document-extraction/"
FAILED = Document.ExtractionStatus.FAILED
EXTRACTED = Document.ExtractionStatus.EXTRACTED
REASON = "Le fichier est protégé par un mot de passe : son texte ne peut pas être lu."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_document(title: str, name: str = "compte-rendu.txt", content: bytes = b"", **state) -> Document:
    """A document as an upload leaves it (pending), then in the state the extraction would have left."""
    document = Document(title=title)
    document.file.save(name, ContentFile(content or f"Compte rendu : {title}.".encode()), save=False)
    document.save()
    if state:
        Document.objects.filter(pk=document.pk).update(**state)
    return document


def failed(title: str, name: str = "conseil.pdf", reason: str = REASON, **state) -> Document:
    return add_document(title, name, extraction_status=FAILED, extraction_error=reason, **state)


def extracted(title: str, name: str = "charte.txt") -> Document:
    return add_document(title, name, extraction_status=EXTRACTED, page_count=3, language="fr")


@pytest.fixture
def editor(make_user):
    """The Communication group changes documents in every collection (Wagtail collection permissions)."""
    return make_user("comms", groups=["Communication"])


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def admin_member(make_user):
    """May enter the admin, but has no permission on documents."""
    user = make_user("reader")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return user


def said(response, text: str) -> bool:
    """Whether one of the admin's messages (rendered with their buttons) carries this text."""
    return any(text in str(message) for message in response.context["messages"])


def test_the_report_lists_a_failed_document_with_its_reason_and_an_extracted_one(editor_client):
    minutes = failed("Conseil scientifique du 12 mars")
    charter = extracted("Charte des plateformes")

    response = editor_client.get(REPORT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Extraction des documents" in html
    assert "Conseil scientifique du 12 mars" in html and "Charte des plateformes" in html
    assert f'href="{reverse("wagtaildocs:edit", args=(minutes.pk,))}"' in html
    assert f'href="{reverse("wagtaildocs:edit", args=(charter.pk,))}"' in html
    assert REASON in html
    # The status is a badge with words, not a colour.
    assert 'data-extraction-status="failed"' in html and "échec" in html
    assert 'data-extraction-status="extracted"' in html and "extrait" in html
    assert "Relancer l’extraction" in html
    # Failures first.
    documents = list(response.context["object_list"])
    assert documents == [minutes, charter]
    # Counts per status above the list.
    counts = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert counts == {"pending": 0, "extracted": 1, "failed": 1, "unsupported": 0}


def test_failures_come_first_then_the_newest(editor_client):
    old_failure = failed("Ancien échec")
    older = extracted("Plus ancien")
    newer = extracted("Plus récent")
    new_failure = failed("Nouvel échec")

    response = editor_client.get(REPORT)

    assert list(response.context["object_list"]) == [new_failure, old_failure, newer, older]


def test_the_report_filters_by_status_and_by_file_type(editor_client):
    failed("Conseil scientifique du 12 mars", "conseil.pdf")
    failed("Budget illisible", "budget.xlsx")
    extracted("Charte des plateformes", "charte.pdf")

    response = editor_client.get(REPORT, {"extraction_status": "failed"})
    titles = [document.title for document in response.context["object_list"]]
    assert sorted(titles) == ["Budget illisible", "Conseil scientifique du 12 mars"]

    response = editor_client.get(REPORT, {"extraction_status": "failed", "file_type": "pdf"})
    assert [document.title for document in response.context["object_list"]] == ["Conseil scientifique du 12 mars"]

    response = editor_client.get(REPORT, {"q": "budget"})
    assert [document.title for document in response.context["object_list"]] == ["Budget illisible"]

    # The results fragment that Wagtail's filters reload.
    response = editor_client.get(REPORT + "results/", {"extraction_status": "extracted"})
    html = response.content.decode()
    assert "Charte des plateformes" in html and "Conseil scientifique" not in html


def test_the_listing_never_loads_the_extracted_text(editor_client):
    add_document("Charte", extraction_status=EXTRACTED, extracted_text="texte " * 1000)
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(REPORT)
    assert response.status_code == 200
    assert not [query["sql"] for query in queries if "extracted_text" in query["sql"]]


def test_queries_per_page_stay_flat_as_documents_grow(editor_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(REPORT)
        assert response.status_code == 200
        rows = response.content.decode().count('formaction="' + REPORT)  # one "Extract again" button per row
        assert rows == Document.objects.count()
        return len(queries)

    for number in range(5):
        failed(f"Échec {number}") if number % 2 else extracted(f"Extrait {number}")
    editor_client.get(REPORT)  # warm the per-process caches (content types, site) before counting
    with_five = count_queries()
    for number in range(5, 30):
        failed(f"Échec {number}") if number % 2 else extracted(f"Extrait {number}")
    with_thirty = count_queries()

    assert Document.objects.count() == 30
    assert with_five == with_thirty


def test_a_member_without_document_permissions_is_refused_and_sees_no_menu_item(
    client, admin_member, editor_client, member
):
    failed("Conseil scientifique du 12 mars")

    client.force_login(admin_member)
    response = client.get(REPORT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert said(response, "Désolé")  # Wagtail's own refusal
    assert "Conseil scientifique" not in response.content.decode()
    assert REPORT not in response.content.decode()  # the admin home renders the menu

    # Nor may they send a document back to the queue.
    response = client.post(REPORT + "failed/extract-again/")
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert Document.objects.get().extraction_status == FAILED

    # An editor has the menu item.
    assert REPORT in editor_client.get(reverse("wagtailadmin_home")).content.decode()

    # A member who may not enter the admin is sent to its login.
    client.force_login(member)
    response = client.get(REPORT)
    assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))


def test_documents_outside_the_editors_collections_are_not_listed(make_user):
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    minutes = root.add_child(name="Comptes rendus")
    private = root.add_child(name="Direction")
    contributor = make_user("contributor")
    group = contributor.groups.create(name="Secrétariat")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    change_document = Permission.objects.get(content_type__app_label="search", codename="change_document")
    GroupCollectionPermission.objects.create(group=group, collection=minutes, permission=change_document)
    visible = failed("Conseil du 12 mars", collection=minutes)
    hidden = failed("Comité de direction", collection=private)
    client = Client()
    client.force_login(contributor)

    response = client.get(REPORT)

    assert list(response.context["object_list"]) == [visible]
    assert client.post(REPORT + f"{hidden.pk}/extract-again/").url == reverse("wagtailadmin_home")
    assert Document.objects.get(pk=hidden.pk).extraction_status == FAILED


def test_extract_again_runs_the_extraction_and_says_so(editor_client):
    # Q_CLUSTER is sync in the test settings: the queued job runs before the redirect.
    minutes = failed("Conseil scientifique du 12 mars", "conseil.txt")

    response = editor_client.post(
        REPORT + f"{minutes.pk}/extract-again/", {"next": REPORT + "?extraction_status=failed"}, follow=True
    )

    assert response.redirect_chain == [(REPORT + "?extraction_status=failed", 302)]
    assert said(response, "Extraction de « Conseil scientifique du 12 mars » mise en file d’attente.")
    minutes.refresh_from_db()
    assert minutes.extraction_status == EXTRACTED
    assert minutes.extraction_error == ""
    assert "Conseil scientifique du 12 mars" in minutes.extracted_text
    # The failure filter no longer lists it.
    assert list(response.context["object_list"]) == []


@pytest.fixture
def queued(monkeypatch):
    """django-q2 with its real ORM broker instead of sync: the job waits in ``django_q_ormq``."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", "default")


def test_extract_again_queues_the_job_and_shows_the_document_pending(editor_client, queued):
    minutes = failed("Conseil scientifique du 12 mars", "conseil.txt")

    response = editor_client.post(REPORT + f"{minutes.pk}/extract-again/", follow=True)

    assert response.redirect_chain == [(REPORT, 302)]
    assert said(response, "Extraction de « Conseil scientifique du 12 mars » mise en file d’attente.")
    assert get_broker().queue_size() == 1
    assert response.context["object_list"][0].extraction_status == Document.ExtractionStatus.PENDING
    assert {row["status"]: row["count"] for row in response.context["status_counts"]}["pending"] == 1


def test_extract_again_for_every_failed_document(editor_client, queued):
    failed("Conseil scientifique du 12 mars")
    failed("Budget illisible", "budget.xlsx")
    charter = extracted("Charte des plateformes")

    response = editor_client.post(REPORT + "failed/extract-again/", follow=True)

    assert said(response, "2 extractions mises en file d’attente.")
    assert get_broker().queue_size() == 2
    assert not Document.objects.filter(extraction_status=FAILED).exists()
    assert Document.objects.get(pk=charter.pk).extraction_status == EXTRACTED


def test_when_the_queue_is_unreachable_the_editor_is_told_and_nothing_is_lost(editor_client, monkeypatch):
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:9/0?socket_connect_timeout=1")  # nothing listens there
    minutes = failed("Conseil scientifique du 12 mars")
    budget = failed("Budget illisible", "budget.xlsx", reason="Le fichier est vide.")

    response = editor_client.post(REPORT + f"{minutes.pk}/extract-again/", follow=True)

    assert response.status_code == 200
    assert said(response, "La file des tâches est injoignable")
    minutes.refresh_from_db()
    assert (minutes.extraction_status, minutes.extraction_error) == (FAILED, REASON)

    response = editor_client.post(REPORT + "failed/extract-again/", follow=True)

    assert response.status_code == 200
    assert said(response, "La file des tâches est injoignable")
    budget.refresh_from_db()
    assert (budget.extraction_status, budget.extraction_error) == (FAILED, "Le fichier est vide.")
    assert Document.objects.filter(extraction_status=FAILED).count() == 2


def test_extract_again_refuses_get_and_requires_the_csrf_token(editor, editor_client):
    minutes = failed("Conseil scientifique du 12 mars")

    assert editor_client.get(REPORT + f"{minutes.pk}/extract-again/").status_code == 405
    assert editor_client.get(REPORT + "failed/extract-again/").status_code == 405

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert strict.post(REPORT + f"{minutes.pk}/extract-again/").status_code == 403
    assert strict.post(REPORT + "failed/extract-again/").status_code == 403
    assert Document.objects.get(pk=minutes.pk).extraction_status == FAILED


def test_the_document_edit_page_shows_the_extraction_state(editor_client):
    minutes = failed("Conseil scientifique du 12 mars")

    response = editor_client.get(reverse("wagtaildocs:edit", args=(minutes.pk,)))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Extraction du texte" in html
    assert 'data-extraction-status="failed"' in html and REASON in html
    assert f'action="{REPORT}{minutes.pk}/extract-again/"' in html
