from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from notifications.models import GroupFrequency, GroupNotificationDefault, GroupSubscription, NotificationPreference

KIND_SWITCHES = ["posts", "replies", "documents", "events", "membership_requests"]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["frequency", "news_frequency", "language", *KIND_SWITCHES]
        widgets = {"frequency": forms.RadioSelect, "news_frequency": forms.RadioSelect}


class GroupSubscriptionForm(forms.ModelForm):
    """One group's override; the formset prefixes its fields with the group's position."""

    class Meta:
        model = GroupSubscription
        fields = ["frequency", *KIND_SWITCHES]


GroupSubscriptionFormSet = forms.modelformset_factory(
    GroupSubscription, form=GroupSubscriptionForm, extra=0, can_delete=False
)


class GroupDefaultForm(forms.ModelForm):
    class Meta:
        model = GroupNotificationDefault
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}
        help_texts = {
            "frequency": _("Applied when someone joins; each member can change it afterwards in their settings."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frequency"].choices = [
            (GroupFrequency.INHERIT, _("each member's own default")),
            *[(value, label) for value, label in GroupFrequency.choices if value != GroupFrequency.INHERIT],
        ]


class ImportantAnnouncementForm(forms.Form):
    page = forms.ModelChoiceField(
        label=_("Page to announce"),
        queryset=Page.objects.none(),
        help_text=_("It reaches every member who may read it, at once, whatever their settings."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm this announcement is important enough to reach every member now."), required=True
    )

    def __init__(self, *args, pages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["page"].queryset = pages if pages is not None else Page.objects.none()
        self.fields["page"].label_from_instance = lambda page: page.title
