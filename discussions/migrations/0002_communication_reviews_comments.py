"""Communication staff review reported and removed comments in the Wagtail admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = "Communication"


def grant_review(apps, schema_editor):
    app_config = apps.get_app_config("discussions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group, _ = Group.objects.get_or_create(name=REVIEWERS)
    group.permissions.add(Permission.objects.get(content_type__app_label="discussions", codename="view_comment"))
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin").first()
    if access_admin:
        group.permissions.add(access_admin)


def revoke_review(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    for permission in Permission.objects.filter(content_type__app_label="discussions", codename="view_comment"):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(grant_review, revoke_review)]
