"""The directory's search: text, combinable facets with counts, and the A–Z index.

Each facet counts its options over the profiles matched by the text, the letter
and every *other* facet, so a visitor sees how many people each choice would
give. Options of one facet combine with OR, facets with AND. Other apps add
facets with ``register_facet`` (the groups app adds "group" that way).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import ExpertiseTerm, Platform, Profile, Role, Site
from .text import fold

LETTERS = string.ascii_uppercase
MAX_QUERY_LENGTH = 100


class InvalidDirectoryQuery(ValueError):
    """A parameter no link of ours produces (tampered URL): the view answers 404."""


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


class Facet:
    """A filter of the directory: a query parameter, how it narrows profiles, and its options with counts."""

    param: str
    label: str

    def clean(self, values: list[str]) -> list[str]:
        """Refuse (with InvalidDirectoryQuery) values no link of ours could carry, before any query."""
        return values

    def apply(self, profiles: QuerySet, values: list[str]) -> QuerySet:
        raise NotImplementedError

    def options(self, profiles: QuerySet, viewer, selected: list[str]) -> list[FacetOption]:
        raise NotImplementedError


@dataclass
class ModelFacet(Facet):
    """Options are rows of a model linked to profiles; the URL carries their slug (or another unique field).

    ``profile_path`` goes from a profile to the option model ("platforms"),
    ``reverse_path`` from the option model back to profiles ("profiles"), and
    ``option_queryset(viewer)`` says which options this viewer may see.
    """

    param: str
    label: str
    option_queryset: Callable[[object], QuerySet]
    profile_path: str
    reverse_path: str
    value_field: str = "slug"

    def clean(self, values):
        if self.value_field in ("pk", "id") and not all(value.isdigit() for value in values):
            raise InvalidDirectoryQuery(self.param)
        return values

    def apply(self, profiles, values):
        lookup = {f"{self.profile_path}__{self.value_field}__in": values}
        if self.is_single_valued:
            return profiles.filter(**lookup)
        # A subquery, so that a profile matching several values is listed once.
        return profiles.filter(pk__in=Profile.objects.filter(**lookup).values("pk"))

    @property
    def is_single_valued(self) -> bool:
        if "__" in self.profile_path:
            return False
        return Profile._meta.get_field(self.profile_path).many_to_one

    def options(self, profiles, viewer, selected):
        rows = self.option_queryset(viewer).annotate(
            matches=Count(self.reverse_path, filter=Q(**{f"{self.reverse_path}__in": profiles.values("pk")}))
        )
        return [
            FacetOption(str(value), str(row), row.matches, str(value) in selected)
            for row in rows
            if (value := getattr(row, self.value_field)) is not None and (row.matches or str(value) in selected)
        ]


class RoleFacet(Facet):
    param = "role"
    label = _("Role")

    def apply(self, profiles, values):
        return profiles.filter(role__in=values)

    def options(self, profiles, viewer, selected):
        counts = dict(profiles.order_by().values_list("role").annotate(matches=Count("pk")))
        return [
            FacetOption(value, str(label), counts.get(value, 0), value in selected)
            for value, label in Role.choices
            if counts.get(value) or value in selected
        ]


_registered_facets: list[Facet] = [
    ModelFacet("site", _("Site"), lambda viewer: Site.objects.all(), "site", "profiles"),
    ModelFacet("plateforme", _("Platform"), lambda viewer: Platform.objects.all(), "platforms", "profiles"),
    RoleFacet(),
    ModelFacet("expertise", _("Expertise"), lambda viewer: ExpertiseTerm.objects.all(), "expertise", "profiles"),
]


def register_facet(facet: Facet) -> None:
    """Add a facet to the directory (call from an AppConfig.ready())."""
    if facet.param in {registered.param for registered in _registered_facets}:
        return
    _registered_facets.append(facet)


def registered_facets() -> list[Facet]:
    return list(_registered_facets)


@dataclass
class FacetResult:
    facet: Facet
    options: list[FacetOption]

    @property
    def selected(self) -> list[FacetOption]:
        return [option for option in self.options if option.selected]


@dataclass
class DirectoryResult:
    profiles: QuerySet
    query: str
    letter: str
    facets: list[FacetResult] = field(default_factory=list)
    letters: list[FacetOption] = field(default_factory=list)

    @property
    def total(self) -> int:
        """How many profiles match, known from the letter counts without another query."""
        return sum(option.count for option in self.letters if option.selected or not self.letter)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.letter or any(result.selected for result in self.facets))


def search_text(profiles: QuerySet, query: str) -> QuerySet:
    """Every word must appear, accents and case ignored ("cytometrie" finds "cytométrie")."""
    for word in fold(query).split():
        profiles = profiles.filter(search_text__contains=word)
    return profiles


def search_directory(viewer, params: QueryDict, facets: list[Facet] | None = None) -> DirectoryResult:
    """Profiles this viewer may see, narrowed by the request's parameters, with counts for every choice."""
    facets = registered_facets() if facets is None else facets
    query = params.get("q", "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise InvalidDirectoryQuery("q")
    letter = params.get("lettre", "").upper()
    if letter and letter not in LETTERS:
        raise InvalidDirectoryQuery("lettre")
    selected = {facet.param: facet.clean([value for value in params.getlist(facet.param) if value]) for facet in facets}

    base = search_text(Profile.objects.visible_to(viewer), query)

    def narrowed(skip: str | None = None) -> QuerySet:
        profiles = base
        if letter and skip != "lettre":
            profiles = profiles.filter(sort_name__startswith=letter.lower())
        for facet in facets:
            if selected[facet.param] and facet.param != skip:
                profiles = facet.apply(profiles, selected[facet.param])
        return profiles

    facet_results = []
    for facet in facets:
        options = facet.options(narrowed(skip=facet.param), viewer, selected[facet.param])
        if set(selected[facet.param]) - {option.value for option in options}:
            raise InvalidDirectoryQuery(facet.param)
        facet_results.append(FacetResult(facet, options))

    letter_counts = dict(
        narrowed(skip="lettre")
        .order_by()
        .annotate(initial=Substr("sort_name", 1, 1))
        .values_list("initial")
        .annotate(matches=Count("pk"))
    )
    letters = [FacetOption(char, char, letter_counts.get(char.lower(), 0), char == letter) for char in LETTERS]
    return DirectoryResult(narrowed().order_by("sort_name", "pk"), query, letter, facet_results, letters)
