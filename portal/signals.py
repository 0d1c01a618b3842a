from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Site


@receiver(post_save, sender=Site)
def keep_django_site_in_step(sender, instance, **kwargs):
    """django-comments-xtd builds its links from django.contrib.sites."""
    if instance.is_default_site:
        from home.tree import sync_django_site

        sync_django_site()
