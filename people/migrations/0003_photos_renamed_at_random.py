"""Profile photos stored before pages linked them through ``people:photo`` kept their uploaded names,
and their renditions were linked directly: give each a random name and drop its renditions (they
are made again, under the new name, the first time a page asks). A file missing from the storage
is left as it is."""

import secrets
from pathlib import PurePosixPath

from django.db import migrations


def rename_photos(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    Image = apps.get_model("wagtailimages", "Image")
    Rendition = apps.get_model("wagtailimages", "Rendition")
    photo_ids = Profile.objects.exclude(photo=None).values_list("photo_id", flat=True)
    for image in Image.objects.filter(pk__in=list(photo_ids)):
        storage = image.file.storage
        old_name = image.file.name
        if not old_name or not storage.exists(old_name):
            continue
        path = PurePosixPath(old_name)
        with storage.open(old_name, "rb") as original:
            image.file.name = storage.save(str(path.with_name(f"{secrets.token_hex(16)}{path.suffix.lower()}")), original)
        image.save(update_fields=["file"])
        storage.delete(old_name)
        for rendition in Rendition.objects.filter(image=image):
            if rendition.file.name and rendition.file.storage.exists(rendition.file.name):
                rendition.file.storage.delete(rendition.file.name)
            rendition.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0002_communication_manages_directory"),
        ("wagtailimages", "0027_image_description"),
    ]

    operations = [migrations.RunPython(rename_photos, migrations.RunPython.noop)]
