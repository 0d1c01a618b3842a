"""Wagtail's document form, telling the version history who replaced a file."""

from wagtail.documents.forms import BaseDocumentForm


class ArchiveDocumentForm(BaseDocumentForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.uploader = user

    def save(self, commit=True):
        if "file" in self.changed_data:
            self.instance.version_uploader = self.uploader
        return super().save(commit=commit)
