"""The directory at 1,500 profiles: search with two filters, the A–Z index, a profile, the CSV export.

Profiles missing up to 1,500 are added here in bulk (deterministically, derived columns filled the way
``Profile.save()`` fills them), so the figures are the same at every demo scale. Target from issue 4:
median under 50 ms and at most 15 SQL queries for a directory page with two filters.
"""

from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from people.models import ExpertiseTerm, Platform, Profile, Role, Site
from people.text import fold
from portal.demo import FIRST_NAMES, LAST_NAMES

TARGET_PROFILES = 1500


def run(bench):
    if not Platform.objects.filter(acronym="CYTO").exists():
        bench.note("No directory reference data: run seed_demo first.")
        return
    add_profiles_up_to(TARGET_PROFILES)
    member = Profile.objects.active().select_related("user").first().user
    staff = get_user_model().objects.filter(groups__name="Communication").first()
    site = Platform.objects.get(acronym="CYTO").site
    bench.note(f"{Profile.objects.active().count()} listed profiles")

    directory = reverse("people:directory")
    bench.measure_get("directory, first page (member)", directory, user=member)
    two_filters = f"{directory}?q=cytometrie&site={site.slug}&role={Role.ENGINEER}"
    result = bench.measure_get(
        "directory: search + two filters (member)",
        two_filters,
        user=member,
        note="target: median < 50 ms, at most 15 queries",
    )
    bench.note(
        f"search with two filters: median {result.median_ms} ms (target < 50), {result.queries} queries (target ≤ 15)"
    )
    bench.measure_get("directory: letter M, page 2 (member)", f"{directory}?lettre=M&page=2", user=member)
    profile = Profile.objects.active().filter(platforms__acronym="CYTO").first()
    bench.measure_get("profile page (member)", profile.get_absolute_url(), user=member)
    bench.measure_get("vCard (member)", reverse("people:vcard", args=[profile.slug]), user=member)
    if staff is not None:
        bench.measure_get(
            f"CSV export of {TARGET_PROFILES} profiles (communication)", reverse("people:export"), user=staff, repeat=5
        )


@transaction.atomic
def add_profiles_up_to(target: int) -> None:
    missing = target - Profile.objects.count()
    if missing <= 0:
        return
    rng = random.Random(1500)
    User = get_user_model()
    sites = list(Site.objects.all())
    platforms = list(Platform.objects.all())
    terms = list(ExpertiseTerm.objects.all())
    roles = [value for value, _label in Role.choices]
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(
            username=f"banc.{start + index}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            email=f"banc.{start + index}@reseau.example.org",
        )
        for index in range(missing)
    )
    if users[0].pk is None:  # databases that do not return ids from bulk inserts
        users = list(User.objects.filter(username__startswith="banc.").order_by("pk"))
    profiles, choices = [], []
    for user in users:
        platform, term = rng.choice(platforms), rng.choice(terms)
        site = platform.site or rng.choice(sites)
        words = [user.first_name, user.last_name, "Ingénieur", site.name, site.city, platform.name, platform.acronym]
        profiles.append(
            Profile(
                user=user,
                slug=f"banc-{user.pk}",
                job_title="Ingénieur",
                role=rng.choice(roles),
                site=site,
                sort_name=fold(f"{user.last_name} {user.first_name}"),
                search_text=fold(" ".join([*words, term.name])),
            )
        )
        choices.append((platform, term))
    profiles = Profile.objects.bulk_create(profiles)
    if profiles[0].pk is None:
        profiles = list(Profile.objects.filter(slug__startswith="banc-").order_by("pk"))
    Profile.platforms.through.objects.bulk_create(
        Profile.platforms.through(profile_id=profile.pk, platform_id=platform.pk)
        for profile, (platform, _term) in zip(profiles, choices, strict=True)
    )
    Profile.expertise.through.objects.bulk_create(
        Profile.expertise.through(profile_id=profile.pk, expertiseterm_id=term.pk)
        for profile, (_platform, term) in zip(profiles, choices, strict=True)
    )
