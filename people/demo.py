"""Demo directory: the network's sites and platforms, an expertise vocabulary, and a profile per account."""

from __future__ import annotations

from datetime import timedelta

from django.utils.text import slugify

from portal.demo import PLATFORMS, SITES, DemoContext

from .models import ExpertiseTerm, Platform, Profile, Referent, Role, Site, Visibility
from .validators import orcid_check_character

EXPERTISE_BY_KIND = {
    "sequencing": ["séquençage", "génomique", "transcriptomique", "single-cell"],
    "imaging": ["microscopie confocale", "microscopie électronique", "imagerie in vivo", "analyse d'images"],
    "proteomics": ["protéomique", "spectrométrie de masse", "chromatographie"],
    "metabolomics": ["métabolomique", "lipidomique", "spectrométrie de masse"],
    "bioinformatics": ["bioinformatique", "statistiques", "calcul haute performance", "gestion de données"],
    "cytometry": ["cytométrie", "tri cellulaire", "immunophénotypage"],
    "animal": ["expérimentation animale", "bien-être animal", "zootechnie"],
    "structural": ["cristallographie", "cryo-microscopie", "RMN"],
    "screening": ["criblage", "robotique", "chimiothèque"],
    "histology": ["histologie", "anatomopathologie", "immunohistochimie"],
    "cells": ["cellules souches", "culture cellulaire", "organoïdes"],
    "biobank": ["biobanque", "qualité", "échantillons biologiques"],
}
JOB_TITLES = {
    Role.RESEARCHER: ["Chargée de recherche", "Directeur de recherche", "Maître de conférences", "Chercheur"],
    Role.ENGINEER: ["Ingénieure de recherche", "Ingénieur d'études", "Ingénieure en bioinformatique"],
    Role.TECHNICIAN: ["Technicienne de laboratoire", "Assistant ingénieur", "Technicien animalier"],
    Role.PLATFORM_HEAD: ["Responsable de plateforme", "Responsable scientifique de plateforme"],
    Role.MANAGEMENT: ["Directrice du réseau", "Directeur adjoint"],
    Role.ADMINISTRATION: ["Gestionnaire administrative", "Chargé de communication"],
    Role.PHD_STUDENT: ["Doctorante", "Doctorant"],
}
ROLE_WEIGHTS = [
    (Role.RESEARCHER, 30),
    (Role.ENGINEER, 30),
    (Role.TECHNICIAN, 18),
    (Role.PHD_STUDENT, 10),
    (Role.ADMINISTRATION, 6),
    (Role.MANAGEMENT, 2),
]
LANGUAGES = ["français", "français, anglais", "français, anglais, espagnol", "français, anglais, allemand"]
TECHNIQUES_BY_KIND = {
    "sequencing": "Illumina NovaSeq, Oxford Nanopore, préparation de banques",
    "imaging": "Zeiss LSM 980, Leica SP8, Imaris, Fiji",
    "proteomics": "Orbitrap Exploris, nanoLC, MaxQuant",
    "metabolomics": "Q-TOF, GC-MS, XCMS",
    "bioinformatics": "Python, R, Snakemake, Slurm",
    "cytometry": "BD FACSymphony, Cytek Aurora, FlowJo",
    "animal": "zones A2/A3, IRM petit animal",
    "structural": "Titan Krios, diffractomètre, RMN 600 MHz",
    "screening": "robot Echo, lecteur de plaques",
    "histology": "microtome, scanner de lames",
    "cells": "iPSC, organoïdes intestinaux",
    "biobank": "congélateurs −80 °C, LIMS",
}
TOPICS = [
    ("Protection des données", "Questions RGPD et données personnelles."),
    ("Communication et site web", "Actualités, événements, annuaire."),
    ("Formation", "Formations techniques et accueil des nouveaux arrivants."),
    ("Achats et marchés", "Devis, commandes groupées et marchés publics."),
]


def demo_orcid(rng) -> str:
    base = f"000000{rng.randrange(1, 4)}" + "".join(str(rng.randrange(10)) for _ in range(8))
    digits = base + orcid_check_character(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    sites = [
        Site.objects.update_or_create(
            name=name,
            defaults={
                "slug": slugify(city),
                "city": city,
                "address": f"{rng.randrange(1, 200)} avenue de la Recherche\n{rng.randrange(10, 95)}000 {city}",
            },
        )[0]
        for name, city in SITES
    ]
    ctx.data["sites"] = sites

    terms = {}
    for names in EXPERTISE_BY_KIND.values():
        for name in names:
            if name not in terms:
                terms[name] = ExpertiseTerm.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
    ctx.data["expertise"] = list(terms.values())

    platforms = []
    for index, (name, acronym, kind) in enumerate(PLATFORMS):
        platform = Platform.objects.update_or_create(
            acronym=acronym,
            defaults={
                "name": name,
                "slug": slugify(acronym),
                "site": sites[index % len(sites)],
                "description": f"La plateforme {name} accompagne les équipes du réseau de la conception à l'analyse.",
            },
        )[0]
        platform.kind = kind
        platforms.append(platform)
    ctx.data["platforms"] = platforms

    people = ctx.members + ctx.staff
    profiles = []
    for index, user in enumerate(ctx.progress(people, "profils")):
        if user in ctx.staff:
            role, platform_set = Role.ADMINISTRATION, []
        else:
            # The first members head the platforms; the others join one or two of them.
            role = Role.PLATFORM_HEAD if index < len(platforms) else weighted(rng, ROLE_WEIGHTS)
            main = platforms[index % len(platforms)]
            platform_set = [main] + ([rng.choice(platforms)] if rng.random() < 0.25 else [])
        kind = platform_set[0].kind if platform_set else None
        profile, _created = Profile.objects.update_or_create(
            user=user,
            defaults={
                "job_title": rng.choice(JOB_TITLES[role]),
                "role": role,
                "site": platform_set[0].site if platform_set else rng.choice(sites),
                "unit": f"UMR {rng.randrange(5000, 5999)}" if role != Role.ADMINISTRATION else "Direction du réseau",
                "keywords": ", ".join(rng.sample(["qualité", "formation", "ouverture", "ISO 9001", "FAIR"], 2)),
                "techniques": TECHNIQUES_BY_KIND.get(kind, ""),
                "languages": rng.choice(LANGUAGES),
                "phone": f"+33 {rng.randrange(1, 6)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
                "office": f"Bâtiment {rng.choice('ABCDE')}, bureau {rng.randrange(1, 4)}{rng.randrange(10, 60)}",
                "orcid": demo_orcid(rng) if role in (Role.RESEARCHER, Role.PLATFORM_HEAD) or rng.random() < 0.2 else "",
                "hal_id": slugify(user.get_full_name()) if role == Role.RESEARCHER and rng.random() < 0.5 else "",
                "bio": bio_for(user, role, platform_set),
                "member_since": (ctx.now - timedelta(days=rng.randrange(30, 3650))).date(),
                "email_visibility": weighted(
                    rng, [(Visibility.MEMBERS, 7), (Visibility.EVERYONE, 2), (Visibility.ONLY_ME, 1)]
                ),
                "phone_visibility": weighted(
                    rng, [(Visibility.MEMBERS, 6), (Visibility.EVERYONE, 1), (Visibility.ONLY_ME, 3)]
                ),
                "photo_visibility": weighted(rng, [(Visibility.MEMBERS, 8), (Visibility.EVERYONE, 2)]),
            },
        )
        profile.platforms.set(platform_set)
        # Everyone on a platform has its core expertise (all cytometry people have "cytométrie").
        expertise = {EXPERTISE_BY_KIND[platform.kind][0] for platform in platform_set}
        if kind:
            expertise |= set(rng.sample(EXPERTISE_BY_KIND[kind], 2))
        profile.expertise.set([terms[name] for name in sorted(expertise)])
        profiles.append(profile)
    ctx.data["profiles"] = profiles

    for platform, head in zip(platforms, profiles, strict=False):
        platform.head = head
        platform.save(update_fields=["head"])
        Referent.objects.get_or_create(profile=head, platform=platform)
    members_by_site = {}
    for profile in profiles:
        members_by_site.setdefault(profile.site_id, []).append(profile)
    for site in sites:
        if members_by_site.get(site.pk):
            Referent.objects.get_or_create(
                profile=rng.choice(members_by_site[site.pk]),
                site=site,
                defaults={"description": "Accueil, accès aux bâtiments et vie du site."},
            )
    staff_profiles = profiles[len(ctx.members) :] or profiles[:2]
    for index, (topic, description) in enumerate(TOPICS):
        Referent.objects.get_or_create(
            profile=staff_profiles[index % len(staff_profiles)], topic=topic, defaults={"description": description}
        )


def weighted(rng, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def bio_for(user, role, platforms) -> str:
    if not platforms:
        return f"{user.first_name} accompagne les membres du réseau au quotidien."
    names = " et ".join(platform.name.lower() for platform in platforms)
    return f"{user.first_name} travaille sur les plateformes {names}. Contact privilégié pour les nouveaux projets."
