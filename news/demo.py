"""Demo news: the network's last eighteen months, in French, with real PDF attachments.

Items are published through revisions (as an editor would), then back-dated so
archives, feeds and the admin history all agree on when each one came out.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, PageLogEntry, PageViewRestriction, Revision

from home.tree import ensure_home_page
from news.models import NewsCategory, NewsIndexPage, NewsPage, NewsPageAttachment
from portal.demo import SITES, DemoContext
from portal.demo_files import demo_document

CATEGORY_NAMES = ["Actualité", "Annonce", "Appel à projets", "Vie du réseau", "Séminaire", "Instances"]
ARCHIVE_DAYS = 540  # eighteen months
MEMBERS_COLLECTION = "Documents des instances"


@dataclass(frozen=True)
class DemoNews:
    title: str
    category: str
    tags: tuple[str, ...]
    excerpt: str
    paragraphs: tuple[str, ...]
    attachment: tuple[str, tuple[str, ...]] | None = None
    quote: tuple[str, str] | None = None
    members_only: bool = False
    featured: bool = False
    extra: dict = field(default_factory=dict)


NEWS = [
    DemoNews(
        "Appel à projets 2027 : équipements mutualisés",
        "Appel à projets",
        ("financement", "équipement", "plateformes"),
        "Le réseau finance l'achat d'équipements partagés entre au moins deux sites. Dépôt des dossiers jusqu'au "
        "31 janvier.",
        (
            "Le réseau ouvre son appel annuel destiné aux plateformes technologiques qui souhaitent acquérir ou "
            "renouveler un équipement mutualisé. Les projets doivent associer au moins deux sites universitaires.",
            "Une attention particulière sera portée aux projets qui ouvrent l'accès à des équipes extérieures et "
            "qui prévoient la formation des utilisateurs.",
        ),
        attachment=(
            "Texte de l'appel à projets 2027",
            (
                "Objet de l'appel : soutenir l'acquisition d'équipements scientifiques mutualisés entre plateformes "
                "du réseau.",
                "Éligibilité : les projets associent au moins deux sites et une plateforme labellisée. Le montant "
                "demandé est compris entre 50 000 et 400 000 euros.",
                "Calendrier : dépôt des dossiers jusqu'au 31 janvier, audition des porteurs en mars, décision du "
                "comité de pilotage en avril.",
                "Critères d'évaluation : qualité scientifique, ouverture aux utilisateurs, plan de formation, "
                "soutenabilité financière de la maintenance.",
            ),
        ),
        featured=True,
    ),
    DemoNews(
        "Un nouveau séquenceur longues lectures à Bordeaux",
        "Actualité",
        ("séquençage", "génomique", "Bordeaux"),
        "La plateforme de séquençage haut débit met en service un séquenceur longues lectures ouvert à tout le réseau.",
        (
            "La plateforme de séquençage haut débit de Bordeaux a installé un séquenceur à longues lectures. Il "
            "permet d'assembler des génomes complexes et de détecter des variants structuraux.",
            "Les premières séries sont ouvertes aux équipes du réseau dès ce mois-ci ; un accompagnement à la "
            "préparation des échantillons est proposé.",
        ),
        quote=("Nous pouvons désormais lire des fragments de plusieurs dizaines de kilobases.", "La responsable"),
    ),
    DemoNews(
        "Séminaire : la cytométrie spectrale en pratique",
        "Séminaire",
        ("cytométrie", "formation"),
        "Une demi-journée pour découvrir la cytométrie spectrale, du choix des fluorochromes à l'analyse des données.",
        (
            "La plateforme de cytométrie en flux de Lyon organise un séminaire consacré à la cytométrie spectrale. "
            "Les intervenants présenteront la conception de panels et le démélange des spectres.",
            "Le séminaire est ouvert à tous les membres du réseau, sur place ou à distance.",
        ),
    ),
    DemoNews(
        "Compte rendu du conseil scientifique de printemps",
        "Instances",
        ("conseil scientifique", "gouvernance"),
        "Le conseil scientifique a examiné les rapports d'activité des plateformes et les projets de labellisation.",
        (
            "Le conseil scientifique s'est réuni pour examiner les rapports d'activité annuels. Il salue la "
            "progression des prestations ouvertes aux équipes extérieures.",
            "Trois plateformes ont présenté un projet de labellisation ; le conseil rendra son avis définitif à "
            "l'automne.",
        ),
        attachment=(
            "Compte rendu du conseil scientifique",
            (
                "Présents : les membres du conseil scientifique et la direction du réseau.",
                "Point 1 : examen des rapports d'activité. Le conseil note une hausse de la part des prestations "
                "réalisées pour des laboratoires extérieurs.",
                "Point 2 : projets de labellisation. Les plateformes de lipidomique, de biologie structurale et de "
                "criblage haut débit ont présenté leur dossier.",
                "Point 3 : questions diverses. La prochaine réunion aura lieu à l'automne.",
            ),
        ),
        members_only=True,
    ),
    DemoNews(
        "Journées annuelles du réseau : inscriptions ouvertes",
        "Vie du réseau",
        ("journées du réseau", "rencontres"),
        "Deux jours d'exposés, d'ateliers et de visites de plateformes à Montpellier. Inscription gratuite avant le 15 "
        "mai.",
        (
            "Les journées annuelles réunissent les personnels des plateformes, les utilisateurs et les partenaires "
            "industriels. Le programme alterne exposés scientifiques, ateliers techniques et visites.",
            "L'inscription est gratuite mais obligatoire ; les frais de déplacement des ingénieurs peuvent être pris "
            "en charge par le réseau.",
        ),
        attachment=(
            "Programme des journées annuelles",
            (
                "Premier jour : accueil, conférence d'ouverture sur l'avenir des infrastructures de recherche en "
                "biologie, sessions imagerie et omiques.",
                "Second jour : ateliers pratiques, visites des plateformes de Montpellier, table ronde sur les "
                "métiers d'ingénieur de plateforme.",
            ),
        ),
    ),
    DemoNews(
        "La microscopie électronique cryogénique arrive à Strasbourg",
        "Actualité",
        ("imagerie", "microscopie", "biologie structurale"),
        "Un cryo-microscope électronique rejoint la plateforme de biologie structurale de Strasbourg.",
        (
            "Le nouveau cryo-microscope électronique permettra de résoudre la structure de complexes protéiques "
            "à une résolution proche de l'atome.",
            "Une session de formation à la préparation des grilles sera organisée pour les nouveaux utilisateurs.",
        ),
    ),
    DemoNews(
        "Fermeture estivale des plateformes",
        "Annonce",
        ("plateformes", "calendrier"),
        "Plusieurs plateformes réduisent leur activité pendant trois semaines en août : vérifiez le calendrier.",
        (
            "Comme chaque année, la plupart des plateformes ferment ou réduisent leur activité en août. Les "
            "animaleries restent ouvertes et assurent les soins.",
            "Pensez à anticiper vos demandes de prestations et vos réservations d'équipements.",
        ),
    ),
    DemoNews(
        "Protéomique : nouvelle offre d'analyse des modifications post-traductionnelles",
        "Actualité",
        ("protéomique", "spectrométrie de masse"),
        "La plateforme de protéomique de Marseille propose l'analyse quantitative des phosphorylations.",
        (
            "Grâce à un nouveau spectromètre de masse, la plateforme de protéomique de Marseille propose une offre "
            "d'analyse des phosphorylations et des acétylations.",
            "Un devis est établi après un entretien avec l'équipe pour définir le plan d'expérience.",
        ),
    ),
    DemoNews(
        "Relevé de décisions du comité de pilotage",
        "Instances",
        ("comité de pilotage", "gouvernance", "budget"),
        "Le comité de pilotage a adopté le budget et la feuille de route des plateformes pour l'année.",
        (
            "Le comité de pilotage a adopté le budget du réseau et validé la répartition des crédits de "
            "fonctionnement entre les plateformes.",
            "Il a également approuvé la création d'un groupe de travail sur la gestion des données.",
        ),
        attachment=(
            "Relevé de décisions du comité de pilotage",
            (
                "Décision 1 : adoption du budget du réseau.",
                "Décision 2 : répartition des crédits de fonctionnement entre les plateformes selon l'activité "
                "de l'année écoulée.",
                "Décision 3 : création d'un groupe de travail sur la gestion et le partage des données.",
            ),
        ),
        members_only=True,
    ),
    DemoNews(
        "Formation : initiation à l'analyse de données de séquençage",
        "Séminaire",
        ("bioinformatique", "formation", "séquençage"),
        "Trois jours pour apprendre à contrôler, aligner et analyser des données de séquençage.",
        (
            "La plateforme de bioinformatique organise une formation d'initiation destinée aux biologistes. Les "
            "participants travailleront sur des jeux de données réels.",
            "Aucun prérequis en programmation n'est demandé ; un ordinateur portable est nécessaire.",
        ),
    ),
    DemoNews(
        "Bienvenue aux nouvelles plateformes associées",
        "Vie du réseau",
        ("plateformes", "réseau"),
        "Deux plateformes rejoignent le réseau : la biobanque de Rennes et la plateforme de cellules souches de Lille.",
        (
            "Le réseau accueille deux nouvelles plateformes associées, qui partageront leurs équipements et leurs "
            "compétences avec les autres sites.",
            "Leurs responsables présenteront leur offre lors des prochaines journées du réseau.",
        ),
    ),
    DemoNews(
        "Appel à candidatures : prix de l'ingénieur de plateforme",
        "Appel à projets",
        ("prix", "métiers"),
        "Le réseau récompense un ingénieur ou une technicienne pour une innovation de méthode.",
        (
            "Le prix distingue une réalisation technique qui a amélioré le service rendu aux utilisateurs : "
            "nouvelle méthode, automatisation, outil logiciel.",
            "Les candidatures sont présentées par le responsable de plateforme.",
        ),
        attachment=(
            "Règlement du prix de l'ingénieur de plateforme",
            (
                "Article 1 : le prix récompense une innovation technique ou méthodologique réalisée sur une "
                "plateforme du réseau.",
                "Article 2 : le dossier comprend une description de la réalisation et une lettre du responsable.",
                "Article 3 : le jury est composé de membres du conseil scientifique.",
            ),
        ),
    ),
    DemoNews(
        "Imagerie du petit animal : un nouvel échographe haute fréquence",
        "Actualité",
        ("imagerie", "animalerie"),
        "La plateforme d'imagerie du petit animal de Nantes s'équipe d'un échographe haute fréquence.",
        (
            "L'échographe permet un suivi longitudinal non invasif, en accord avec la démarche de réduction du "
            "nombre d'animaux utilisés.",
            "Les demandes d'accès passent par le formulaire habituel de la plateforme.",
        ),
    ),
    DemoNews(
        "Charte d'accès aux plateformes : version révisée",
        "Annonce",
        ("charte", "plateformes"),
        "La charte d'accès a été révisée : tarification, remerciements dans les publications, données.",
        (
            "La nouvelle version de la charte précise les règles de tarification pour les laboratoires "
            "académiques et privés et la mention des plateformes dans les publications.",
            "Elle introduit aussi des règles de conservation des données produites.",
        ),
        attachment=(
            "Charte d'accès aux plateformes",
            (
                "Les plateformes du réseau sont ouvertes à toutes les équipes académiques et aux entreprises.",
                "Les publications utilisant des données produites sur une plateforme la mentionnent dans les "
                "remerciements.",
                "Les données brutes sont conservées trois ans par la plateforme, puis remises aux utilisateurs.",
            ),
        ),
    ),
    DemoNews(
        "Séminaire : métabolomique et santé publique",
        "Séminaire",
        ("métabolomique", "santé"),
        "Comment la métabolomique éclaire l'étude des cohortes : retour sur trois études récentes.",
        (
            "Ce séminaire présente l'apport de la métabolomique à l'étude de grandes cohortes et les défis de "
            "standardisation entre laboratoires.",
            "Il sera suivi d'un échange avec les équipes de la plateforme de Lille.",
        ),
    ),
    DemoNews(
        "Tri cellulaire : réservation en ligne des créneaux",
        "Annonce",
        ("cytométrie", "réservation"),
        "Les créneaux des trieurs de cellules se réservent désormais en ligne.",
        (
            "Les utilisateurs formés réservent directement leurs créneaux sur les trieurs. Les premières sessions "
            "restent accompagnées par un ingénieur.",
        ),
    ),
    DemoNews(
        "Rapport d'activité du réseau",
        "Vie du réseau",
        ("rapport d'activité", "réseau"),
        "Plus de 4 000 prestations réalisées, dont un tiers pour des équipes extérieures au réseau.",
        (
            "Le rapport d'activité retrace l'année des plateformes : prestations, formations, publications et "
            "investissements.",
            "Il met en avant la progression de l'ouverture aux équipes extérieures et aux entreprises.",
        ),
        attachment=(
            "Rapport d'activité du réseau",
            (
                "Synthèse : plus de 4 000 prestations réalisées sur l'année, dont un tiers pour des équipes "
                "extérieures.",
                "Formation : 60 sessions et plus de 700 personnes formées.",
                "Publications : 350 articles mentionnent une plateforme du réseau.",
            ),
        ),
    ),
    DemoNews(
        "Assemblée générale : ordre du jour",
        "Instances",
        ("assemblée générale", "gouvernance"),
        "L'assemblée générale du réseau se tiendra en visioconférence ; l'ordre du jour est en ligne.",
        (
            "L'assemblée générale examinera le rapport d'activité, le budget et le renouvellement du bureau.",
            "Les membres peuvent transmettre leurs questions au secrétariat jusqu'à la veille.",
        ),
        members_only=True,
    ),
    DemoNews(
        "Histopathologie : numérisation des lames à grande échelle",
        "Actualité",
        ("histologie", "imagerie"),
        "Un scanner de lames permet de numériser jusqu'à 300 lames par jour.",
        (
            "La plateforme d'histopathologie met à disposition un scanner de lames et un serveur de visualisation "
            "accessible depuis le navigateur.",
        ),
    ),
    DemoNews(
        "Appel à projets : preuve de concept en criblage",
        "Appel à projets",
        ("criblage", "financement"),
        "Des crédits pour tester une idée sur la plateforme de criblage haut débit.",
        (
            "Cet appel finance des expériences exploratoires de criblage pour des équipes qui n'ont jamais utilisé "
            "la plateforme.",
            "Le dossier tient en deux pages et la réponse est donnée sous un mois.",
        ),
    ),
    DemoNews(
        "Animalerie : nouvelles règles d'hébergement",
        "Annonce",
        ("animalerie", "éthique"),
        "Les règles d'hébergement évoluent pour améliorer le bien-être animal.",
        (
            "L'animalerie adapte ses conditions d'hébergement aux recommandations du comité d'éthique.",
            "Les utilisateurs sont invités à une réunion d'information.",
        ),
    ),
    DemoNews(
        "Portrait : une ingénieure en spectrométrie de masse",
        "Vie du réseau",
        ("portrait", "métiers", "spectrométrie de masse"),
        "Rencontre avec une ingénieure qui fait dialoguer chimistes et biologistes.",
        (
            "Entrée dans le réseau il y a dix ans, elle a développé des méthodes de quantification utilisées par "
            "une vingtaine d'équipes.",
        ),
        quote=("Une plateforme, c'est d'abord une équipe qui écoute les questions des chercheurs.", "L'ingénieure"),
    ),
    DemoNews(
        "Séminaire : lipidomique et maladies métaboliques",
        "Séminaire",
        ("lipidomique", "santé"),
        "Les lipides comme marqueurs précoces : état des connaissances et méthodes.",
        (
            "La plateforme de lipidomique présente ses méthodes d'analyse ciblée et non ciblée et leurs "
            "applications à l'étude des maladies métaboliques.",
        ),
    ),
    DemoNews(
        "Gestion des données : le plan de gestion devient obligatoire",
        "Annonce",
        ("données", "bioinformatique"),
        "Tout nouveau projet sur une plateforme est accompagné d'un plan de gestion des données.",
        (
            "Les plateformes demandent désormais un plan de gestion des données pour tout nouveau projet. Un "
            "modèle simplifié est disponible.",
            "La plateforme de bioinformatique accompagne les équipes dans sa rédaction.",
        ),
    ),
]


def seed(ctx: DemoContext) -> None:
    index = ensure_news_index()
    categories = {
        name: NewsCategory.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in CATEGORY_NAMES
    }
    if NewsPage.objects.child_of(index).exists():
        ctx.say("  actualités déjà présentes : rien à ajouter")
        return
    images = demo_images(ctx)
    members_collection = members_only_collection()
    documents: dict[int, object] = {}
    total = len(NEWS) * ctx.scale
    for number in ctx.progress(range(total), "actualités"):
        base_number = number % len(NEWS)
        item = NEWS[base_number]
        author = ctx.staff[number % len(ctx.staff)] if ctx.staff else None
        if item.attachment and base_number not in documents:
            title, paragraphs = item.attachment
            collection = members_collection if item.members_only else None
            documents[base_number] = demo_document(title, list(paragraphs), collection=collection, uploaded_by=author)
        publish_news(
            ctx,
            index,
            item,
            number=number,
            total=total,
            category=categories[item.category],
            image=images[base_number % len(images)],
            author=author,
            document=documents.get(base_number),
        )


def ensure_news_index() -> NewsIndexPage:
    index = NewsIndexPage.objects.first()
    if index is None:
        home = ensure_home_page()
        index = home.add_child(
            instance=NewsIndexPage(
                title="Actualités",
                slug="actualites",
                show_in_menus=True,
                intro="<p>Les nouvelles des plateformes, des appels à projets et de la vie du réseau.</p>",
            )
        )
    return index


def publish_news(ctx, index, item: DemoNews, *, number, total, category, image, author, document) -> NewsPage:
    """Publish one item through a revision, then date it ``number`` steps back over eighteen months."""
    repeat = number // len(NEWS)
    title = item.title if repeat == 0 else f"{item.title} ({SITES[repeat % len(SITES)][1]}, n° {repeat + 1})"
    days_ago = 2 + number * ARCHIVE_DAYS // total + ctx.rng.randint(0, 3)
    published = (ctx.now - timedelta(days=days_ago)).replace(
        hour=ctx.rng.randint(7, 16), minute=ctx.rng.choice([0, 15, 30, 45]), second=0, microsecond=0
    )
    page = NewsPage(
        title=title,
        slug=slugify(title),
        live=False,
        owner=author,
        publication_date=published,
        category=category,
        excerpt=item.excerpt,
        body=json.dumps(body_blocks(item)),
        lead_image=image,
        is_featured=item.featured and repeat == 0,
    )
    page.tags.add(*item.tags)
    if document is not None:
        page.attachments = [NewsPageAttachment(document=document)]
    index.add_child(instance=page)
    revision = page.save_revision(user=author, log_action=True)
    revision.publish(user=author)
    if item.members_only:
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    NewsPage.objects.filter(pk=page.pk).update(
        first_published_at=published, last_published_at=published, latest_revision_created_at=published
    )
    Revision.objects.filter(pk=revision.pk).update(created_at=published)
    PageLogEntry.objects.filter(page_id=page.pk).update(timestamp=published)
    return page


def body_blocks(item: DemoNews) -> list[dict]:
    blocks = [{"type": "paragraph", "value": f"<p>{item.paragraphs[0]}</p>"}]
    if item.quote:
        text, attribution = item.quote
        blocks.append({"type": "quote", "value": {"text": text, "attribution": attribution}})
    if len(item.paragraphs) > 1:
        blocks.append({"type": "heading", "value": {"text": "En pratique", "level": "h2"}})
        blocks += [{"type": "paragraph", "value": f"<p>{paragraph}</p>"} for paragraph in item.paragraphs[1:]]
    return blocks


def members_only_collection() -> Collection:
    """Minutes of restricted news go in a collection only signed-in members can download from."""
    collection = Collection.objects.filter(name=MEMBERS_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=MEMBERS_COLLECTION)
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.LOGIN
        )
    return collection


IMAGE_THEMES = [
    ("Cellules en culture", (29, 79, 145), (255, 191, 71)),
    ("Séquences d'ADN", (18, 53, 99), (120, 200, 160)),
    ("Tissu en microscopie", (163, 41, 15), (250, 220, 200)),
    ("Plaques de criblage", (26, 127, 55), (230, 240, 230)),
    ("Spectres de masse", (87, 96, 106), (255, 255, 255)),
    ("Réseau de sites", (60, 40, 120), (200, 180, 255)),
]


def demo_images(ctx: DemoContext) -> list:
    """Six abstract lead images drawn with Pillow (deterministic, no download)."""
    Image = get_image_model()
    images = []
    for title, background, foreground in IMAGE_THEMES:
        existing = Image.objects.filter(title=title).first()
        if existing:
            images.append(existing)
            continue
        canvas = PILImage.new("RGB", (1200, 675), background)
        draw = ImageDraw.Draw(canvas)
        for _ in range(40):
            x, y, radius = ctx.rng.randint(0, 1200), ctx.rng.randint(0, 675), ctx.rng.randint(12, 70)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=foreground, width=4)
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        image = Image(title=title, description=f"Illustration : {title.lower()}")
        image.file = ImageFile(buffer, name=f"{slugify(title)}.png")
        image.save()
        images.append(image)
    return images
