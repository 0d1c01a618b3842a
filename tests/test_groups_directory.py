"""The directory knows about groups: a "group" filter and each profile's groups, never leaking secret ones."""

import pytest

from groups.models import Membership

pytest_plugins = ["tests.test_groups_fixtures"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(make_group, make_user, add_member):
    alice, bruno, viewer = make_user("alice"), make_user("bruno"), make_user("viewer")
    cytometry = make_group("Bonnes pratiques en cytométrie")
    council = make_group("Conseil scientifique", visibility="secret")
    add_member(alice, cytometry)
    add_member(alice, council)
    add_member(bruno, council)
    add_member(bruno, cytometry, status=Membership.Status.PENDING)
    return {"alice": alice, "bruno": bruno, "viewer": viewer, "cytometry": cytometry, "council": council}


def test_directory_filters_by_group_with_counts_and_hides_secret_groups(client, network):
    client.force_login(network["viewer"])
    response = client.get("/annuaire/")
    html = response.content.decode()
    assert "Bonnes pratiques en cytométrie" in html
    assert "Conseil scientifique" not in html
    filtered = client.get("/annuaire/", {"groupe": network["cytometry"].pk})
    names = filtered.content.decode()
    assert "Alice Test" in names and "Bruno Test" not in names  # a pending request is not a membership


def test_members_of_a_secret_group_see_it_in_the_directory(client, network):
    client.force_login(network["bruno"])
    html = client.get("/annuaire/", {"groupe": network["council"].pk}).content.decode()
    assert "Conseil scientifique" in html
    assert "Alice Test" in html


def test_tampered_group_filter_is_a_404(client, network):
    client.force_login(network["viewer"])
    assert client.get("/annuaire/", {"groupe": "1 OR 1=1"}).status_code == 404


def test_profile_lists_only_the_groups_the_viewer_may_see(client, network):
    client.force_login(network["viewer"])
    html = client.get(network["alice"].profile.get_absolute_url()).content.decode()
    assert "Bonnes pratiques en cytométrie" in html
    assert "Conseil scientifique" not in html
    client.force_login(network["bruno"])
    html = client.get(network["alice"].profile.get_absolute_url()).content.decode()
    assert "Conseil scientifique" in html
