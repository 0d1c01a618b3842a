"""django-auth-ldap settings built from the environment (imported by the settings only when LDAP_SERVER_URI is set)."""

from django.core.exceptions import ImproperlyConfigured

DEFAULT_USER_ATTR_MAP = {"first_name": "givenName", "last_name": "sn", "email": "mail"}
DEFAULT_PROFILE_ATTR_MAP = {"job_title": "title", "phone": "telephoneNumber", "office": "roomNumber", "unit": "ou"}


def ldap_settings(env) -> dict:
    try:
        import ldap
        from django_auth_ldap.config import LDAPSearch
    except ImportError as error:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but django-auth-ldap is not installed (it needs python-ldap and the "
            "libldap2-dev, libsasl2-dev build packages): see docs/people.md."
        ) from error
    return {
        "AUTH_LDAP_SERVER_URI": env("LDAP_SERVER_URI"),
        "AUTH_LDAP_BIND_DN": env("LDAP_BIND_DN", default=""),
        "AUTH_LDAP_BIND_PASSWORD": env("LDAP_BIND_PASSWORD", default=""),
        "AUTH_LDAP_START_TLS": env.bool("LDAP_START_TLS", default=False),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            env("LDAP_SEARCH_BASE"), ldap.SCOPE_SUBTREE, env("LDAP_USER_FILTER", default="(uid=%(user)s)")
        ),
        "AUTH_LDAP_USER_ATTR_MAP": env.dict("LDAP_USER_ATTR_MAP", default=DEFAULT_USER_ATTR_MAP),
        "PEOPLE_LDAP_PROFILE_ATTR_MAP": env.dict("LDAP_PROFILE_ATTR_MAP", default=DEFAULT_PROFILE_ATTR_MAP),
        "LDAP_USERNAME_ATTRIBUTE": env("LDAP_USERNAME_ATTRIBUTE", default="uid"),
        "LDAP_SYNC_FILTER": env("LDAP_SYNC_FILTER", default="(objectClass=person)"),
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
    }
