from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Profile
from .validators import normalize_orcid

PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}


class ProfileForm(forms.ModelForm):
    """What a member edits about themselves, names included (they live on the user account)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    photo_upload = forms.ImageField(
        label=_("New photo"),
        required=False,
        error_messages={
            "invalid_image": _("This file is not an image we can read: choose a JPEG, PNG or WebP photo."),
        },
    )
    remove_photo = forms.BooleanField(label=_("Remove my current photo"), required=False)

    class Meta:
        model = Profile
        fields = [
            "job_title",
            "role",
            "site",
            "platforms",
            "unit",
            "expertise",
            "keywords",
            "techniques",
            "languages",
            "phone",
            "office",
            "orcid",
            "hal_id",
            "bio",
            "email_visibility",
            "phone_visibility",
            "photo_visibility",
        ]
        widgets = {
            "platforms": forms.CheckboxSelectMultiple,
            "expertise": forms.CheckboxSelectMultiple,
            "email_visibility": forms.RadioSelect,
            "phone_visibility": forms.RadioSelect,
            "photo_visibility": forms.RadioSelect,
            "techniques": forms.Textarea(attrs={"rows": 3}),
            "bio": forms.Textarea(attrs={"rows": 5}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["photo_upload"].help_text = _("A JPEG, PNG or WebP image, %(size)s at most.") % {
            "size": filesizeformat(settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE)
        }
        self.order_fields(["first_name", "last_name", "photo_upload", "remove_photo"])

    def clean_orcid(self):
        return normalize_orcid(self.cleaned_data["orcid"])

    def clean_photo_upload(self):
        photo = self.cleaned_data.get("photo_upload")
        if photo and photo.image.format not in PHOTO_FORMATS:
            raise forms.ValidationError(
                self.fields["photo_upload"].error_messages["invalid_image"], code="invalid_image"
            )
        if photo and photo.size > settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE:
            raise forms.ValidationError(
                _("This photo is too large (%(size)s): the maximum is %(max)s."),
                code="file_too_large",
                params={
                    "size": filesizeformat(photo.size),
                    "max": filesizeformat(settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE),
                },
            )
        return photo


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account will be closed and my personal data erased, and that this is final."),
        error_messages={"required": _("Tick the box to confirm that you want your account deleted.")},
    )
