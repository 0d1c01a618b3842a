"""Daily digests for 1,500 members with 300 new items in a day, built and handed to the email backend.

The network is built inside a transaction rolled back at the end, so the other benchmarks
see the seeded demo unchanged. It is measured at half size, then at full size: the SQL
queries must grow with groups (audiences of private groups) and emails, not members × items.
Target: the full run under 60 s.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from groups.models import GroupCategory, GroupIndexPage, GroupPage, GroupPostPage, Membership
from groups.services import sync_auth_group_members
from home.tree import ensure_home_page
from notifications import services
from notifications.models import Activity, Frequency, Kind, Notification

GROUPS = 30
PRIVATE_GROUPS = 10
GROUPS_PER_MEMBER = 4
TARGET_SECONDS = 60


class Network:
    """Bench-only groups, members and posts, grown in steps."""

    def __init__(self):
        self.rng = random.Random(1500)
        self.now = timezone.now()
        self.groups = self._groups()
        self.members = []
        self.items = 0

    def _groups(self) -> list[GroupPage]:
        index = GroupIndexPage.objects.first() or ensure_home_page().add_child(
            instance=GroupIndexPage(title="Groupes", slug="groupes")
        )
        category = GroupCategory.objects.get_or_create(slug="bench", defaults={"name": "Bench"})[0]
        groups = []
        for number in range(GROUPS):
            group = GroupPage(
                title=f"Bench group {number:02d}",
                slug=f"bench-group-{number:02d}",
                category=category,
                visibility="members" if number < PRIVATE_GROUPS else "open",
            )
            index.add_child(instance=group)
            groups.append(GroupPage.objects.get(pk=group.pk))
        return groups

    def add_members(self, count: int) -> None:
        User = get_user_model()
        start = len(self.members)
        users = User.objects.bulk_create(
            [
                User(username=f"bench-reader-{n:04d}", email=f"bench-reader-{n:04d}@reseau.example.org")
                for n in range(start, start + count)
            ]
        )
        users = list(User.objects.filter(username__in=[u.username for u in users]).order_by("pk"))
        Membership.objects.bulk_create(
            [
                Membership(user=user, group=group)
                for user in users
                for group in self.rng.sample(self.groups, GROUPS_PER_MEMBER)
            ]
        )
        for group in self.groups:
            sync_auth_group_members(group.pk)
        self.members += users

    def add_items(self, count: int) -> None:
        """Posts published today, each in a member's daily digest as dispatch would have left it."""
        members_of = {group.pk: [] for group in self.groups}
        for membership in Membership.objects.filter(group__in=self.groups).values("group_id", "user_id"):
            members_of[membership["group_id"]].append(membership["user_id"])
        for number in range(self.items, self.items + count):
            group = self.groups[number % GROUPS]
            post = GroupPostPage(
                title=f"Billet {number}",
                slug=f"billet-{number}",
                body="<p>Compte rendu de la réunion, prochaines étapes et documents à relire.</p>",
                live=True,
                first_published_at=self.now,
            )
            group.add_child(instance=post)
            activity = Activity.objects.create(
                key=f"page:{post.pk}",
                kind=Kind.POST,
                page=post,
                group=group,
                title=post.title,
                excerpt="Compte rendu de la réunion, prochaines étapes et documents à relire.",
                url=post.url,
                created_at=self.now,
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        recipient_id=user_id, activity=activity, email_mode=Frequency.DAILY, created_at=self.now
                    )
                    for user_id in members_of[group.pk]
                ],
                batch_size=2000,
            )
        self.items += count


def run(bench):
    with transaction.atomic(), override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        network = Network()
        digest = services.DueDigest(Frequency.DAILY, "daily:bench", network.now + timedelta(minutes=1))
        sizes = []
        for members, items in ((750, 150), (750, 150)):
            network.add_members(members)
            network.add_items(items)
            sizes.append(measure_digest(bench, network, digest))
        (half, half_emails), (full, full_emails) = sizes
        bench.note(
            f"{GROUPS} groups ({PRIVATE_GROUPS} members-only), {GROUPS_PER_MEMBER} per member: "
            f"{half_emails} emails → {half.queries} queries; {full_emails} emails → {full.queries} queries "
            f"({(full.queries - half.queries) / max(1, full_emails - half_emails):.1f} more per extra email, "
            f"independent of the items in it)"
        )
        within = "within" if full.median_ms < TARGET_SECONDS * 1000 else "OVER"
        bench.note(f"full digest run: {full.median_ms / 1000:.1f} s, {within} the {TARGET_SECONDS} s target")
        group = network.groups[PRIVATE_GROUPS]
        post = GroupPostPage.objects.child_of(group).first()

        def dispatch_one():
            with transaction.atomic():
                Activity.objects.filter(page=post).delete()
                services.announce_page(post)
                mail.outbox.clear()
                transaction.set_rollback(True)

        bench.measure(f"one new post dispatched to a group of {group.memberships.count()} members", dispatch_one, 3)
        transaction.set_rollback(True)


def measure_digest(bench, network: Network, digest: services.DueDigest):
    emails = []

    def send():
        with transaction.atomic():
            report = services.send_digest(digest)
            emails.append(len(mail.outbox))
            mail.outbox.clear()
            transaction.set_rollback(True)
        return report

    label = f"daily digests: {len(network.members)} members, {network.items} items today"
    return bench.measure(label, send, repeat=1), emails[-1]
