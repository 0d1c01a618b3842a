"""The "Communication" group manages the directory's reference data and corrects profiles in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = {
    "site": ["add", "change", "delete", "view"],
    "platform": ["add", "change", "delete", "view"],
    "expertiseterm": ["add", "change", "delete", "view"],
    "referent": ["add", "change", "delete", "view"],
    "profile": ["change", "view"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("people")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    group, _ = Group.objects.get_or_create(name="Communication")
    for model, actions in PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="people", codename__in=codenames))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth.Permission")
    group = apps.get_model("auth.Group").objects.filter(name="Communication").first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="people"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(grant, revoke)]
