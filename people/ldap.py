"""Copy directory attributes from the university's LDAP into profiles, each time django-auth-ldap
populates a user (at sign-in, or for everyone with ``manage.py sync_ldap_people``)."""

from django.conf import settings

from .models import Profile


def update_profile_from_ldap(sender, user, ldap_user, **kwargs) -> None:
    """django-auth-ldap's ``populate_user`` receiver: LDAP attributes (lists of strings) → profile fields."""
    if user.pk is None:
        user.save()
    profile, _created = Profile.objects.get_or_create(user=user)
    profile.user = user
    for field_name, attribute in settings.PEOPLE_LDAP_PROFILE_ATTR_MAP.items():
        values = ldap_user.attrs.get(attribute) or ldap_user.attrs.get(attribute.lower()) or []
        if values:
            setattr(profile, field_name, values[0][: Profile._meta.get_field(field_name).max_length])
    profile.save()
