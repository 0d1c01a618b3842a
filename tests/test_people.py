"""The people directory: profiles, visibility everywhere, search and filters, exports, self-service, import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.models import Page

from people.models import ExpertiseTerm, Platform, Profile, Referent, Role, Site, Visibility
from people.validators import normalize_orcid, validate_orcid

DIRECTORY = "/annuaire/"


@pytest.fixture
def reference(db):
    lyon = Site.objects.create(
        name="Université Claude Bernard Lyon 1", slug="lyon", city="Lyon", address="43 bd du 11 Novembre"
    )
    lille = Site.objects.create(name="Université de Lille", slug="lille", city="Lille")
    cyto = Platform.objects.create(name="Cytométrie en flux", acronym="CYTO", slug="cyto", site=lyon)
    seq = Platform.objects.create(name="Séquençage haut débit", acronym="SEQ", slug="seq", site=lille)
    cytometry = ExpertiseTerm.objects.create(name="cytométrie", slug="cytometrie")
    genomics = ExpertiseTerm.objects.create(name="génomique", slug="genomique")
    return {"lyon": lyon, "lille": lille, "cyto": cyto, "seq": seq, "cytometry": cytometry, "genomics": genomics}


@pytest.fixture
def make_profile(make_user):
    def make(username, *, first_name=None, last_name="Test", platforms=(), expertise=(), **fields):
        user = make_user(username, first_name=first_name or username.capitalize(), last_name=last_name)
        profile = user.profile
        for name, value in fields.items():
            setattr(profile, name, value)
        profile.save()
        profile.platforms.set(platforms)
        profile.expertise.set(expertise)
        profile.refresh_from_db()
        return profile

    return make


@pytest.fixture
def people(reference, make_profile):
    """Three colleagues with different choices of who sees their personal details."""
    return {
        "lea": make_profile(
            "lea",
            first_name="Léa",
            last_name="Durand",
            job_title="Ingénieure de recherche",
            role=Role.ENGINEER,
            site=reference["lyon"],
            platforms=[reference["cyto"]],
            expertise=[reference["cytometry"]],
            phone="+33 4 11 22 33 44",
            phone_visibility=Visibility.ONLY_ME,
            email_visibility=Visibility.MEMBERS,
            orcid="0000-0002-1825-0097",
        ),
        "hugo": make_profile(
            "hugo",
            first_name="Hugo",
            last_name="Martin",
            job_title="Chercheur",
            role=Role.RESEARCHER,
            site=reference["lille"],
            platforms=[reference["seq"]],
            expertise=[reference["genomics"]],
            phone="+33 3 55 66 77 88",
            phone_visibility=Visibility.EVERYONE,
            email_visibility=Visibility.ONLY_ME,
        ),
        "ines": make_profile(
            "ines",
            first_name="Inès",
            last_name="Lefèvre",
            job_title="Technicienne",
            role=Role.TECHNICIAN,
            site=reference["lyon"],
            platforms=[reference["cyto"], reference["seq"]],
            expertise=[reference["cytometry"], reference["genomics"]],
            email_visibility=Visibility.EVERYONE,
        ),
    }


@pytest.fixture
def viewer(make_user):
    return make_user("viewer", first_name="Victor", last_name="Zola")


def png_bytes(size=(32, 32)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


# ORCID ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0097", "0000-0002-1694-233X"])
def test_valid_orcid_ids_pass_their_checksum(orcid):
    validate_orcid(orcid)


@pytest.mark.parametrize("orcid", ["0000-0002-1825-0098", "0000-0002-1694-2331", "1234", "0000-0002-1825-009"])
def test_invalid_orcid_ids_are_refused(orcid):
    with pytest.raises(ValidationError):
        validate_orcid(orcid)


def test_orcid_urls_and_compact_forms_are_normalized():
    assert normalize_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalize_orcid(" 0000000218250097 ") == "0000-0002-1825-0097"


# The visibility rule -------------------------------------------------------------------------------


def test_visibility_rule_for_owner_members_and_visitors(people, viewer):
    lea = people["lea"]
    assert lea.visible_fields_for(lea.user) == {"email", "phone", "photo"}
    assert lea.visible_fields_for(viewer) == {"email", "photo"}
    assert lea.visible_fields_for(AnonymousUser()) == frozenset()
    hugo = people["hugo"]
    assert hugo.visible_fields_for(viewer) == {"phone", "photo"}
    assert hugo.visible_fields_for(AnonymousUser()) == {"phone"}


def test_deactivated_accounts_see_only_public_fields(people, viewer):
    viewer.is_active = False
    assert people["lea"].visible_fields_for(viewer) == frozenset()


def test_profile_page_shows_only_what_the_viewer_may_see(client, people, viewer):
    client.force_login(viewer)
    response = client.get(people["lea"].get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "lea@example.org" in content
    assert "11 22 33 44" not in content
    assert "0000-0002-1825-0097" in content and "https://orcid.org/0000-0002-1825-0097" in content
    assert "Cytométrie en flux" in content
    hugo = client.get(people["hugo"].get_absolute_url()).content.decode()
    assert "hugo@example.org" not in hugo
    assert "55 66 77 88" in hugo


def test_owner_sees_their_own_hidden_fields(client, people):
    client.force_login(people["lea"].user)
    content = client.get(people["lea"].get_absolute_url()).content.decode()
    assert "11 22 33 44" in content
    assert reverse("people:my_profile") in content


def test_directory_requires_login_by_default(client, people):
    for url in [DIRECTORY, people["lea"].get_absolute_url(), reverse("people:vcard", args=["lea-durand"])]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/")


def test_open_directory_shows_visitors_public_fields_only(client, people, settings):
    settings.DIRECTORY_REQUIRES_LOGIN = False
    content = client.get(DIRECTORY).content.decode()
    assert "Léa" in content and "ines@example.org" in content
    assert "lea@example.org" not in content
    vcard = client.get(reverse("people:vcard", args=[people["hugo"].slug])).content.decode()
    assert "TEL;TYPE=WORK,VOICE:+33 3 55 66 77 88" in vcard
    assert "EMAIL" not in vcard


def test_vcard_respects_visibility(client, people, viewer):
    client.force_login(viewer)
    response = client.get(reverse("people:vcard", args=[people["lea"].slug]))
    assert response["Content-Type"].startswith("text/vcard")
    assert 'filename="lea-durand.vcf"' in response["Content-Disposition"]
    card = response.content.decode()
    assert card.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert "N:Durand;Léa;;;" in card and "FN:Léa Durand" in card
    assert "EMAIL;TYPE=INTERNET,WORK:lea@example.org" in card
    assert "TEL" not in card
    assert card.endswith("END:VCARD\r\n")


def test_search_index_holds_only_what_everyone_may_see(people):
    indexed = {field.field_name for field in Profile.search_fields}
    assert not indexed & {"phone", "email", "office", "orcid"}
    assert people["hugo"].public_contact() == "+33 3 55 66 77 88"
    assert people["lea"].public_contact() == ""
    assert people["ines"].public_contact() == "ines@example.org"


def test_wagtail_search_finds_profiles_by_expertise_but_not_by_hidden_phone(people):
    found = {profile.user.username for profile in Profile.objects.active().search("génomique")}
    assert found == {"hugo", "ines"}
    assert not list(Profile.objects.active().search("11 22 33 44"))
    assert [p.user.username for p in Profile.objects.active().search("55 66 77 88")] == ["hugo"]


# Directory: search, facets, A–Z -----------------------------------------------------------------------


def names(response) -> list[str]:
    return [profile.user.username for profile in response.context["profiles"]]


def test_search_ignores_accents_and_case(client, people, viewer):
    client.force_login(viewer)
    assert sorted(names(client.get(DIRECTORY, {"q": "CYTOMETRIE"}))) == ["ines", "lea"]
    assert names(client.get(DIRECTORY, {"q": "lefevre"})) == ["ines"]
    assert names(client.get(DIRECTORY, {"q": "seq martin"})) == ["hugo"]
    response = client.get(DIRECTORY, {"q": "astrophysique"})
    assert names(response) == []
    assert "Personne ne correspond" in response.content.decode()


def test_filters_combine_and_count_each_option(client, people, viewer):
    client.force_login(viewer)
    response = client.get(DIRECTORY, {"site": "lyon", "plateforme": "seq"})
    assert names(response) == ["ines"]
    facets = {
        result.facet.param: {o.value: o.count for o in result.options} for result in response.context["result"].facets
    }
    # Each facet counts over the other filters: sites for platform SEQ, platforms for site Lyon.
    assert facets["site"] == {"lyon": 1, "lille": 1}
    assert facets["plateforme"] == {"cyto": 2, "seq": 1}
    assert facets["role"] == {"technician": 1}
    content = response.content.decode()
    assert 'data-testid="clear-filters"' in content
    assert "1 personne trouvée" in content


def test_options_of_one_facet_combine_with_or(client, people, viewer):
    client.force_login(viewer)
    assert sorted(names(client.get(DIRECTORY, {"site": ["lyon", "lille"]}))) == ["hugo", "ines", "lea"]
    assert sorted(names(client.get(DIRECTORY, {"expertise": "cytometrie", "role": "engineer"}))) == ["lea"]


def test_letters_filter_by_surname(client, people, viewer):
    client.force_login(viewer)
    response = client.get(DIRECTORY, {"lettre": "L"})
    assert names(response) == ["ines"]
    letters = {option.value: option.count for option in response.context["result"].letters}
    assert letters["D"] == 1 and letters["L"] == 1 and letters["M"] == 1 and letters["Z"] == 1 and letters["Q"] == 0


def test_unfiltered_directory_lists_everyone_alphabetically_without_clear_link(client, people, viewer):
    client.force_login(viewer)
    response = client.get(DIRECTORY)
    assert names(response) == ["lea", "ines", "hugo", "viewer"]
    assert 'data-testid="clear-filters"' not in response.content.decode()


@pytest.mark.parametrize(
    "params", [{"site": "atlantide"}, {"role": "astronaut"}, {"lettre": "1"}, {"page": "99"}, {"page": "abc"}]
)
def test_tampered_parameters_answer_404(client, people, viewer, params):
    client.force_login(viewer)
    assert client.get(DIRECTORY, params).status_code == 404


def test_anonymized_and_deactivated_members_are_not_listed(client, people, viewer):
    people["hugo"].user.is_active = False
    people["hugo"].user.save()
    client.force_login(viewer)
    assert "hugo" not in names(client.get(DIRECTORY))
    assert client.get(people["hugo"].get_absolute_url()).status_code == 404


def create_many_profiles(reference, count, start=0):
    from django.contrib.auth import get_user_model
    from wagtail.images import get_image_model

    User = get_user_model()
    photo = get_image_model().objects.create(
        title="Photo", file=SimpleUploadedFile(f"bulk{start}.png", png_bytes(), content_type="image/png")
    )
    for index in range(start, start + count):
        user = User.objects.create(username=f"bulk{index}", first_name=f"Bulk{index}", last_name=f"Person{index}")
        profile = user.profile
        profile.site = reference["lyon"] if index % 2 else reference["lille"]
        profile.photo = photo if index % 3 else None
        profile.save()
        profile.platforms.set([reference["cyto"]])
        profile.expertise.set([reference["cytometry"]])


def test_directory_query_count_stays_flat_as_profiles_grow(client, reference, viewer):
    client.force_login(viewer)
    params = {"site": "lyon", "plateforme": "cyto", "q": "person"}
    create_many_profiles(reference, 10)
    client.get(DIRECTORY, params)
    with CaptureQueriesContext(connection) as small:
        client.get(DIRECTORY, params)
    create_many_profiles(reference, 40, start=10)
    client.get(DIRECTORY, params)  # renders the new photos' thumbnails once
    with CaptureQueriesContext(connection) as large:
        response = client.get(DIRECTORY, params)
    assert len(response.context["profiles"]) == 24
    assert 'class="avatar avatar-card"' in response.content.decode()
    assert len(large) == len(small)
    assert len(large) <= 15


# Print, CSV, referents ------------------------------------------------------------------------------


def test_print_list_respects_filters_and_visibility(client, people, viewer):
    client.force_login(viewer)
    content = client.get(reverse("people:print"), {"site": "lyon"}).content.decode()
    assert "DURAND" in content and "LEFÈVRE" in content and "MARTIN" not in content
    assert "lea@example.org" in content and "11 22 33 44" not in content
    assert '<th scope="col">' in content


def test_csv_export_is_for_communication_staff_only(client, people, viewer, communication_user):
    client.force_login(viewer)
    assert client.get(reverse("people:export")).status_code == 403
    assert "export.csv" not in client.get(DIRECTORY).content.decode()
    client.force_login(communication_user)
    response = client.get(reverse("people:export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Nom", "Prénom", "Courriel", "Téléphone"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Durand"][2] == "lea@example.org"
    assert by_name["Durand"][3] == ""  # only_me phone
    assert by_name["Martin"][2] == ""  # only_me email
    assert by_name["Martin"][3] == "+33 3 55 66 77 88"
    assert by_name["Lefèvre"][7] == "CYTO, SEQ"


def test_csv_export_needs_login(client, people):
    assert client.get(reverse("people:export")).status_code == 302


def test_superusers_may_export(client, people, make_user):
    client.force_login(make_user("boss", is_superuser=True))
    assert client.get(reverse("people:export"), {"site": "lille"}).content.decode("utf-8-sig").count("\n") == 2


def test_referents_page_groups_people_by_topic_platform_and_site(client, people, reference, viewer):
    Referent.objects.create(profile=people["lea"], platform=reference["cyto"], description="Réservations")
    Referent.objects.create(profile=people["hugo"], topic="Protection des données")
    Referent.objects.create(profile=people["ines"], site=reference["lyon"])
    client.force_login(viewer)
    content = client.get(reverse("people:referents")).content.decode()
    assert "Qui contacter ?" in content
    assert "Protection des données" in content and "Hugo Martin" in content
    assert "Cytométrie en flux (CYTO)" in content and "Réservations" in content
    assert "Université Claude Bernard Lyon 1" in content
    assert "hugo@example.org" not in content


def test_referent_must_be_for_exactly_one_thing(people, reference):
    referent = Referent(profile=people["lea"], platform=reference["cyto"], topic="Formation")
    with pytest.raises(ValidationError):
        referent.full_clean()


def test_directory_is_in_the_main_menu(client, viewer, home_page):
    client.force_login(viewer)
    content = client.get(DIRECTORY).content.decode()
    assert '<a href="/annuaire/" aria-current="page">Annuaire</a>' in content


# Self-service -----------------------------------------------------------------------------------------


def profile_post(profile, **changes):
    data = {
        "first_name": profile.user.first_name,
        "last_name": profile.user.last_name,
        "job_title": profile.job_title,
        "role": profile.role,
        "site": profile.site_id or "",
        "platforms": [p.pk for p in profile.platforms.all()],
        "expertise": [t.pk for t in profile.expertise.all()],
        "email_visibility": profile.email_visibility,
        "phone_visibility": profile.phone_visibility,
        "photo_visibility": profile.photo_visibility,
        "phone": profile.phone,
        "orcid": profile.orcid,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_member_edits_their_profile_without_the_admin(client, people, reference):
    lea = people["lea"]
    client.force_login(lea.user)
    response = client.post(
        reverse("people:my_profile"),
        profile_post(
            lea, last_name="Durand-Petit", job_title="Responsable de plateforme", expertise=[reference["genomics"].pk]
        ),
    )
    assert response.status_code == 302
    lea.refresh_from_db()
    assert lea.user.last_name == "Durand-Petit"
    assert lea.job_title == "Responsable de plateforme"
    assert list(lea.expertise.all()) == [reference["genomics"]]
    assert "genomique" in lea.search_text and "durand-petit" in lea.search_text


def test_invalid_orcid_saves_nothing_and_explains_in_french(client, people):
    lea = people["lea"]
    client.force_login(lea.user)
    response = client.post(
        reverse("people:my_profile"), profile_post(lea, orcid="0000-0002-1825-0098", job_title="Nouveau titre")
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "ne correspond pas" in content
    assert "Votre profil n’a pas été enregistré" in content or "Votre profil n'a pas été enregistré" in content
    assert 'value="Nouveau titre"' in content  # what was typed is kept
    assert 'aria-invalid="true"' in content and 'aria-describedby="id_orcid_helptext id_orcid_error"' in content
    lea.refresh_from_db()
    assert lea.orcid == "0000-0002-1825-0097" and lea.job_title == "Ingénieure de recherche"


def test_photo_that_is_not_an_image_is_refused(client, people):
    lea = people["lea"]
    client.force_login(lea.user)
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    response = client.post(
        reverse("people:my_profile"), {**profile_post(lea, job_title="Changé"), "photo_upload": fake}
    )
    assert response.status_code == 200
    assert "Ce fichier n’est pas une image" in response.content.decode()
    lea.refresh_from_db()
    assert lea.photo is None and lea.job_title == "Ingénieure de recherche"


def test_photo_that_is_too_large_is_refused(client, people, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    lea = people["lea"]
    client.force_login(lea.user)
    photo = SimpleUploadedFile("photo.png", png_bytes((64, 64)), content_type="image/png")
    response = client.post(reverse("people:my_profile"), {**profile_post(lea), "photo_upload": photo})
    assert response.status_code == 200
    assert "Cette photo est trop grande" in response.content.decode()
    lea.refresh_from_db()
    assert lea.photo is None


def test_photo_upload_replaces_the_initials_avatar_for_members_only(client, people, viewer, settings):
    settings.DIRECTORY_REQUIRES_LOGIN = False
    lea = people["lea"]
    client.force_login(lea.user)
    photo = SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png")
    assert client.post(reverse("people:my_profile"), {**profile_post(lea), "photo_upload": photo}).status_code == 302
    lea.refresh_from_db()
    assert lea.photo is not None and lea.photo.collection.name == "Photos de profil"
    client.force_login(viewer)
    assert '<img class="avatar' in client.get(lea.get_absolute_url()).content.decode()
    client.logout()
    content = client.get(lea.get_absolute_url()).content.decode()
    assert '<img class="avatar' not in content and "avatar-initials" in content and ">LD<" in content


def test_a_photo_is_served_only_to_those_its_owner_chose(client, people, viewer, make_user):
    """Pages link photos through the portal, which applies the owner's choice; the files have random
    names, so an address seen once does not leak a photo kept to its owner."""
    lea = people["lea"]
    client.force_login(lea.user)
    upload = SimpleUploadedFile("lea-durand.png", png_bytes(), content_type="image/png")
    post = {**profile_post(lea, photo_visibility="only_me"), "photo_upload": upload}
    assert client.post(reverse("people:my_profile"), post).status_code == 302
    lea.refresh_from_db()
    assert "lea" not in lea.photo.file.name and "durand" not in lea.photo.file.name
    photo_url = reverse("people:photo", args=[lea.slug, "large"])
    own_page = client.get(lea.get_absolute_url()).content.decode()
    assert f'src="{photo_url}?v={lea.photo.pk}"' in own_page and "/media/" not in own_page
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "private" in response["Cache-Control"]
    assert PILImage.open(io.BytesIO(b"".join(response.streaming_content))).size == (32, 32)

    client.force_login(viewer)
    assert "avatar-initials" in client.get(lea.get_absolute_url()).content.decode()
    assert client.get(photo_url).status_code == 404
    assert client.get(reverse("people:photo", args=[lea.slug, "card"])).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 404

    lea.photo_visibility = "members"
    lea.save()
    client.force_login(viewer)
    assert client.get(photo_url).status_code == 200
    assert client.get(reverse("people:photo", args=[lea.slug, "huge"])).status_code == 404
    client.logout()
    assert client.get(photo_url).status_code == 404


def test_personal_data_download(client, people):
    client.force_login(people["lea"].user)
    response = client.get(reverse("people:my_data"))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "lea@example.org"
    assert data["profile"]["phone"] == "+33 4 11 22 33 44"
    assert data["profile"]["expertise"] == ["cytométrie"]
    assert data["profile"]["visibility"]["phone"] == "only_me"


def test_account_deletion_needs_confirmation(client, people):
    lea = people["lea"]
    client.force_login(lea.user)
    assert "Supprimer mon compte" in client.get(reverse("people:delete_account")).content.decode()
    response = client.post(reverse("people:delete_account"), {})
    assert "Cochez la case" in response.content.decode()
    lea.user.refresh_from_db()
    assert lea.user.is_active and lea.user.email == "lea@example.org"


def test_account_deletion_anonymizes_and_keeps_content_readable(client, people, reference, home_page, viewer):
    lea = people["lea"]
    Referent.objects.create(profile=lea, platform=reference["cyto"])
    reference["cyto"].head = lea
    reference["cyto"].save()
    page = home_page.add_child(instance=Page(title="Nouvel équipement", slug="nouvel-equipement", owner=lea.user))
    client.force_login(lea.user)
    response = client.post(reverse("people:delete_account"), {"confirm": "on"})
    assert response.status_code == 302
    lea.refresh_from_db()
    user = lea.user
    assert not user.is_active and user.email == "" and user.get_full_name() == "Ancien membre"
    assert "lea" not in user.username and not user.has_usable_password()
    assert lea.is_anonymized and lea.phone == "" and lea.orcid == "" and lea.site is None
    assert (
        not lea.platforms.exists() and not lea.expertise.exists() and not Referent.objects.filter(profile=lea).exists()
    )
    assert Platform.objects.get(pk=reference["cyto"].pk).head is None
    assert str(lea) == "Ancien membre"
    assert "_auth_user_id" not in client.session
    Page.objects.get(pk=page.pk)  # content stays
    client.force_login(viewer)
    assert "lea" not in names(client.get(DIRECTORY))
    assert "Durand" not in client.get(DIRECTORY).content.decode()


# Import ---------------------------------------------------------------------------------------------------

HEADER = "email,first_name,last_name,job_title,role,site,platforms,expertise,orcid\n"


def write(tmp_path: Path, text: str, name="people.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD_FILE = (
    HEADER
    + "camille.roux@univ.fr,Camille,Roux,Ingénieure,ingénieur,Lyon,CYTO,cytométrie,0000-0002-1825-0097\n"
    + 'paul.henry@univ.fr,Paul,Henry,Chercheur,researcher,lille,"SEQ, CYTO",génomique|cytometrie,\n'
)


def test_import_creates_members_then_is_idempotent(tmp_path, reference):
    path = write(tmp_path, GOOD_FILE)
    out, _err = run_import(path)
    assert "2 créés, 0 mis à jour, 0 inchangés" in out
    assert Profile.objects.count() == 2
    assert "2/2" in out  # progress
    camille = Profile.objects.get(user__email="camille.roux@univ.fr")
    assert camille.role == Role.ENGINEER and camille.site == reference["lyon"]
    assert camille.orcid == "0000-0002-1825-0097" and not camille.user.has_usable_password()
    paul = Profile.objects.get(user__email="paul.henry@univ.fr")
    assert {p.acronym for p in paul.platforms.all()} == {"SEQ", "CYTO"}
    assert {t.name for t in paul.expertise.all()} == {"génomique", "cytométrie"}
    out, _err = run_import(path)
    assert "0 créés, 0 mis à jour, 2 inchangés" in out
    assert Profile.objects.count() == 2 and Profile.objects.filter(slug="camille-roux").exists()


def test_import_updates_matched_by_email_and_keeps_what_empty_cells_do_not_say(tmp_path, reference, people):
    path = write(tmp_path, HEADER + "LEA@example.org,Léa,Durand,Responsable,,,,,\n")
    out, _err = run_import(path)
    assert "0 créés, 1 mis à jour" in out
    people["lea"].refresh_from_db()
    assert people["lea"].job_title == "Responsable"
    assert people["lea"].phone == "+33 4 11 22 33 44" and people["lea"].site == reference["lyon"]


def test_import_dry_run_saves_nothing(tmp_path, reference):
    out, _err = run_import(write(tmp_path, GOOD_FILE), "--dry-run")
    assert "Simulation" in out and "2 créés" in out
    assert not Profile.objects.exists()


def test_import_refuses_a_file_not_in_utf8(tmp_path, reference):
    path = write(tmp_path, GOOD_FILE, encoding="cp1252")
    with pytest.raises(CommandError, match="UTF-8") as error:
        run_import(path)
    assert "ligne 2" in str(error.value)
    assert not Profile.objects.exists()


def test_import_with_wrong_columns_lists_the_expected_ones(tmp_path, reference):
    path = write(tmp_path, "mail,prenom,last_name\nx@y.fr,X,Y\n")
    with pytest.raises(CommandError) as error:
        run_import(path)
    message = str(error.value)
    assert "colonnes inconnues : mail, prenom" in message
    assert "colonnes manquantes : email, first_name" in message
    assert "first_name *" in message and "orcid" in message


def test_import_reports_every_error_with_its_line_and_imports_nothing(tmp_path, reference):
    path = write(
        tmp_path,
        GOOD_FILE
        + "pas-un-courriel,A,B,,,,,,\n"
        + "jean@univ.fr,Jean,Dupont,,astronaute,Atlantide,XYZ,,0000-0002-1825-0098\n"
        + "camille.roux@univ.fr,Camille,Roux,,,,,,\n",
    )
    with pytest.raises(CommandError, match="rien n’a été importé|rien n'a été importé"):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_people", str(path), stdout=out, stderr=err)
        finally:
            errors = err.getvalue()
    assert "Ligne 4 : « pas-un-courriel » n’est pas une adresse" in errors
    assert "Ligne 5 : rôle inconnu « astronaute »" in errors
    assert "Ligne 5 : site inconnu « Atlantide »" in errors
    assert "Ligne 5 : plateforme inconnue « XYZ »" in errors
    assert "Ligne 6 : camille.roux@univ.fr figure déjà ligne 2" in errors
    assert not Profile.objects.exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(email="camille.roux@univ.fr").exists()


def test_import_checks_orcid(tmp_path, reference):
    path = write(tmp_path, HEADER + "jean@univ.fr,Jean,Dupont,,,,,,0000-0002-1825-0098\n")
    with pytest.raises(CommandError):
        call_command("import_people", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "Ligne 2 : orcid" in err.getvalue()


def test_import_reads_semicolon_csv_and_xlsx(tmp_path, reference):
    from openpyxl import Workbook

    run_import(write(tmp_path, "email;first_name;last_name;site\r\nana@univ.fr;Ana;Blanc;Lille\r\n"))
    assert Profile.objects.get(user__email="ana@univ.fr").site == reference["lille"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "first_name", "last_name", "phone", "platforms"])
    sheet.append(["zoe@univ.fr", "Zoé", "Faure", 33612345678, "Cytométrie en flux"])
    workbook.save(tmp_path / "people.xlsx")
    out, _err = run_import(tmp_path / "people.xlsx")
    assert "1 créés" in out
    zoe = Profile.objects.get(user__email="zoe@univ.fr")
    assert zoe.phone == "33612345678" and zoe.platforms.get() == reference["cyto"]


# Demo data -------------------------------------------------------------------------------------------------


def test_demo_seed_gives_every_member_a_profile(db):
    from django.contrib.auth import get_user_model

    from people.demo import seed
    from portal.demo import DemoContext, seed_accounts

    ctx = DemoContext()
    seed_accounts(ctx)
    seed(ctx)
    assert Profile.objects.count() == get_user_model().objects.count() == len(ctx.members) + len(ctx.staff) + 1
    assert len(ctx.data["sites"]) == 10 and len(ctx.data["platforms"]) == 20
    cyto_people = Profile.objects.filter(platforms__acronym="CYTO")
    assert cyto_people.exists()
    assert all(p.expertise.filter(name="cytométrie").exists() for p in cyto_people)
    for profile in Profile.objects.exclude(orcid=""):
        validate_orcid(profile.orcid)
    assert Profile.objects.exclude(orcid="").exists()
    assert set(Profile.objects.values_list("phone_visibility", flat=True)) == set(Visibility.values)
    assert Referent.objects.filter(topic__gt="").exists()


# Accounts and the admin -------------------------------------------------------------------------------------


def test_every_new_account_gets_a_listed_profile(make_user, viewer, client):
    colleague = make_user("nouvelle", first_name="Anaïs", last_name="Mercier")
    assert colleague.profile.slug == "anais-mercier" and colleague.profile.is_listed
    colleague.last_name = "Mercier-Roux"
    colleague.save()
    colleague.profile.refresh_from_db()
    assert colleague.profile.slug == "anais-mercier-roux" and colleague.profile.sort_name == "mercier-roux anais"
    client.force_login(viewer)
    assert "nouvelle" in names(client.get(DIRECTORY, {"q": "mercier-roux"}))


def test_communication_staff_manage_reference_data_but_cannot_add_or_delete_profiles(
    client, people, communication_user, viewer
):
    client.force_login(communication_user)
    assert client.get("/admin/snippets/people/platform/").status_code == 200
    assert client.get("/admin/snippets/people/platform/add/").status_code == 200
    assert client.get(f"/admin/snippets/people/profile/edit/{people['lea'].pk}/").status_code == 200
    assert client.get("/admin/snippets/people/profile/add/").status_code in (302, 403)
    assert client.get(f"/admin/snippets/people/profile/delete/{people['lea'].pk}/").status_code in (302, 403)
    client.force_login(viewer)
    assert client.get("/admin/snippets/people/platform/").status_code in (302, 403)


def test_other_apps_hear_when_a_member_is_anonymized(people):
    from people.services import anonymize_member
    from people.signals import member_anonymized

    erased = []

    def erase_copies(sender, user, **kwargs):
        erased.append(user.pk)

    member_anonymized.connect(erase_copies)
    try:
        anonymize_member(people["hugo"].user)
    finally:
        member_anonymized.disconnect(erase_copies)
    assert erased == [people["hugo"].user_id]


def test_indexed_fields_are_the_public_ones():
    """A golden list: adding a field to the index must be a deliberate, reviewed change."""
    indexed = sorted(
        (type(field).__name__, field.field_name)
        for field in Profile.search_fields
        if type(field).__name__ != "RelatedFields"
    )
    related = sorted(
        (field.field_name, sorted(sub.field_name for sub in field.fields))
        for field in Profile.search_fields
        if type(field).__name__ == "RelatedFields"
    )
    assert indexed == [
        ("AutocompleteField", "full_name"),
        ("FilterField", "is_listed"),
        ("FilterField", "role"),
        ("FilterField", "site"),
        ("SearchField", "bio"),
        ("SearchField", "full_name"),
        ("SearchField", "job_title"),
        ("SearchField", "keywords"),
        ("SearchField", "public_contact"),
        ("SearchField", "techniques"),
        ("SearchField", "unit"),
    ]
    assert related == [("expertise", ["name"]), ("platforms", ["acronym", "name"]), ("site", ["city", "name"])]


class StandInLDAPUser:
    """django-auth-ldap's _LDAPUser needs python-ldap, which cannot be installed here (no wheel, no
    libldap headers): this stand-in carries the same ``attrs`` mapping the real one gives the signal."""

    def __init__(self, attrs):
        self.attrs = attrs


def test_ldap_attributes_fill_the_profile(make_user, settings):
    from people.ldap import update_profile_from_ldap
    from people.ldap_settings import DEFAULT_PROFILE_ATTR_MAP

    settings.PEOPLE_LDAP_PROFILE_ATTR_MAP = DEFAULT_PROFILE_ATTR_MAP
    user = make_user("ldapuser", first_name="Anne", last_name="Roux")
    ldap_user = StandInLDAPUser({"title": ["Ingénieure d'études"], "telephonenumber": ["+33 5 40 00 00 00"]})
    update_profile_from_ldap(sender=None, user=user, ldap_user=ldap_user)
    user.profile.refresh_from_db()
    assert user.profile.job_title == "Ingénieure d'études"
    assert user.profile.phone == "+33 5 40 00 00 00"
    assert user.profile.office == ""


def test_signing_in_does_not_rewrite_the_profile(client, people):
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("login"), {"username": "lea", "password": "password"})
    assert "_auth_user_id" in client.session
    assert not [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "people_profile"')]


def test_other_apps_can_add_a_facet(people, viewer):
    """The hook the groups app uses: here a facet over Django groups, valued by primary key."""
    from django.contrib.auth.models import Group
    from django.http import QueryDict

    from people.directory import InvalidDirectoryQuery, ModelFacet, registered_facets, search_directory

    team = Group.objects.create(name="Équipe cytométrie")
    Group.objects.create(name="Groupe secret")
    people["lea"].user.groups.add(team)
    people["ines"].user.groups.add(team)
    facet = ModelFacet(
        "equipe",
        "Équipe",
        lambda viewer: Group.objects.exclude(name="Groupe secret"),
        "user__groups",
        "user__profile",
        value_field="pk",
    )
    facets = [*registered_facets(), facet]
    result = search_directory(viewer, QueryDict(f"equipe={team.pk}&site=lyon"), facets=facets)
    assert sorted(p.user.username for p in result.profiles) == ["ines", "lea"]
    (groups,) = [r for r in result.facets if r.facet.param == "equipe"]
    assert [(o.label, o.count, o.selected) for o in groups.options] == [("Équipe cytométrie", 2, True)]
    for tampered in ["abc", "999999"]:
        with pytest.raises(InvalidDirectoryQuery):
            search_directory(viewer, QueryDict(f"equipe={tampered}"), facets=facets)
