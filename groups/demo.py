"""The demo network's thematic groups: categories, ~12 groups, memberships, posts, documents, events.

Deterministic (``ctx.rng``); posts spread over the last 18 months and scale with ``ctx.scale``.
The discussions app seeds comments and reactions on top, from ``ctx.data["groups"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.utils.text import slugify
from taggit.utils import parse_tags
from wagtail.documents import get_document_model

from groups.models import GroupCategory, GroupIndexPage, GroupPage, GroupPostAttachment, GroupPostPage, Membership
from groups.sanitize import sanitize_post_html
from home.tree import ensure_home_page
from portal.demo import DemoContext
from portal.demo_files import demo_document

CATEGORIES = [
    ("projets", "Projets — demandes de moyens, restructurations, organisations"),
    ("strategie-finances", "Stratégie et finances"),
    ("instances", "Instances — conseil scientifique, comité de direction"),
    ("bonnes-pratiques", "Bonnes pratiques et partage"),
    ("actualites-reseau", "Actualités du réseau"),
    ("plateformes-technique", "Plateformes et technique"),
]
SAMPLES_DIR = Path(settings.BASE_DIR).parent / "shared" / "samples"


@dataclass(frozen=True)
class DemoGroup:
    title: str
    slug: str
    category: str
    visibility: str
    join_policy: str
    description: str
    members: int


GROUPS = [
    DemoGroup(
        "Conseil scientifique",
        "conseil-scientifique",
        "instances",
        "secret",
        "invitation",
        "Les travaux du conseil scientifique du réseau : ordres du jour, comptes rendus, avis.",
        14,
    ),
    DemoGroup(
        "Comité de direction",
        "comite-de-direction",
        "instances",
        "members",
        "invitation",
        "Le comité de direction prépare les décisions et suit les grands chantiers du réseau.",
        12,
    ),
    DemoGroup(
        "Demandes d'équipement 2026",
        "demandes-equipement-2026",
        "projets",
        "members",
        "request",
        "Instruction des demandes de moyens de la campagne 2026 : dossiers, devis, arbitrages.",
        38,
    ),
    DemoGroup(
        "Restructuration du pôle imagerie",
        "restructuration-pole-imagerie",
        "projets",
        "members",
        "request",
        "Le regroupement des plateformes d'imagerie photonique et électronique : calendrier et organisation.",
        26,
    ),
    DemoGroup(
        "Bonnes pratiques en cytométrie",
        "bonnes-pratiques-cytometrie",
        "bonnes-pratiques",
        "open",
        "open",
        "Réglages, contrôles qualité, panels : ce qui marche d'une plateforme à l'autre.",
        34,
    ),
    DemoGroup(
        "Qualité et normes ISO",
        "qualite-normes-iso",
        "bonnes-pratiques",
        "open",
        "open",
        "Démarche qualité, certification ISO 9001 et NF X50-900, audits croisés.",
        30,
    ),
    DemoGroup(
        "Actualités du réseau",
        "actualites-reseau",
        "actualites-reseau",
        "open",
        "open",
        "Les nouvelles des plateformes, les arrivées, les appels à projets et les événements.",
        90,
    ),
    DemoGroup(
        "Bioinformatique et calcul",
        "bioinformatique-calcul",
        "plateformes-technique",
        "open",
        "open",
        "Pipelines, stockage, calcul intensif et science ouverte.",
        32,
    ),
    DemoGroup(
        "Stratégie et budget",
        "strategie-budget",
        "strategie-finances",
        "members",
        "request",
        "Les orientations pluriannuelles, le budget du réseau et son suivi.",
        18,
    ),
    DemoGroup(
        "Plateformes de séquençage",
        "plateformes-sequencage",
        "plateformes-technique",
        "open",
        "open",
        "Séquenceurs, préparation des librairies, mutualisation des runs.",
        28,
    ),
    DemoGroup(
        "Formation",
        "formation",
        "bonnes-pratiques",
        "open",
        "open",
        "Les formations techniques proposées par les plateformes et les besoins exprimés.",
        40,
    ),
    DemoGroup(
        "Animaleries",
        "animaleries",
        "plateformes-technique",
        "members",
        "request",
        "Bien-être animal, réglementation et organisation des animaleries du réseau.",
        20,
    ),
]

POST_SUBJECTS = {
    "instances": [
        ("Ordre du jour de la prochaine séance", "article"),
        ("Avis sur les projets structurants", "discussion"),
        ("Calendrier des évaluations", "question"),
    ],
    "projets": [
        ("Devis reçus pour le cytomètre spectral", "discussion"),
        ("Critères de priorisation des demandes", "question"),
        ("Point d'étape sur le déménagement des microscopes", "article"),
        ("Organisation des astreintes pendant la transition", "discussion"),
    ],
    "bonnes-pratiques": [
        ("Protocole de calibration hebdomadaire", "article"),
        ("Quel contrôle qualité pour les billes ?", "question"),
        ("Retour d'expérience sur l'audit de suivi", "discussion"),
        ("Modèle de fiche de traçabilité", "article"),
    ],
    "actualites-reseau": [
        ("Arrivée d'une nouvelle ingénieure à Lyon", "article"),
        ("Appel à projets interplateformes ouvert", "article"),
        ("Journées du réseau : inscriptions", "discussion"),
    ],
    "strategie-finances": [
        ("Prévisionnel budgétaire de l'année", "article"),
        ("Tarification des prestations : harmonisation", "discussion"),
        ("Indicateurs d'activité demandés par les tutelles", "question"),
    ],
    "plateformes-technique": [
        ("Mise à jour du pipeline d'analyse", "article"),
        ("Panne du séquenceur : solutions de repli", "question"),
        ("Mutualisation des runs du trimestre", "discussion"),
        ("Nouvelles règles d'accès au calcul", "article"),
    ],
}
PARAGRAPHS = [
    "Voici une synthèse des échanges de la semaine, à compléter par chacun.",
    "Les plateformes de Bordeaux et de Lyon ont partagé leurs retours ; les chiffres détaillés sont en pièce jointe.",
    "Merci de répondre avant la fin du mois afin que nous puissions arbitrer lors de la prochaine réunion.",
    "La procédure proposée reprend celle validée l'an dernier, avec deux ajustements sur les délais.",
    "Un point sera fait en visioconférence ; le lien sera communiqué dans le groupe.",
]
TAGS = ["budget", "qualité", "cytométrie", "imagerie", "séquençage", "formation", "calendrier", "ISO 9001"]
COUNCIL_MINUTES = [
    "Compte rendu du conseil scientifique du 12 mars 2025",
    [
        "Présents : les membres du conseil scientifique du réseau, la direction et deux invités des plateformes.",
        "Le conseil a examiné les demandes d'équipement de la campagne 2025 et rendu un avis favorable "
        "sur le projet de cytométrie spectrale mutualisée entre Bordeaux et Montpellier.",
        "Il recommande de renforcer la formation des utilisateurs et de publier les indicateurs d'activité "
        "de chaque plateforme dans le groupe de travail dédié.",
        "Prochaine séance : en juin, avec l'examen des projets structurants.",
    ],
]
POSTS_PER_GROUP = 15
DAYS_OF_HISTORY = 548


def seed(ctx: DemoContext) -> None:
    categories = seed_categories()
    index = ensure_group_index()
    if GroupPage.objects.child_of(index).exists():
        ctx.say("  groupes déjà présents : rien à ajouter")
        ctx.data["groups"] = list(GroupPage.objects.child_of(index).specific())
        return
    groups = [create_group(index, spec, categories) for spec in ctx.progress(GROUPS, "groupes")]
    ctx.data["groups"] = groups
    seed_memberships(ctx, groups)
    seed_documents(ctx, groups)
    seed_posts(ctx, groups)
    seed_events(ctx, groups)


def seed_categories() -> dict[str, GroupCategory]:
    return {
        slug: GroupCategory.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})[0]
        for order, (slug, name) in enumerate(CATEGORIES)
    }


def ensure_group_index() -> GroupIndexPage:
    index = GroupIndexPage.objects.first()
    if index is None:
        home = ensure_home_page()
        index = home.add_child(
            instance=GroupIndexPage(
                title="Groupes",
                slug="groupes",
                show_in_menus=True,
                intro="<p>Les échanges du réseau se font dans les groupes : ce qui y est publié reste, "
                "archivé, pour chaque membre qui les rejoint.</p>",
            )
        )
    return index


def create_group(index: GroupIndexPage, spec: DemoGroup, categories) -> GroupPage:
    group = GroupPage(
        title=spec.title,
        slug=spec.slug,
        description=f"<p>{spec.description}</p>",
        category=categories[spec.category],
        visibility=spec.visibility,
        join_policy=spec.join_policy,
    )
    index.add_child(instance=group)
    group.refresh_from_db()
    return group


def seed_memberships(ctx: DemoContext, groups: list[GroupPage]) -> None:
    """Members spread over groups, each group with two managers and a moderator, a few pending requests."""
    rng = ctx.rng
    members = ctx.members
    rows = []
    for group, spec in zip(groups, GROUPS, strict=True):
        chosen = rng.sample(members, min(spec.members, len(members)))
        for position, user in enumerate(chosen):
            role = Membership.Role.MANAGER if position < 2 else Membership.Role.MODERATOR if position == 2 else "member"
            rows.append(Membership(user=user, group=group, role=role))
        outsiders = [user for user in members if user not in chosen]
        if group.join_policy == GroupPage.JoinPolicy.REQUEST:
            rows += [Membership(user=user, group=group, status="pending") for user in rng.sample(outsiders, 2)]
        if group.join_policy == GroupPage.JoinPolicy.INVITATION:
            rows.append(Membership(user=rng.choice(outsiders), group=group, status="invited", invited_by=chosen[0]))
    Membership.objects.bulk_create(rows)
    # bulk_create skips the signals: mirror every group into its auth group once.
    from groups.services import sync_auth_group_members

    for group in groups:
        sync_auth_group_members(group.pk)


def group_people(group: GroupPage, role: str | None = None) -> list:
    memberships = group.memberships.filter(status="active").select_related("user").order_by("pk")
    if role:
        memberships = memberships.filter(role=role)
    return [membership.user for membership in memberships]


def seed_documents(ctx: DemoContext, groups: list[GroupPage]) -> None:
    by_slug = {group.slug: group for group in groups}
    council = by_slug["conseil-scientifique"]
    council_manager = group_people(council, "manager")[0]
    title, paragraphs = COUNCIL_MINUTES
    demo_document(title, paragraphs, collection=council.collection, uploaded_by=council_manager)
    for sample in ("conseil-scientifique-2025-03-12.pdf", "notes-reunion.txt"):
        path = SAMPLES_DIR / sample
        if path.exists():
            upload_sample(path, council, council_manager)
    for group in ctx.progress(groups, "documents des groupes"):
        manager = group_people(group, "manager")[0]
        for number in range(2):
            demo_document(
                f"{group.title} — note de synthèse {number + 1}",
                [f"Note de synthèse n° {number + 1} du groupe « {group.title} »."] + PARAGRAPHS,
                collection=group.collection,
                uploaded_by=manager,
            )


def upload_sample(path: Path, group: GroupPage, uploader) -> None:
    Document = get_document_model()
    with path.open("rb") as handle:
        document = Document(title=path.stem.replace("-", " ").capitalize(), collection=group.collection)
        document.uploaded_by_user = uploader
        document.file.save(path.name, File(handle), save=False)
        document.file_size = document.file.size
        document.save()


def seed_posts(ctx: DemoContext, groups: list[GroupPage]) -> None:
    rng = ctx.rng
    now = ctx.now
    total = POSTS_PER_GROUP * ctx.scale
    for group in ctx.progress(groups, "publications"):
        authors = group_people(group)
        subjects = POST_SUBJECTS[group.category.slug]
        attachments = list(get_document_model().objects.filter(collection_id=group.collection_id)[:2])
        for number in range(total):
            subject, kind = subjects[number % len(subjects)]
            published = now - timedelta(days=rng.uniform(0, DAYS_OF_HISTORY), hours=rng.uniform(0, 10))
            title = subject if number < len(subjects) else f"{subject} ({number // len(subjects) + 1})"
            post = GroupPostPage(
                title=title,
                slug=f"{slugify(title)[:60]}-{number + 1}",
                kind=kind,
                body=sanitize_post_html("\n\n".join(rng.sample(PARAGRAPHS, 3))),
                owner=rng.choice(authors),
            )
            group.add_child(instance=post)
            post.tags.set(parse_tags(", ".join(rng.sample(TAGS, 2))))
            if attachments and number % 5 == 0:
                GroupPostAttachment.objects.create(page=post, document=rng.choice(attachments))
            revision = post.save_revision(user=post.owner)
            revision.publish(user=post.owner, skip_permission_checks=True)
            GroupPostPage.objects.filter(pk=post.pk).update(
                first_published_at=published, last_published_at=published, latest_revision_created_at=published
            )
            revision.__class__.objects.filter(pk=revision.pk).update(created_at=published)


def seed_events(ctx: DemoContext, groups: list[GroupPage]) -> None:
    """A meeting in a few groups (when the events app is installed)."""
    if not apps.is_installed("events"):
        return
    EventPage = apps.get_model("events", "EventPage")
    for group in groups[:6]:
        start = (ctx.now + timedelta(days=7 + 9 * groups.index(group))).replace(minute=0, second=0, microsecond=0)
        event = EventPage(
            title=f"Réunion du groupe « {group.title} »",
            slug=f"reunion-{group.slug}"[:80],
            kind=EventPage._meta.get_field("kind").default,
            start=start,
            end=start + timedelta(hours=2),
            online_url="https://visio.reseau.example.org/" + group.slug,
            excerpt="Réunion de travail du groupe, ouverte à ses membres.",
            owner=group_people(group, "manager")[0],
        )
        group.add_child(instance=event)
        event.save_revision(user=event.owner).publish(user=event.owner, skip_permission_checks=True)
