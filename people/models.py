"""Who works where on what: member profiles and the reference data they point to.

Names and the email address live on the Django user (one source, also used by
sign-in and notifications); everything else a colleague wants to know lives on
the profile. Sites, platforms, the expertise vocabulary and referents are
managed by the communication staff in the Wagtail admin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from .text import fold
from .validators import validate_orcid


class Site(models.Model):
    """A university site of the network, where platforms and people are located."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in directory filter links."))
    city = models.CharField(_("city"), max_length=100)
    address = models.TextField(_("address"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return self.name


class Platform(models.Model):
    """A technology platform: a team and its instruments, open to the network's researchers."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in directory filter links."))
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="platforms"
    )
    head = models.ForeignKey(
        "people.Profile",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="platforms_headed",
    )
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("link"), blank=True, help_text=_("The platform's own website, if any."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return f"{self.name} ({self.acronym})"


class ExpertiseTerm(models.Model):
    """One entry of the controlled expertise vocabulary, so that filters group people reliably."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used in directory filter links."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("expertise term")
        verbose_name_plural = _("expertise vocabulary")

    def __str__(self):
        return self.name


class Visibility(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    MEMBERS = "members", _("Members of the network")
    ONLY_ME = "only_me", _("Only me")


class Role(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    ENGINEER = "engineer", _("Engineer")
    TECHNICIAN = "technician", _("Technician")
    PLATFORM_HEAD = "platform_head", _("Platform head")
    MANAGEMENT = "management", _("Management")
    ADMINISTRATION = "administration", _("Administrative staff")
    PHD_STUDENT = "phd_student", _("PhD student")
    OTHER = "other", _("Other")


# The fields whose owner chooses who sees them (``<name>_visibility``).
PERSONAL_FIELDS = ("email", "phone", "photo")


@dataclass(frozen=True)
class ContactDetails:
    """What one viewer may see of a profile's personal fields (None when hidden or empty)."""

    email: str | None
    phone: str | None
    photo: object | None


class ProfileQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def active(self) -> ProfileQuerySet:
        """Profiles of current members: not deactivated, not anonymized."""
        return self.filter(is_listed=True)

    def visible_to(self, viewer) -> ProfileQuerySet:
        """The directory is for members unless DIRECTORY_REQUIRES_LOGIN is switched off."""
        if settings.DIRECTORY_REQUIRES_LOGIN and not (viewer and viewer.is_authenticated):
            return self.none()
        return self.active()

    def for_cards(self) -> ProfileQuerySet:
        """What cards, lists and exports show, as plain lists (``platform_list``, ``expertise_list``)."""
        return self.select_related("user", "site").prefetch_related(
            models.Prefetch("platforms", to_attr="platform_list"),
            models.Prefetch("expertise", to_attr="expertise_list"),
        )


class Profile(index.Indexed, models.Model):
    """A member as colleagues see them in the directory; one per user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="profile"
    )
    slug = models.SlugField(_("slug"), max_length=80, unique=True, editable=False)
    photo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    platforms = models.ManyToManyField(Platform, verbose_name=_("platforms"), blank=True, related_name="profiles")
    unit = models.CharField(_("unit or laboratory"), max_length=200, blank=True)
    expertise = models.ManyToManyField(ExpertiseTerm, verbose_name=_("expertise"), blank=True, related_name="profiles")
    keywords = models.CharField(
        _("other keywords"), max_length=255, blank=True, help_text=_("Free keywords, separated by commas.")
    )
    techniques = models.TextField(_("techniques and instruments"), blank=True, max_length=1000)
    languages = models.CharField(_("languages spoken"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    office = models.CharField(_("office"), max_length=100, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("For example 0000-0002-1825-0097."),
    )
    hal_id = models.CharField(
        _("HAL identifier"), max_length=100, blank=True, help_text=_("Your idHAL, for example camille-martin.")
    )
    bio = models.TextField(_("short biography"), blank=True, max_length=1000)
    member_since = models.DateField(_("member since"), default=timezone.localdate)
    email_visibility = models.CharField(
        _("who sees my email"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    phone_visibility = models.CharField(
        _("who sees my phone"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    photo_visibility = models.CharField(
        _("who sees my photo"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    anonymized_at = models.DateTimeField(_("anonymized on"), null=True, blank=True, editable=False)
    # Derived from the fields above on save, so that listing and searching stay single indexed queries.
    is_listed = models.BooleanField(_("listed in the directory"), default=True, editable=False)
    sort_name = models.CharField(max_length=310, editable=False, db_index=True)
    search_text = models.TextField(editable=False, blank=True)

    objects = ProfileQuerySet.as_manager()

    # Only what every visitor may see goes into the index; personal fields only through public_contact.
    search_fields = [
        index.SearchField("full_name", boost=3),
        index.AutocompleteField("full_name"),
        index.SearchField("job_title", boost=2),
        index.SearchField("unit"),
        index.SearchField("keywords"),
        index.SearchField("techniques"),
        index.SearchField("bio"),
        index.SearchField("public_contact"),
        index.RelatedFields("site", [index.SearchField("name"), index.SearchField("city")]),
        index.RelatedFields("platforms", [index.SearchField("name"), index.SearchField("acronym")]),
        index.RelatedFields("expertise", [index.SearchField("name", boost=2)]),
        index.FilterField("is_listed"),
        index.FilterField("site"),
        index.FilterField("role"),
    ]

    class Meta:
        ordering = ["sort_name"]
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        if not self.slug.startswith(slugify(self.full_name)[:70] or "membre"):
            self.slug = self.unique_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "slug", "is_listed", "sort_name", "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("people:profile", kwargs={"slug": self.slug})

    @property
    def is_anonymized(self) -> bool:
        return self.anonymized_at is not None

    @property
    def full_name(self) -> str:
        if self.is_anonymized:
            return str(_("Former member"))
        return self.user.get_full_name() or self.user.get_username()

    @property
    def initials(self) -> str:
        parts = [self.user.first_name, self.user.last_name] if not self.is_anonymized else []
        return "".join(part[0] for part in parts if part).upper() or "?"

    @property
    def avatar_tone(self) -> int:
        """One of six background tones for the initials avatar, stable for a person."""
        return (self.pk or 0) % 6

    @property
    def orcid_url(self) -> str:
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def hal_url(self) -> str:
        return f"https://cv.hal.science/{self.hal_id}" if self.hal_id else ""

    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    def visible_fields_for(self, viewer) -> frozenset[str]:
        """THE visibility rule of personal fields, reused by pages, vCards, CSV and the search index."""
        if viewer is not None and viewer.is_authenticated and viewer.pk == self.user_id:
            return frozenset(PERSONAL_FIELDS)
        allowed = {Visibility.EVERYONE}
        if viewer is not None and viewer.is_authenticated and viewer.is_active:
            allowed.add(Visibility.MEMBERS)
        return frozenset(name for name in PERSONAL_FIELDS if getattr(self, f"{name}_visibility") in allowed)

    def contact_for(self, viewer) -> ContactDetails:
        visible = self.visible_fields_for(viewer)
        return ContactDetails(
            email=(self.user.email or None) if "email" in visible else None,
            phone=(self.phone or None) if "phone" in visible else None,
            photo=self.photo if "photo" in visible else None,
        )

    def public_contact(self) -> str:
        """The email and phone a visitor who is not signed in may see (indexed for search)."""
        contact = self.contact_for(AnonymousUser())
        return " ".join(value for value in (contact.email, contact.phone) if value)

    def refresh_derived_fields(self) -> None:
        user = self.user
        self.is_listed = user.is_active and not self.is_anonymized
        self.sort_name = fold(f"{user.last_name} {user.first_name}") or fold(user.get_username())
        words = [user.first_name, user.last_name, self.job_title, self.unit, self.keywords, self.techniques]
        if self.site_id:
            words += [self.site.name, self.site.city]
        if self.pk:
            words += [name for pair in self.platforms.values_list("name", "acronym") for name in pair]
            words += list(self.expertise.values_list("name", flat=True))
        self.search_text = fold(" ".join(word for word in words if word))

    def unique_slug(self) -> str:
        base = slugify(self.full_name)[:70] or "membre"
        slug, counter = base, 2
        while Profile.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, counter = f"{base}-{counter}", counter + 1
        return slug

    @classmethod
    def get_indexed_objects(cls):
        return super().get_indexed_objects().filter(is_listed=True)


class Referent(models.Model):
    """Who to contact ("Qui contacter ?") about a platform, a site or a topic: exactly one of the three."""

    profile = models.ForeignKey(
        Profile, verbose_name=_("person"), on_delete=models.CASCADE, related_name="referent_roles"
    )
    platform = models.ForeignKey(
        Platform, verbose_name=_("platform"), null=True, blank=True, on_delete=models.CASCADE, related_name="referents"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.CASCADE, related_name="referents"
    )
    topic = models.CharField(
        _("topic"), max_length=150, blank=True, help_text=_("For example: data protection, training, purchasing.")
    )
    description = models.CharField(
        _("what to contact them about"), max_length=255, blank=True, help_text=_("Optional, one sentence.")
    )

    class Meta:
        ordering = ["topic", "platform__name", "site__name"]
        verbose_name = _("referent")
        verbose_name_plural = _("referents")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(platform__isnull=False, site__isnull=True, topic="")
                    | Q(platform__isnull=True, site__isnull=False, topic="")
                    | (Q(platform__isnull=True, site__isnull=True) & ~Q(topic=""))
                ),
                name="referent_of_exactly_one_thing",
                violation_error_message=_("Choose a platform, a site or a topic: exactly one of them."),
            )
        ]

    def __str__(self):
        return f"{self.profile} — {self.subject}"

    @property
    def subject(self) -> str:
        return self.topic or str(self.platform or self.site)
