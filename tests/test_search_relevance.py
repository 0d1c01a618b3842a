"""French relevance: 36 queries with their expected top-5 results, precision and recall per engine.

Runs on the engines that analyse French (PostgreSQL with ``french_unaccent``, osmem through
``opensearch3`` and through ``elasticsearch9``, a real Elasticsearch when configured). SQLite FTS5
folds accents but has no French stemmer: there it is skipped (a development engine).
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.search_engines import ENGINES, add_news, use_engine

pytestmark = pytest.mark.django_db

CORPUS = {
    "D1": ("Réunions du comité de pilotage", "Calendrier des réunions mensuelles du comité de pilotage du réseau."),
    "D2": ("L'évènement annuel du réseau", "Le grand évènement des plateformes se tient à Lyon en juin."),
    "D3": ("Comptes-rendus des plateformes", "Les comptes-rendus annuels des plateformes technologiques."),
    "D4": ("Séquençage haut débit", "La plateforme de séquençage reçoit un séquenceur à haut débit."),
    "D5": ("Cytométrie en flux : formation", "Formation à la cytométrie en flux pour les ingénieurs."),
    "D6": ("Spectrométrie de masse", "Le spectromètre de masse à haute résolution est opérationnel."),
    "D7": ("Microscopie électronique à transmission", "Les images de microscopie électronique du réseau."),
    "D8": ("Appel à projets équipements 2026", "Déposez vos projets d'équipements mutualisés avant mars."),
    "D9": ("Bioinformatique : calcul intensif", "Le cluster de calcul de bioinformatique s'agrandit."),
    "D10": ("Animalerie : déménagement", "Le déménagement de l'animalerie dans le bâtiment B."),
    "D11": ("Protéomique quantitative", "Atelier de protéomique quantitative par marquage."),
    "D12": ("Métabolomique et lipidomique", "Journée commune métabolomique et lipidomique."),
    "D13": ("Budget prévisionnel", "Le budget prévisionnel des plateformes est voté."),
    "D14": ("Charte des plateformes", "La charte fixe la tarification interne et l'accès prioritaire."),
    "D15": ("Cryo-microscopie électronique", "Arrivée d'un cryo-microscope électronique."),
    "D16": ("Recrutement d'un ingénieur", "Le réseau recrute un ingénieur d'études en imagerie."),
    "D17": ("Séminaire imagerie du vivant", "Séminaire sur l'imagerie du vivant à l'amphithéâtre Durand."),
    "D18": ("Assemblée générale", "Ordre du jour de l'assemblée générale des membres."),
    "D19": ("Formation sécurité laser", "Formation obligatoire à la sécurité des lasers."),
    "D20": ("Maintenance du cluster", "Interruption du cluster de calcul pour maintenance."),
    "D21": ("Prix de thèse", "Le prix de thèse récompense une doctorante en génomique."),
    "D22": ("Génomique fonctionnelle", "Les criblages de génomique fonctionnelle par CRISPR."),
    "D23": ("Tri cellulaire", "Le trieur de cellules est réservé aux utilisateurs formés."),
    "D24": ("Biobanque : nouveaux échantillons", "La biobanque reçoit de nouveaux échantillons sanguins."),
}

# query -> the results expected in the top 5 (an empty set: the query must match nothing)
QUERIES = {
    "réunion": {"D1"},
    "réunions comité": {"D1"},
    "evenement": {"D2"},
    "évènements": {"D2"},
    "compte rendu": {"D3"},
    "comptes-rendus": {"D3"},
    "sequencage": {"D4"},
    "séquenceurs": {"D4"},
    "cytometrie": {"D5"},
    "spectrometre": {"D6"},
    "spectromètres de masse": {"D6"},
    "microscopie electronique": {"D7", "D15"},
    "appel à projets": {"D8"},
    "equipement": {"D8"},
    "bioinformatique": {"D9"},
    "calcul": {"D9", "D20"},
    "animalerie": {"D10"},
    "demenagement": {"D10"},
    "proteomique": {"D11"},
    "lipidomique": {"D12"},
    "budgets": {"D13"},
    "tarification": {"D14"},
    "charte": {"D14"},
    "cryo microscope": {"D15"},
    "ingénieurs": {"D5", "D16"},
    "imagerie": {"D16", "D17"},
    "assemblee generale": {"D18"},
    "lasers": {"D19"},
    "maintenance": {"D20"},
    "these": {"D21"},
    "genomique": {"D21", "D22"},
    "cellules": {"D23"},
    "echantillon": {"D24"},
    "xyzzy": set(),
    "astrophysique": set(),
    "volcan": set(),
}


@pytest.fixture(params=ENGINES)
def relevance_corpus(request, settings, osmem_server, home_page):
    from news.models import NewsIndexPage

    engine = use_engine(request.param, request, settings, osmem_server)
    if request.param == "database" and connection.vendor == "sqlite":
        pytest.skip("SQLite FTS5 has no French stemmer (development engine)")
    index = home_page.add_child(instance=NewsIndexPage(title="Actualités", slug="actualites"))
    titles = {}
    for key, (title, excerpt) in CORPUS.items():
        add_news(index, title, excerpt=excerpt, days_ago=30)
        titles[title] = key
    engine.rebuild()
    return engine, titles


def test_french_relevance_precision_and_recall(client, relevance_corpus, capsys):
    engine, keys = relevance_corpus
    precisions, recalls, failures = [], [], []
    for query, expected in QUERIES.items():
        response = client.get("/recherche/", {"q": query})
        top = [keys[hit.title] for hit in response.context["page_obj"].object_list[:5]] if expected else []
        count = response.context["paginator"].count
        if not expected:
            precisions.append(1.0 if count == 0 else 0.0)
            recalls.append(1.0 if count == 0 else 0.0)
            if count:
                failures.append(f"{query!r} must match nothing, found {count}")
            continue
        relevant = [key for key in top if key in expected]
        precisions.append(len(relevant) / len(top) if top else 0.0)
        recalls.append(len(set(relevant)) / len(expected))
        if set(relevant) != expected:
            failures.append(f"{query!r}: expected {sorted(expected)} in the top 5, got {top}")
    precision = sum(precisions) / len(precisions)
    recall = sum(recalls) / len(recalls)
    with capsys.disabled():
        label = f"{engine.name}/{connection.vendor}"
        print(f"\n[{label}] {len(QUERIES)} queries: precision@5 {precision:.2f}, recall@5 {recall:.2f}")
        for failure in failures:
            print(f"  miss: {failure}")
    assert len(QUERIES) >= 30
    assert recall >= 0.95, failures
    assert precision >= 0.6, failures
    assert not [failure for failure in failures if "must match nothing" in failure]
