"""Demo: an archive of meeting minutes, and the text of every demo document extracted at once.

Extraction runs here synchronously (the demo's own PDFs are trusted) so the archive is
searchable as soon as ``seed_demo`` ends, without waiting for the worker.
"""

from __future__ import annotations

from wagtail.models import Collection

from portal.demo import PLATFORMS, SITES, DemoContext
from portal.demo_files import demo_document
from search.models import Document
from search.services import extract_document

ARCHIVE_DOCUMENTS = 12
TOPICS = [
    "le renouvellement du microscope confocal",
    "la maintenance du séquenceur à haut débit",
    "la tarification interne des prestations",
    "l'accès prioritaire des équipes du réseau",
    "la formation à la cytométrie en flux",
    "le déménagement de l'animalerie",
    "l'extension du cluster de calcul",
    "le spectromètre de masse à haute résolution",
    "les réunions du comité de pilotage",
    "les comptes-rendus des plateformes",
    "la démarche qualité et la certification",
    "le budget prévisionnel des équipements",
]


def minutes(ctx: DemoContext, number: int, pages: int) -> tuple[str, list[str]]:
    rng = ctx.rng
    platform = rng.choice(PLATFORMS)[0]
    site = rng.choice(SITES)[1]
    title = f"Compte rendu n° {number} — {platform} ({site})"
    paragraphs = []
    for _ in range(pages * 9):
        first, second = rng.sample(TOPICS, 2)
        paragraphs.append(
            f"La plateforme {platform} de {site} a examiné {first}. Après discussion, le comité a validé "
            f"{second} et demandé un point d'étape à la prochaine séance. Les membres présents ont approuvé "
            f"le relevé de décisions ; les actions sont suivies dans le tableau de bord du réseau."
        )
    return title, paragraphs


def seed(ctx: DemoContext) -> None:
    root = Collection.get_first_root_node()
    archive = root.get_children().filter(name="Archives du réseau").first() or root.add_child(name="Archives du réseau")
    pages = 20 if ctx.scale > 1 else 3
    uploader = ctx.staff[0] if ctx.staff else None
    for number in ctx.progress(range(1, ARCHIVE_DOCUMENTS * ctx.scale + 1), "archives"):
        title, paragraphs = minutes(ctx, number, pages)
        demo_document(title, paragraphs, collection=archive, uploaded_by=uploader)
    pending = list(
        Document.objects.exclude(extraction_status=Document.ExtractionStatus.EXTRACTED).values_list("pk", flat=True)
    )
    for pk in ctx.progress(pending, "extraction du texte"):
        extract_document(pk, isolated=False)
