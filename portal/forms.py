from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class PortalAuthenticationForm(AuthenticationForm):
    """Sign in with a username or an email address."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct username or email and password. Both fields may be case-sensitive."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and "@" in username:
            from django.contrib.auth import get_user_model

            user = get_user_model().objects.filter(email__iexact=username).first()
            if user is not None:
                self.cleaned_data["username"] = user.get_username()
        return super().clean()
