from django.conf import settings


def portal(request):
    """What every page's header and footer need."""
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "oidc_enabled": settings.OIDC_ENABLED,
    }
