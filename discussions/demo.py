"""Demo comments and reactions whose figures match those reported for the network the portal is modelled on.

Runs after the news, events and groups seeds and uses the pages they made. Two periods are pinned:

- last November (of ``ctx.now``'s year, or the year before if November is not over): comments on posts of
  project groups are 34% of the month's comments, network news groups 26%, best-practice sharing 25%, the
  rest (other groups, news, events) 15%;
- the first half of that year (January to June): 15% of the 132 members are *hyperactive publishers*, that
  is, published at least ``HYPERACTIVE_THRESHOLD`` posts and comments, and 37% *interacted* (commented,
  published a page or reacted).

Every other comment and reaction falls outside both periods, so the pinned figures stay exact. Authors
only comment on pages they can read, after the page was published. Deterministic through ``ctx.rng``.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from wagtail.models import Page

from discussions import services
from discussions.models import Comment, Reaction
from portal.demo import DemoContext
from portal.pages import PortalPageQuerySet

HYPERACTIVE_THRESHOLD = 10
HYPERACTIVE_SHARE = 0.15
INTERACTED_SHARE = 0.37
NOVEMBER_SHARES = {"projets": 34, "actualites-reseau": 26, "bonnes-pratiques": 25, "elsewhere": 15}
NOVEMBER_COMMENTS_PER_SCALE = 200
OTHER_COMMENTS_PER_SCALE = 150
OTHER_REACTIONS_PER_SCALE = 300
REPLY_PROBABILITY = 0.45
COMMENTABLE_MODELS = ["groups.GroupPostPage", "news.NewsPage", "events.EventPage"]

COMMENTS = [
    "Merci pour ce partage, c'est **très utile** pour notre plateforme.",
    "Nous avons rencontré le même problème l'an dernier : la solution est passée par une mutualisation.",
    "Est-ce que quelqu'un a un retour d'expérience sur ce point ? Je suis preneur.",
    "Bonne idée. Je propose d'en parler à la prochaine réunion du groupe.",
    "Quelques éléments de notre côté :\n\n- le budget a été voté en juin ;\n- la livraison est prévue à l'automne.",
    "> Le calendrier est serré\n\nC'est vrai, mais tenable si les sites s'organisent dès maintenant.",
    "Je transmets à l'équipe technique, ils pourront répondre plus précisément.",
    "Le compte rendu est disponible dans la bibliothèque du groupe.",
    "Attention à la *compatibilité* avec les anciens équipements, nous avons eu des surprises.",
    "Voir aussi la [charte du réseau](https://www.example.org/charte) sur ce sujet.",
    "Tout à fait d'accord avec la proposition.",
    "Pouvez-vous préciser le périmètre ? Les plateformes régionales sont-elles concernées ?",
    "Nous pouvons accueillir une formation sur notre site au printemps.",
    "La commande groupée a permis une économie d'environ 15 %.",
    "Merci, c'est noté. Je reviens vers vous après le comité.",
    "Un point à vérifier : le `protocole v2` remplace-t-il l'ancien ?",
]
REPLIES = [
    "Merci pour la précision !",
    "Oui, c'est bien ça.",
    "Je confirme, même constat chez nous.",
    "Bonne question, je me renseigne.",
    "D'accord, on en reparle à la réunion.",
    "C'est corrigé dans la dernière version du document.",
]


@dataclass(frozen=True)
class Commentable:
    page_id: int
    published_at: datetime
    bucket: str


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def reference_year(now: datetime) -> int:
    """The year of the last complete November."""
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.year if local.month == 12 else local.year - 1


def november(now: datetime) -> Period:
    year, zone = reference_year(now), ZoneInfo(settings.TIME_ZONE)
    return Period(datetime(year, 11, 1, tzinfo=zone), datetime(year, 12, 1, tzinfo=zone))


def first_half(now: datetime) -> Period:
    year, zone = reference_year(now), ZoneInfo(settings.TIME_ZONE)
    return Period(datetime(year, 1, 1, tzinfo=zone), datetime(year, 7, 1, tzinfo=zone))


def seed(ctx: DemoContext) -> None:
    if Comment.objects.exists():
        ctx.say("  commentaires déjà présents : rien à ajouter")
        return
    pages = commentable_pages()
    if not pages or not ctx.members:
        ctx.say("  aucune page à commenter")
        return
    seeder = DiscussionSeeder(ctx, pages)
    seeder.plan_first_half()
    seeder.plan_november()
    seeder.plan_other_comments()
    seeder.create_comments()
    seeder.create_reactions()
    seeder.create_reports()


def commentable_pages() -> list[Commentable]:
    """Live news, events and group posts, each in the bucket its November share is counted in."""
    models = [apps.get_model(label) for label in COMMENTABLE_MODELS if apps.is_installed(label.split(".")[0])]
    category_by_group_path = {}
    if apps.is_installed("groups"):
        from groups.models import GroupPage

        category_by_group_path = {
            group.path: group.category.slug if group.category else ""
            for group in GroupPage.objects.live().select_related("category")
        }
    pages = []
    for model in models:
        for page in model.objects.live().filter(first_published_at__isnull=False).order_by("pk"):
            category = category_by_group_path.get(page.path[: -Page.steplen], "")
            bucket = category if category in NOVEMBER_SHARES else "elsewhere"
            pages.append(Commentable(page.pk, page.first_published_at, bucket))
    return pages


class DiscussionSeeder:
    def __init__(self, ctx: DemoContext, pages: list[Commentable]):
        self.ctx, self.rng = ctx, ctx.rng
        self.pages = {page.page_id: page for page in pages}
        self.members = sorted(ctx.members, key=lambda user: user.pk)
        self.first_half = first_half(ctx.now)
        self.november = november(ctx.now)
        self.readable = self.pages_readable_by_member()
        self.readers = defaultdict(list)
        for member in self.members:
            for page_id in self.readable[member.pk]:
                self.readers[page_id].append(member)
        self.planned: list[tuple[datetime, object, int]] = []
        self.reactions: list[tuple[datetime, object]] = []
        self.interacting: list = []

    def pages_readable_by_member(self) -> dict[int, list[int]]:
        readable = {}
        for member in self.members:
            if hasattr(member, "_portal_group_ids"):
                del member._portal_group_ids  # memberships were just seeded
            visible = PortalPageQuerySet(Page).visible_to(member).filter(pk__in=self.pages.keys())
            readable[member.pk] = sorted(visible.values_list("pk", flat=True))
        return readable

    def random_moment(self, period: Period, not_before: datetime) -> datetime:
        start = max(period.start, not_before)
        return start + timedelta(seconds=self.rng.uniform(0, (period.end - start).total_seconds()))

    def plan_comment_for(self, member, period: Period) -> bool:
        candidates = [pk for pk in self.readable[member.pk] if self.pages[pk].published_at < period.end]
        if not candidates:
            return False
        page_id = self.rng.choice(candidates)
        self.planned.append((self.random_moment(period, self.pages[page_id].published_at), member, page_id))
        return True

    def plan_first_half(self) -> None:
        """Pick the hyperactive publishers and the members who interact, around what the groups seed published."""
        period = self.first_half
        member_ids = {member.pk for member in self.members}
        published = defaultdict(int)
        for owner_id in Page.objects.filter(
            owner_id__in=member_ids, first_published_at__gte=period.start, first_published_at__lt=period.end
        ).values_list("owner_id", flat=True):
            published[owner_id] += 1
        interacted_count = round(INTERACTED_SHARE * len(self.members))
        hyperactive_count = round(HYPERACTIVE_SHARE * len(self.members))
        publishers = [member for member in self.members if published[member.pk]]
        others = [member for member in self.members if not published[member.pk]]
        interacting = publishers + self.rng.sample(others, max(0, interacted_count - len(publishers)))
        already_hyperactive = [m for m in interacting if published[m.pk] >= HYPERACTIVE_THRESHOLD]
        rest = [m for m in interacting if published[m.pk] < HYPERACTIVE_THRESHOLD and self.readable[m.pk]]
        hyperactive = already_hyperactive + self.rng.sample(rest, max(0, hyperactive_count - len(already_hyperactive)))
        if len(publishers) > interacted_count or len(hyperactive) != hyperactive_count:
            self.ctx.say("  attention : les publications existantes empêchent d'atteindre les chiffres visés")
        self.interacting = interacting
        for member in interacting:
            if member in hyperactive:
                wanted = max(
                    0, self.rng.randint(HYPERACTIVE_THRESHOLD, HYPERACTIVE_THRESHOLD + 8) - published[member.pk]
                )
            elif published[member.pk] or self.rng.random() < 0.4 or not self.readable[member.pk]:
                wanted = min(self.rng.randint(0, 2), HYPERACTIVE_THRESHOLD - 1 - published[member.pk])
            else:
                wanted = self.rng.randint(1, 4)
            planned = sum(self.plan_comment_for(member, period) for _ in range(wanted))
            if (not planned and not published[member.pk]) or self.rng.random() < 0.5:
                self.plan_reaction(member, period)

    def plan_november(self) -> None:
        total = NOVEMBER_COMMENTS_PER_SCALE * self.ctx.scale
        by_bucket = defaultdict(list)
        for page in self.pages.values():
            if page.published_at < self.november.end and self.readers[page.page_id]:
                by_bucket[page.bucket].append(page)
        for bucket, share in NOVEMBER_SHARES.items():
            candidates = by_bucket[bucket] or by_bucket["elsewhere"]
            if not candidates:
                self.ctx.say(f"  attention : aucune page pour « {bucket} » en novembre")
                continue
            for _ in range(total * share // 100):
                page = self.rng.choice(candidates)
                author = self.rng.choice(self.readers[page.page_id])
                self.planned.append((self.random_moment(self.november, page.published_at), author, page.page_id))

    def other_periods(self) -> list[Period]:
        """Everything since the oldest page, except the two pinned periods."""
        oldest = min(page.published_at for page in self.pages.values())
        now = self.ctx.now
        periods = [
            Period(oldest, self.first_half.start),
            Period(self.first_half.end, self.november.start),
            Period(self.november.end, now),
        ]
        return [period for period in periods if period.end - period.start > timedelta(days=1)]

    def plan_other_comments(self) -> None:
        periods = self.other_periods()
        for _ in range(OTHER_COMMENTS_PER_SCALE * self.ctx.scale):
            period = self.rng.choice(periods)
            self.plan_comment_for(self.rng.choice(self.members), period)
        for _ in range(OTHER_REACTIONS_PER_SCALE * self.ctx.scale):
            self.plan_reaction(self.rng.choice(self.members), self.rng.choice(periods))

    def plan_reaction(self, member, period: Period) -> None:
        self.reactions.append((self.random_moment(period, period.start), member))

    def create_comments(self) -> None:
        """In date order, so replies follow what they answer and threads read chronologically."""
        self.planned.sort(key=lambda item: item[0])
        self.created: dict[int, list[Comment]] = defaultdict(list)
        pages = {page.pk: page for page in Page.objects.filter(pk__in=self.pages.keys()).specific()}
        for moment, author, page_id in self.ctx.progress(self.planned, "commentaires"):
            earlier = [c for c in self.created[page_id] if c.level < 2 and not c.is_removed]
            parent = self.rng.choice(earlier) if earlier and self.rng.random() < REPLY_PROBABILITY else None
            text = self.rng.choice(REPLIES if parent else COMMENTS)
            comment = services.add_comment(pages[page_id], author, text, parent=parent, submitted_at=moment)
            self.created[page_id].append(comment)

    def create_reactions(self) -> None:
        """Each planned reaction goes to a page or comment its author could read and that existed by then."""
        comments = sorted((c for page in self.created.values() for c in page), key=lambda c: c.submit_date)
        dates = [comment.submit_date for comment in comments]
        rows = []
        for moment, member in self.reactions:
            readable = set(self.readable[member.pk])
            earlier = comments[: bisect.bisect_left(dates, moment)]
            picks = (self.rng.choice(earlier) for _ in range(20 if earlier else 0))
            comment = next((c for c in picks if int(c.object_pk) in readable and c.user_id != member.pk), None)
            earlier_pages = [pk for pk in sorted(readable) if self.pages[pk].published_at < moment]
            if comment and (self.rng.random() < 0.5 or not earlier_pages):
                rows.append(Reaction(user=member, comment=comment, created_at=moment))
            elif earlier_pages:
                rows.append(Reaction(user=member, page_id=self.rng.choice(earlier_pages), created_at=moment))
        Reaction.objects.bulk_create(rows, ignore_conflicts=True)
        self.ctx.say(f"  réactions : {len(rows)}")

    def create_reports(self) -> None:
        """A few reports and one removal, so the Communication review list has something to show."""
        moderator = self.ctx.staff[0] if self.ctx.staff else None
        if moderator is None:
            return
        visible_to_moderator = set(
            PortalPageQuerySet(Page).visible_to(moderator).filter(pk__in=self.pages.keys()).values_list("pk", flat=True)
        )
        candidates = [
            c
            for pk in sorted(visible_to_moderator)
            for c in self.created.get(pk, [])
            if len(self.readers[pk]) > 1 and c.level == 0
        ][:3]
        for number, comment in enumerate(candidates):
            reporter = next(m for m in self.readers[int(comment.object_pk)] if m != comment.user)
            reason = ["spam", "off_topic", "abuse"][number]
            services.report_comment(reporter, comment, reason, "Signalé pendant la démonstration.")
        if candidates:
            services.remove_comment(moderator, candidates[-1])
        self.ctx.say(f"  signalements : {len(candidates)}")
