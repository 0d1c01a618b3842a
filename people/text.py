"""Text folding shared by the directory search, the A–Z index and the import."""

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents or extra spaces: "Cytométrie  en flux" → "cytometrie en flux"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().replace("œ", "oe").replace("æ", "ae").split())
