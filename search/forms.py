"""Wagtail's document form, telling the version history who replaced a file."""

from wagtail.documents.forms import BaseDocumentForm


class ArchiveDocumentForm(BaseDocumentForm):
    def save(self, commit=True):
        if "file" in self.changed_data:
            self.instance.version_uploader = self.user
        return super().save(commit=commit)
