"""French first: every catalogue in the repo is complete, and compiled from its current source."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/fr/LC_MESSAGES/*.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def test_there_are_catalogues():
    assert ROOT / "locale/fr/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete(catalogue):
    po = polib.pofile(str(catalogue))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {catalogue}: {untranslated}"
    assert not fuzzy, f"fuzzy in {catalogue}: {fuzzy}"


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_compiled(catalogue):
    compiled = catalogue.with_suffix(".mo")
    assert compiled.exists(), f"{compiled} is missing: run make messages"
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(catalogue)).translated_entries()}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(compiled))}
    assert po.items() <= mo.items(), f"{compiled} is older than its .po: run make messages"
