"""Front-end forms: posting, uploading, inviting. Invalid input keeps what was typed."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.models import GroupPostPage, Membership
from groups.sanitize import has_visible_text, sanitize_post_html, validate_upload
from portal.markdown import POSTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field, each validated (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in files]
        for upload in cleaned:
            validate_upload(upload)
        return cleaned


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupPostPage.Kind.choices, initial=GroupPostPage.Kind.DISCUSSION)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Write the text of your post.")},
        help_text=_(
            "Separate paragraphs with a blank line. Formatting: **bold**, *italics*, [a link](https://…), "
            "lines starting with - or 1. for lists, > for a quote, # or ## for a heading."
        ),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=255, help_text=_("Separated by commas, e.g. cytometry, ISO 9001.")
    )
    attachments = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("Documents added to the group's library.")
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give your post a title."))
        return title

    def clean_body(self):
        body = sanitize_post_html(POSTS.to_html(self.cleaned_data["body"]))
        if not has_visible_text(body):
            raise forms.ValidationError(_("Write the text of your post."), code="empty")
        return body


class EditPostForm(PostForm):
    submission_token = None


class DocumentUploadForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=255, required=False, help_text=_("The file name is used if left empty.")
    )
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class InviteForm(forms.Form):
    person = forms.CharField(
        label=_("Username or email address"), max_length=254, help_text=_("The person must have an account.")
    )

    def __init__(self, *args, group, **kwargs):
        self.group = group
        super().__init__(*args, **kwargs)

    def clean_person(self):
        value = self.cleaned_data["person"].strip()
        user = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(username__iexact=value) | Q(email__iexact=value))
            .first()
        )
        if user is None:
            raise forms.ValidationError(_("Nobody in the network has this username or email address."))
        if Membership.objects.filter(user=user, group=self.group).exists():
            raise forms.ValidationError(_("This person is already a member, invited or waiting for approval."))
        return user


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=pgettext_lazy("group membership", "Role"), choices=Membership.Role.choices)
