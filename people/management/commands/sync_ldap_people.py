"""Create or update every account and profile found under LDAP_SEARCH_BASE (needs django-auth-ldap)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Synchronize members from the university's LDAP: every entry matching LDAP_SYNC_FILTER under "
        "LDAP_SEARCH_BASE is created or updated through django-auth-ldap. See docs/people.md."
    )

    def handle(self, *args, **options):
        if not getattr(settings, "LDAP_SERVER_URI", ""):
            raise CommandError("LDAP is not configured: set LDAP_SERVER_URI and LDAP_SEARCH_BASE (docs/people.md).")
        import ldap
        from django_auth_ldap.backend import LDAPBackend

        connection = ldap.initialize(settings.AUTH_LDAP_SERVER_URI)
        if settings.AUTH_LDAP_START_TLS:
            connection.start_tls_s()
        connection.simple_bind_s(settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD)
        search = settings.AUTH_LDAP_USER_SEARCH
        username_attribute = getattr(settings, "LDAP_USERNAME_ATTRIBUTE", "uid")
        entries = connection.search_s(
            search.base_dn,
            ldap.SCOPE_SUBTREE,
            getattr(settings, "LDAP_SYNC_FILTER", "(objectClass=person)"),
            [username_attribute],
        )
        backend = LDAPBackend()
        usernames = [attrs[username_attribute][0].decode() for _dn, attrs in entries if attrs.get(username_attribute)]
        for index, username in enumerate(usernames, start=1):
            if backend.populate_user(username) is None:
                self.stderr.write(f"  {username}: not found by AUTH_LDAP_USER_SEARCH, skipped")
            if index % 50 == 0 or index == len(usernames):
                self.stdout.write(f"  {index}/{len(usernames)}")
        self.stdout.write(self.style.SUCCESS(f"{len(usernames)} LDAP entries synchronized."))
