"""ORCID iDs: the 16-character identifier with its ISO 7064 11,2 check character."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORCID_PATTERN = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
ORCID_URL_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def orcid_check_character(base_digits: str) -> str:
    """The ISO 7064 11,2 check character of the first 15 digits."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """Accept the bare iD or its URL, with or without dashes, in any case."""
    value = (value or "").strip()
    for prefix in ORCID_URL_PREFIXES:
        if value.lower().startswith(prefix):
            value = value[len(prefix) :]
            break
    compact = value.replace("-", "").replace(" ", "").upper()
    if len(compact) == 16:
        return "-".join(compact[i : i + 4] for i in range(0, 16, 4))
    return value


def validate_orcid(value: str) -> None:
    if not ORCID_PATTERN.match(value):
        raise ValidationError(
            _("Enter an ORCID iD in the form 0000-0002-1825-0097."),
            code="invalid_orcid_format",
            params={"value": value},
        )
    digits = value.replace("-", "")
    if orcid_check_character(digits[:15]) != digits[15]:
        raise ValidationError(
            _("This ORCID iD is not valid: its last character does not match (check for a typing error)."),
            code="invalid_orcid_checksum",
            params={"value": value},
        )
