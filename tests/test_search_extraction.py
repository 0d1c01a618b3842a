"""Text extraction from the sample archive, on the real tools (poppler, Tesseract, python-docx…)."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from wagtail.models import Collection

from search.models import Document, DocumentVersion
from search.services import extract_document

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"sample documents absent: {SAMPLES}")


def upload(name: str, title: str | None = None, user=None) -> Document:
    document = Document(title=title or name, uploaded_by_user=user)
    document.file.save(name, ContentFile((SAMPLES / name).read_bytes()), save=False)
    document.save()
    return document


@pytest.fixture
def documents(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    if not Collection.get_first_root_node():  # transactional tests flush Wagtail's data migrations
        Collection.add_root(name="Root")
    return upload


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "phrases", "pages"),
    [
        (
            "conseil-scientifique-2025-03-12.pdf",
            {
                1: ["séquençage à haut débit", "Cytométrie en flux"],
                2: ["spectromètre de masse à haute résolution"],
                3: ["renouvellement du microscope confocal", "comité de pilotage"],
            },
            3,
        ),
        (
            "appel-a-projets-equipements-2026.docx",
            {
                1: [
                    "Orbitrap Exploris",
                    "Microscope à feuille de lumière",
                    "Extension du cluster de calcul",
                    "diffusion restreinte au conseil scientifique",
                ]
            },
            None,
        ),
        ("charte-des-plateformes.odt", {1: ["tarification interne", "accès prioritaire"]}, None),
        ("budget-previsionnel-2026.xlsx", {1: ["Métabolomique", "Bioinformatique", "Animalerie"]}, None),
        ("seminaire-imagerie-du-vivant.pptx", {1: ["Microscopie à feuille de lumière"]}, 2),
        ("notes-reunion.txt", {1: ["cryo-microscopie électronique"]}, None),
    ],
)
def test_text_is_extracted_in_the_background_with_page_numbers(documents, name, phrases, pages):
    document = documents(name)
    # Q_CLUSTER sync (test settings) runs the django-q2 task on commit, as the worker would.
    document.refresh_from_db()
    assert document.extraction_status == Document.ExtractionStatus.EXTRACTED, document.extraction_error
    assert document.page_count == pages
    if name.endswith((".pdf", ".docx", ".odt", ".txt")):  # prose; a budget table has no sentences
        assert document.language == "fr"
    assert len(document.checksum) == 64
    for page_number, expected in phrases.items():
        page_text = " ".join(document.pages[page_number - 1].split())
        for phrase in expected:
            assert phrase in page_text
    if pages == 3:
        assert "microscope confocal" not in document.pages[0]


@pytest.mark.django_db(transaction=True)
def test_scanned_pdf_is_read_by_ocr(documents):
    document = documents("comite-de-direction-scan.pdf")
    document.refresh_from_db()
    assert document.extraction_status == Document.ExtractionStatus.EXTRACTED, document.extraction_error
    text = " ".join(document.extracted_text.split())
    for phrase in ["déménagement de l'animalerie", "bâtiment B", "réunions du comité"]:
        assert phrase.replace("'", "") in text.replace("'", "").replace("’", "")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("hostile-truncated.pdf", "endommagé"),
        ("hostile-encrypted.pdf", "mot de passe"),
        ("hostile-empty.pdf", "vide"),
        ("hostile-elf-named.pdf", "pas un PDF"),
        ("hostile-zipbomb.docx", "limite"),
        ("hostile-million-pages.pdf", "limite"),
    ],
)
def test_hostile_files_fail_cleanly_and_stay_downloadable(documents, client, name, reason):
    document = documents(name)
    document.refresh_from_db()
    assert document.extraction_status == Document.ExtractionStatus.FAILED
    assert reason in document.extraction_error
    assert document.extracted_text is None
    response = client.get(document.url)
    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_unknown_formats_are_marked_unsupported(documents, tmp_path):
    document = Document(title="Photo")
    document.file.save("photo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 100), save=False)
    document.save()
    document.refresh_from_db()
    assert document.extraction_status == Document.ExtractionStatus.UNSUPPORTED
    assert "png" in document.extraction_error


@pytest.mark.django_db(transaction=True)
def test_replacing_the_file_keeps_the_earlier_version(documents, make_user):
    editor = make_user("editor")
    document = documents("notes-reunion.txt", user=editor)
    document.file.save("notes-v2.txt", ContentFile("Nouvelle version : spectrométrie".encode()), save=False)
    document.version_uploader = editor
    document.save()
    document.refresh_from_db()
    versions = list(document.versions.all())
    assert len(versions) == 2
    assert versions[0].file.read().decode() == "Nouvelle version : spectrométrie"
    assert "cryo-microscopie" in versions[1].file.read().decode()
    assert all(version.uploaded_by == editor for version in versions)
    assert "spectrométrie" in document.extracted_text
    # Saving without a new file records nothing new.
    document.title = "Notes"
    document.save()
    assert DocumentVersion.objects.filter(document=document).count() == 2


def test_listings_defer_the_extracted_text(documents):
    document = documents("notes-reunion.txt")
    assert "extracted_text" in Document.objects.get(pk=document.pk).get_deferred_fields()
    assert extract_document(document.pk).extraction_status == Document.ExtractionStatus.EXTRACTED


@pytest.mark.django_db(transaction=True)
def test_extract_documents_command_retries_failed_ones_with_progress(documents, settings):
    from io import StringIO

    from django.core.management import call_command

    good = documents("notes-reunion.txt")
    bad = documents("hostile-truncated.pdf")
    out = StringIO()
    call_command("extract_documents", "--failed", stdout=out)
    assert "1/1" in out.getvalue()
    bad.refresh_from_db()
    assert bad.extraction_status == Document.ExtractionStatus.FAILED
    out = StringIO()
    call_command("extract_documents", "--all", stdout=out)
    assert "2/2" in out.getvalue()
    good.refresh_from_db()
    assert good.extraction_status == Document.ExtractionStatus.EXTRACTED


@pytest.mark.django_db(transaction=True)
def test_demo_archive_is_searchable_when_the_seed_ends(documents):
    from django.contrib.auth.models import AnonymousUser

    from portal.demo import DemoContext
    from search import demo
    from search.query import DocumentSource, Filters

    demo.seed(DemoContext())
    archive = Document.objects.filter(collection__name="Archives du réseau")
    assert archive.count() == demo.ARCHIVE_DOCUMENTS
    assert set(archive.values_list("extraction_status", flat=True)) == {Document.ExtractionStatus.EXTRACTED}
    assert all(document.page_count >= 3 for document in archive)
    assert DocumentSource(AnonymousUser(), Filters()).search("spectromètre").count() > 0


@pytest.mark.django_db(transaction=True)
def test_an_admin_upload_and_replacement_keep_versions_with_their_uploader(documents, client, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    editor = make_user("editor", is_staff=True, is_superuser=True)
    client.force_login(editor)
    root = Collection.get_first_root_node()
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Notes", "file": SimpleUploadedFile("notes.txt", "Première version".encode()), "collection": root.pk},
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Notes")
    response = client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        {
            "title": "Notes",
            "file": SimpleUploadedFile("notes-2.txt", b"Seconde version"),
            "collection": root.pk,
        },
    )
    assert response.status_code == 302
    versions = list(document.versions.all())
    assert [version.uploaded_by for version in versions] == [editor, editor]
    assert versions[1].file.read().decode() == "Première version"
    page = client.get(reverse("search:document_versions", args=[document.pk]))
    assert "notes.txt" in page.content.decode()
    assert client.get(versions[1].get_absolute_url()).status_code == 200
    client.logout()
    private = root.add_child(name="Privée")
    from wagtail.models import CollectionViewRestriction

    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    Document.objects.filter(pk=document.pk).update(collection=private)
    assert client.get(versions[1].get_absolute_url()).status_code == 404
    assert client.get(reverse("search:document_versions", args=[document.pk])).status_code == 404
