"""The demo agenda: seminars, network events and meetings over 18 months around now.

Twelve months back and six ahead, so that both the upcoming and the past lists,
and several month calendars, have something to show. Attachments are real PDFs.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import PageViewRestriction

from home.tree import ensure_home_page
from portal.demo import FIRST_NAMES, LAST_NAMES, PLATFORMS, SITES, DemoContext
from portal.demo_files import demo_document

from .models import AttachmentLabel, EventAttachment, EventIndexPage, EventKind, EventPage, EventSpeaker, local_midnight

EVENTS_PER_SCALE = 24
DAYS_BEFORE, DAYS_AFTER = 365, 180

SEMINAR_TOPICS = [
    ("Le séquençage long-read au service de l'assemblage de génomes", "Séquençage haut débit"),
    ("Microscopie à super-résolution : retours d'expérience", "Imagerie photonique"),
    ("Cryo-microscopie électronique et biologie structurale intégrative", "Microscopie électronique"),
    ("Protéomique quantitative sans marquage", "Protéomique"),
    ("Métabolomique ciblée : de la préparation des échantillons à l'annotation", "Métabolomique"),
    ("Pipelines reproductibles avec Nextflow et Snakemake", "Bioinformatique"),
    ("Cytométrie spectrale : concevoir un panel de 30 couleurs", "Cytométrie en flux"),
    ("Bien-être animal et principe des 3R en expérimentation", "Animalerie"),
    ("Organoïdes et cellules souches pluripotentes induites", "Cellules souches"),
    ("Criblage phénotypique à haut contenu", "Criblage haut débit"),
    ("Qualité des échantillons en biobanque", "Biobanque"),
    ("Histologie numérique et analyse d'images par apprentissage profond", "Histopathologie"),
]
NETWORK_EVENTS = [
    "Journées annuelles du réseau",
    "École thématique : imagerie quantitative",
    "Atelier qualité et démarche ISO 9001",
    "Forum des plateformes technologiques",
    "Journée des jeunes ingénieurs",
]
MEETINGS = [
    "Comité de pilotage du réseau",
    "Réunion des responsables de plateformes",
    "Assemblée générale",
    "Groupe de travail données de la recherche",
]
ROOMS = ["Amphithéâtre A", "Salle du conseil", "Salle 101", "Salle de séminaire du bâtiment B", "Amphithéâtre Pasteur"]
# Kinds in a repeating pattern: mostly seminars, an event and a meeting every few items.
KIND_PATTERN = [
    EventKind.SEMINAR,
    EventKind.MEETING,
    EventKind.SEMINAR,
    EventKind.EVENT,
    EventKind.SEMINAR,
    EventKind.MEETING,
]


def seed(ctx: DemoContext) -> None:
    agenda = ensure_agenda(ctx)
    if EventPage.objects.exists():
        ctx.say("  agenda déjà rempli")
        return
    count = EVENTS_PER_SCALE * ctx.scale
    today = timezone.localdate(ctx.now)
    events = []
    slugs: set[str] = set()
    for number in ctx.progress(range(count), "évènements"):
        offset = -DAYS_BEFORE + (DAYS_BEFORE + DAYS_AFTER) * number // count + ctx.rng.randint(0, 6)
        day = working_day(today + datetime.timedelta(days=offset))
        kind = KIND_PATTERN[number % len(KIND_PATTERN)]
        event = {EventKind.SEMINAR: seminar, EventKind.EVENT: network_event, EventKind.MEETING: meeting}[kind](
            ctx, number, day
        )
        # Seminars and meetings recur under similar titles: their date tells them apart.
        slug = slugify(event.title)[:60].rstrip("-")
        event.slug = unique_slug(slug if kind == EventKind.EVENT else f"{slug}-{day:%Y-%m-%d}", slugs)
        agenda.add_child(instance=event)
        add_speakers(ctx, event)
        add_attachments(ctx, event, is_past=day < today)
        event.save_revision(user=ctx.staff[0] if ctx.staff else None).publish()
        if kind == EventKind.MEETING and number % 2:
            PageViewRestriction.objects.create(page=event, restriction_type=PageViewRestriction.LOGIN)
        events.append(event)
    ctx.data["events"] = events


def ensure_agenda(ctx: DemoContext) -> EventIndexPage:
    agenda = EventIndexPage.objects.first()
    if agenda is None:
        agenda = ensure_home_page().add_child(
            instance=EventIndexPage(
                title="Agenda",
                slug="agenda",
                show_in_menus=True,
                intro="<p>Séminaires, évènements et réunions des plateformes du réseau.</p>",
            )
        )
        agenda.save_revision(user=ctx.staff[0] if ctx.staff else None).publish()
    return agenda


def working_day(day: datetime.date) -> datetime.date:
    """Demo events fall on weekdays: Saturday and Sunday move to the next Monday."""
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return local_midnight(day).replace(hour=hour, minute=minute)


def unique_slug(slug: str, taken: set[str]) -> str:
    candidate, suffix = slug, 2
    while candidate in taken:
        candidate, suffix = f"{slug}-{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def seminar(ctx: DemoContext, number: int, day: datetime.date) -> EventPage:
    topic, platform = SEMINAR_TOPICS[number % len(SEMINAR_TOPICS)]
    site, city = ctx.rng.choice(SITES)
    online = number % 4 == 0
    morning = ctx.rng.random() < 0.3
    start = at(day, 10, 30) if morning else at(day, 14)
    return EventPage(
        title=f"Séminaire : {topic}",
        kind=EventKind.SEMINAR,
        start=start,
        end=start + datetime.timedelta(hours=1, minutes=30),
        site=site,
        room=ctx.rng.choice(ROOMS),
        address=f"Campus de {city}",
        online_url=f"https://visio.reseau.example.org/seminaire-{number}" if online else "",
        excerpt=f"La plateforme {platform} présente ses avancées : {topic[0].lower()}{topic[1:]}.",
        body=[
            (
                "paragraph",
                f"<p>Ce séminaire présente les travaux menés sur la plateforme {platform}, les développements "
                "méthodologiques récents et les possibilités d'accès pour les équipes du réseau.</p>"
                "<p>La présentation sera suivie d'un temps d'échange avec les participants.</p>",
            )
        ],
    )


def network_event(ctx: DemoContext, number: int, day: datetime.date) -> EventPage:
    title = NETWORK_EVENTS[number // len(KIND_PATTERN) % len(NETWORK_EVENTS)]
    site, city = ctx.rng.choice(SITES)
    days = ctx.rng.randint(1, 3)
    registration = number % 3 != 0
    return EventPage(
        title=f"{title} {day.year}",
        kind=EventKind.EVENT,
        start=at(day, 9),
        end=at(day + datetime.timedelta(days=days - 1), 17, 30),
        all_day=True,
        site=site,
        room="Amphithéâtre principal",
        address=f"Campus de {city}",
        registration_url=f"https://inscriptions.reseau.example.org/{slugify(title)}" if registration else "",
        capacity=None if registration else ctx.rng.choice([60, 80, 120, 200]),
        excerpt=f"{days} jour{'s' if days > 1 else ''} d'échanges entre les plateformes du réseau à {city}.",
        body=[
            (
                "paragraph",
                "<p>Conférences, ateliers pratiques et visites de plateformes : le programme détaillé est joint "
                "à cette page. Les pauses et le déjeuner sont offerts aux participants inscrits.</p>",
            )
        ],
    )


def meeting(ctx: DemoContext, number: int, day: datetime.date) -> EventPage:
    title = MEETINGS[number // len(KIND_PATTERN) % len(MEETINGS)]
    start = at(day, 10)
    online_only = number % 3 == 0
    place_unknown = number % 5 == 0 and not online_only
    site, _city = ctx.rng.choice(SITES)
    return EventPage(
        title=title,
        kind=EventKind.MEETING,
        start=start,
        end=start + datetime.timedelta(hours=2),
        site="" if online_only or place_unknown else site,
        room="" if online_only or place_unknown else "Salle du conseil",
        online_url=f"https://visio.reseau.example.org/reunion-{number}" if online_only else "",
        excerpt="Ordre du jour : bilan d'activité des plateformes, budget et projets communs.",
    )


def add_speakers(ctx: DemoContext, event: EventPage) -> None:
    if event.kind == EventKind.MEETING:
        return
    for order in range(ctx.rng.randint(1, 3 if event.kind == EventKind.EVENT else 2)):
        platform = ctx.rng.choice(PLATFORMS)[0]
        site = ctx.rng.choice(SITES)[0]
        EventSpeaker.objects.create(
            page=event,
            sort_order=order,
            name=f"{ctx.rng.choice(FIRST_NAMES)} {ctx.rng.choice(LAST_NAMES)}",
            affiliation=f"Plateforme {platform}, {site}",
        )


def add_attachments(ctx: DemoContext, event: EventPage, *, is_past: bool) -> None:
    """A programme before, slides or minutes after: what each kind really leaves behind."""
    when = f"{timezone.localtime(event.start):%d/%m/%Y}"
    documents = []
    if event.kind == EventKind.EVENT:
        documents.append(
            (
                AttachmentLabel.PROGRAMME,
                f"Programme – {event.title}",
                [
                    f"{event.title}, {event.site}, à partir du {when}.",
                    "9 h 00 : accueil des participants et café.",
                    "9 h 30 : ouverture par la direction du réseau et bilan de l'année écoulée.",
                    "11 h 00 : sessions parallèles par thématique de plateforme.",
                    "14 h 00 : ateliers pratiques et visites des installations.",
                    "16 h 30 : table ronde sur la mutualisation des équipements, puis clôture.",
                ],
            )
        )
    if event.kind == EventKind.SEMINAR and is_past:
        documents.append(
            (
                AttachmentLabel.SLIDES,
                f"Diaporama – {event.title}",
                [
                    f"Support de présentation du séminaire du {when}.",
                    "Contexte : les besoins exprimés par les équipes utilisatrices de la plateforme.",
                    "Méthodes : protocoles, contrôles qualité et traitement des données.",
                    "Résultats : exemples de projets accompagnés au cours de l'année.",
                    "Perspectives : nouveaux équipements et formations proposées.",
                ],
            )
        )
    if event.kind == EventKind.MEETING and is_past:
        documents.append(
            (
                AttachmentLabel.MINUTES,
                f"Compte rendu – {event.title} du {when}",
                [
                    f"Compte rendu de la réunion du {when}.",
                    "Présents : les responsables des plateformes et la cellule de coordination.",
                    "Point 1 : le bilan d'activité montre une hausse de l'utilisation des équipements.",
                    "Point 2 : le budget de fonctionnement est reconduit à l'identique.",
                    "Point 3 : un groupe de travail préparera la prochaine campagne d'appel à projets.",
                    "Prochaine réunion : date à fixer par sondage.",
                ],
            )
        )
    for order, (label, title, paragraphs) in enumerate(documents):
        document = demo_document(title, paragraphs, uploaded_by=ctx.staff[0] if ctx.staff else None)
        EventAttachment.objects.create(page=event, document=document, label=label, sort_order=order)
