from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from discussions.models import CommentReport

COMMENT_MAX_LENGTH = getattr(settings, "COMMENT_MAX_LENGTH", 3000)


class CommentForm(forms.Form):
    """A comment or a reply; ``reply_to`` is checked against the page by the view."""

    comment = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown: **bold**, *italic*, [link](https://…), `code`, lists and > quotes."),
        error_messages={"required": _("Write something before sending your comment.")},
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(forms.ModelForm):
    reason = forms.ChoiceField(
        label=_("Why should this comment be removed?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )

    class Meta:
        model = CommentReport
        fields = ["reason", "details"]
        widgets = {"details": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"details": _("Optional: what the moderators should know.")}
