"""Keep each profile's derived columns (listing flag, sort name, search text) in step with what they copy."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import Signal, receiver

from .models import ExpertiseTerm, Platform, Profile, Site

# Sent with ``user`` once a member's personal data has been erased (people.services.anonymize_member),
# inside the same transaction: apps holding their own copies (comment author names, emails) erase them too.
member_anonymized = Signal()


def refresh_profiles(profiles) -> None:
    for profile in profiles:
        profile.save(update_fields=[])


# The user fields a profile copies (names, listing, public email in the search index).
COPIED_USER_FIELDS = {"first_name", "last_name", "username", "email", "is_active"}


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    """Every account has its profile (sign-up, SSO, LDAP, import, admin); renames reach the profile."""
    if raw:
        return
    if created:
        Profile.objects.get_or_create(user=instance)
        return
    if update_fields is not None and not COPIED_USER_FIELDS & set(update_fields):
        return  # e.g. last_login at each sign-in
    refresh_profiles(Profile.objects.filter(user=instance).select_related("user", "site"))


@receiver(m2m_changed, sender=Profile.platforms.through)
@receiver(m2m_changed, sender=Profile.expertise.through)
def profile_terms_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_profiles([instance])
    elif pk_set:
        refresh_profiles(Profile.objects.filter(pk__in=pk_set).select_related("user", "site"))


@receiver(post_save, sender=Site)
@receiver(post_save, sender=Platform)
@receiver(post_save, sender=ExpertiseTerm)
def reference_renamed(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    refresh_profiles(instance.profiles.select_related("user", "site"))
