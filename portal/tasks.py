"""Background jobs of the portal itself."""

from django.core.management import call_command


def publish_scheduled() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled")
