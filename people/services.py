"""The directory's rules as small functions: staff rights, exports, personal data, anonymization."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.images import get_image_model
from wagtail.models import Collection, Page

from portal.pages import PortalPageQuerySet
from portal.roles import is_communication_staff  # noqa: F401  (the directory asks services for it)

from .models import PERSONAL_FIELDS, Profile, Visibility
from .signals import member_anonymized

PHOTO_COLLECTION = "Photos de profil"


def profile_for(user) -> Profile:
    """The user's profile, created empty the first time they open it."""
    profile, _created = Profile.objects.select_related("site", "photo").get_or_create(user=user)
    profile.user = user
    return profile


# vCard -------------------------------------------------------------------------------------------


def _vcard_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def vcard_for(profile: Profile, viewer, profile_url: str = "") -> str:
    """A vCard 3.0 of what this viewer may see of the profile (CRLF line ends, as RFC 2426 asks)."""
    contact = profile.contact_for(viewer)
    user = profile.user
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_vcard_escape(user.last_name)};{_vcard_escape(user.first_name)};;;",
        f"FN:{_vcard_escape(profile.full_name)}",
    ]
    organisation = [settings.WAGTAIL_SITE_NAME] + ([profile.unit] if profile.unit else [])
    lines.append("ORG:" + ";".join(_vcard_escape(part) for part in organisation))
    if profile.job_title:
        lines.append(f"TITLE:{_vcard_escape(profile.job_title)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_vcard_escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_vcard_escape(contact.phone)}")
    if profile.site_id and profile.site.address:
        lines.append(f"ADR;TYPE=WORK:;;{_vcard_escape(profile.site.address)};{_vcard_escape(profile.site.city)};;;")
    if profile.orcid:
        lines.append(f"URL:{profile.orcid_url}")
    if profile_url:
        lines.append(f"URL:{profile_url}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


# CSV export --------------------------------------------------------------------------------------


def export_csv(profiles: Iterable[Profile], viewer) -> str:
    """Profiles (from ``for_cards()``) as a spreadsheet: ";" separated for French software, hidden fields empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Last name"),
            _("First name"),
            _("Email"),
            _("Phone"),
            _("Job title"),
            _("Role"),
            _("Site"),
            _("Platforms"),
            _("Unit or laboratory"),
            _("Expertise"),
            _("Office"),
            _("ORCID iD"),
        ]
    )
    for profile in profiles:
        contact = profile.contact_for(viewer)
        writer.writerow(
            [
                profile.user.last_name,
                profile.user.first_name,
                contact.email or "",
                contact.phone or "",
                profile.job_title,
                profile.get_role_display(),
                profile.site.name if profile.site else "",
                ", ".join(platform.acronym for platform in profile.platform_list),
                profile.unit,
                ", ".join(term.name for term in profile.expertise_list),
                profile.office,
                profile.orcid,
            ]
        )
    return buffer.getvalue()


# Personal data -----------------------------------------------------------------------------------


def personal_data(user) -> dict:
    """Everything the portal keeps about this member, for the right of access (GDPR art. 15)."""
    profile = profile_for(user)
    return {
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "profile": {
            "job_title": profile.job_title,
            "role": profile.role,
            "site": profile.site.name if profile.site else None,
            "platforms": [str(platform) for platform in profile.platforms.all()],
            "unit": profile.unit,
            "expertise": [term.name for term in profile.expertise.all()],
            "keywords": profile.keyword_list(),
            "techniques": profile.techniques,
            "languages": profile.languages,
            "phone": profile.phone,
            "office": profile.office,
            "orcid": profile.orcid,
            "hal_id": profile.hal_id,
            "bio": profile.bio,
            "member_since": profile.member_since.isoformat(),
            "photo": profile.photo.file.name if profile.photo else None,
            "visibility": {name: getattr(profile, f"{name}_visibility") for name in PERSONAL_FIELDS},
            "referent_for": [role.subject for role in profile.referent_roles.select_related("platform", "site")],
        },
        "pages_authored": [
            {"title": page.title, "url": page.url, "first_published_at": _isoformat(page.first_published_at)}
            for page in Page.objects.filter(owner=user).order_by("-first_published_at")
        ],
    }


def _isoformat(value):
    return value.isoformat() if value else None


@transaction.atomic
def anonymize_member(user: AbstractBaseUser) -> None:
    """Erase a member's personal data and close the account; what they wrote stays, signed "Former member"."""
    profile = profile_for(user)
    photo = profile.photo
    with override(settings.LANGUAGE_CODE):
        former_member = _("Former member")
    user.username = f"ancien-membre-{user.pk}"
    user.first_name = former_member
    user.last_name = ""
    user.email = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    profile.referent_roles.all().delete()
    profile.platforms_headed.update(head=None)
    profile.platforms.clear()
    profile.expertise.clear()
    for field_name in ("job_title", "role", "unit", "keywords", "techniques", "languages", "phone", "office"):
        setattr(profile, field_name, "")
    for field_name in ("orcid", "hal_id", "bio"):
        setattr(profile, field_name, "")
    profile.site = None
    profile.photo = None
    for name in PERSONAL_FIELDS:
        setattr(profile, f"{name}_visibility", Visibility.ONLY_ME)
    profile.anonymized_at = timezone.now()
    profile.slug = f"ancien-membre-{user.pk}"
    profile.save()
    if photo is not None:
        photo.delete()
    member_anonymized.send(sender=Profile, user=user)


# Photos ------------------------------------------------------------------------------------------


def save_profile_photo(profile: Profile, uploaded_file, uploaded_by) -> None:
    """Store an uploaded photo as a Wagtail image in the profile photos collection, replacing the old one."""
    Image = get_image_model()
    collection = Collection.objects.filter(name=PHOTO_COLLECTION).first()
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=PHOTO_COLLECTION)
    old_photo = profile.photo
    # A random name: the file and its renditions are never linked, and cannot be guessed either.
    uploaded_file.name = f"{secrets.token_hex(16)}{Path(uploaded_file.name).suffix.lower()}"
    profile.photo = Image.objects.create(
        title=profile.full_name, file=uploaded_file, collection=collection, uploaded_by_user=uploaded_by
    )
    profile.save(update_fields=["photo"])
    if old_photo is not None:
        old_photo.delete()


# What the profile page shows from other apps -----------------------------------------------------

ProfileGroupsProvider = Callable[[object, object], Iterable]
_profile_groups_provider: ProfileGroupsProvider | None = None


def register_profile_groups(provider: ProfileGroupsProvider) -> None:
    """Let the groups app list a member's groups on their profile: ``provider(member_user, viewer)``.

    It must return only the groups the viewer may see, each with ``__str__`` and ``get_absolute_url()``.
    """
    global _profile_groups_provider
    _profile_groups_provider = provider


def profile_groups(user, viewer) -> list:
    return list(_profile_groups_provider(user, viewer)) if _profile_groups_provider else []


def recent_pages_by(user, viewer, limit: int = 5) -> list[Page]:
    """The member's latest published pages (news, events…) that this viewer may see."""
    pages = PortalPageQuerySet(Page).filter(owner=user, depth__gt=2).visible_to(viewer)
    return list(pages.order_by("-first_published_at").specific(defer=True)[:limit])


def recent_documents_by(user, viewer, limit: int = 5) -> list:
    """The member's latest documents this viewer may see.

    The document model's own ``visible_to`` rule is used when it has one; until
    then only documents in collections without any view restriction are listed.
    """
    from wagtail.documents import get_document_model
    from wagtail.models import CollectionViewRestriction

    documents = get_document_model().objects.filter(uploaded_by_user=user)
    if hasattr(documents, "visible_to"):
        documents = documents.visible_to(viewer)
    else:
        restricted_paths = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
        for path in restricted_paths:
            documents = documents.exclude(collection__path__startswith=path)
    return list(documents.order_by("-created_at")[:limit])
