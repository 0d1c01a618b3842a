"""The demo network: deterministic data for `manage.py seed_demo`.

Each app contributes a ``seed(ctx)`` function in its own ``demo.py``; the
command runs them in order over one ``DemoContext`` so later steps can use what
earlier ones made (members, sites, the page tree).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

FIRST_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Émilie",
    "Claire",
    "Anaïs",
    "Hélène",
    "Margaux",
    "Lucie",
    "Pauline",
    "Élodie",
    "Mathilde",
    "Aurélie",
    "Céline",
    "Sophie",
    "Nathalie",
    "Thomas",
    "Nicolas",
    "Julien",
    "Maxime",
    "Antoine",
    "Hugo",
    "Lucas",
    "Mathieu",
    "Guillaume",
    "Romain",
    "Sébastien",
    "Pierre",
    "François",
    "Jérôme",
    "Benoît",
    "Étienne",
    "Olivier",
    "Laurent",
    "Damien",
    "Cédric",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
]
SITES = [
    ("Université de Bordeaux", "Bordeaux"),
    ("Université Claude Bernard Lyon 1", "Lyon"),
    ("Aix-Marseille Université", "Marseille"),
    ("Université de Montpellier", "Montpellier"),
    ("Université de Strasbourg", "Strasbourg"),
    ("Université de Lille", "Lille"),
    ("Nantes Université", "Nantes"),
    ("Université Paris Cité", "Paris"),
    ("Université Grenoble Alpes", "Grenoble"),
    ("Université de Rennes", "Rennes"),
]
PLATFORMS = [
    ("Séquençage haut débit", "SEQ", "sequencing"),
    ("Génomique fonctionnelle", "GENOF", "sequencing"),
    ("Imagerie photonique", "IMAG", "imaging"),
    ("Microscopie électronique", "MET", "imaging"),
    ("Imagerie du petit animal", "IPA", "imaging"),
    ("Protéomique", "PROT", "proteomics"),
    ("Spectrométrie de masse", "SPECM", "proteomics"),
    ("Métabolomique", "METAB", "metabolomics"),
    ("Lipidomique", "LIPID", "metabolomics"),
    ("Bioinformatique", "BIOINFO", "bioinformatics"),
    ("Calcul scientifique", "CALC", "bioinformatics"),
    ("Cytométrie en flux", "CYTO", "cytometry"),
    ("Tri cellulaire", "TRI", "cytometry"),
    ("Animalerie", "ANIM", "animal"),
    ("Zootechnie aquatique", "AQUA", "animal"),
    ("Biologie structurale", "STRUCT", "structural"),
    ("Criblage haut débit", "CRIB", "screening"),
    ("Histopathologie", "HISTO", "histology"),
    ("Cellules souches", "CSTEM", "cells"),
    ("Biobanque", "BIOB", "biobank"),
]
MEMBER_COUNT = 132
DEMO_PASSWORD = "demo-reseau-2026"


@dataclass
class DemoContext:
    """What the seeding steps share. ``scale`` multiplies content volumes (for benchmarks)."""

    scale: int = 1
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    now: datetime = field(default_factory=timezone.now)
    stdout: Any = None
    members: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    data: dict = field(default_factory=dict)

    def say(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def progress(self, items: Iterable, label: str, total: int | None = None) -> Iterable:
        """Yield items while printing "label: done/total" about twenty times."""
        items = list(items) if total is None else items
        total = len(items) if total is None else total
        step = max(1, total // 20)
        for index, item in enumerate(items, start=1):
            yield item
            if index == total or index % step == 0:
                self.say(f"  {label}: {index}/{total}")


def seed_accounts(ctx: DemoContext) -> None:
    """132 members with French names, two communication officers, one administrator."""
    User = get_user_model()
    password = DEMO_PASSWORD if getattr(settings, "SEED_DEMO_PASSWORDS", False) else None
    communication = Group.objects.get_or_create(name="Communication")[0]

    def account(username, first, last, **extra):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@reseau.example.org", **extra},
        )
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
        return user

    ctx.data["admin"] = account("admin", "Alice", "Administratrice", is_staff=True, is_superuser=True)
    for username, first, last in [("communication", "Claire", "Communication"), ("redaction", "Paul", "Rédaction")]:
        user = account(username, first, last, is_staff=True)
        user.groups.add(communication)
        ctx.staff.append(user)

    rng = ctx.rng
    seen = set()
    for _ in ctx.progress(range(MEMBER_COUNT), "membres"):
        while True:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            if (first, last) not in seen:
                seen.add((first, last))
                break
        username = slug_username(first, last)
        ctx.members.append(account(username, first, last))


def slug_username(first: str, last: str) -> str:
    from django.utils.text import slugify

    return f"{slugify(first)}.{slugify(last)}"


def run_steps(ctx: DemoContext, steps: list[tuple[str, Callable[[DemoContext], None]]]) -> None:
    for label, step in steps:
        ctx.say(f"{label}…")
        step(ctx)
