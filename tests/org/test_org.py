"""The organisation tree: totals in SQL, unique codes, and street scoping of its pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hrapp.errors import Conflict, DomainError, PermissionDenied
from hrapp.extensions import db
from hrapp.org import queries, services
from hrapp.org.models import Community, Grid


@pytest.fixture
def as_user(as_role):
    def make(role):
        client = as_role(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def grid_values(**changes) -> dict:
    return {"code": "G-NEW", "name": "新网格", "grid_type": "urban_village", "households": 350, "population": 900,
            "housing_units": 300, "entities": 12, "facilities": 7, "active": True, **changes}  # fmt: skip


def test_street_totals_sum_the_grids(world):
    totals = {row["code"]: row for row in queries.street_totals(world.admin)}
    assert (totals["S-A"]["communities"], totals["S-A"]["grids"], totals["S-A"]["households"]) == (1, 2, 800)
    assert totals["S-B"]["population"] == 1000


def test_street_hr_sees_only_their_street_in_totals_and_choices(world):
    assert [row["code"] for row in queries.street_totals(world.street_hr)] == ["S-A"]
    assert {grid_id for grid_id, _label in queries.grid_choices(world.street_hr)} == {world.grid.id, world.free_grid.id}
    assert queries.street_totals(world.officer_user) == []


def test_grid_codes_are_unique(world):
    with pytest.raises(Conflict):
        services.save_grid(None, community_id=world.community.id, acting=world.hr, **grid_values(code=world.grid.code))


def test_street_hr_cannot_add_a_grid_to_another_street(world):
    with pytest.raises(PermissionDenied):
        services.save_grid(None, community_id=world.other_grid.community_id, acting=world.street_hr, **grid_values())
    with pytest.raises(PermissionDenied):
        services.save_community(None, street_id=world.other_street.id, code="C-X", name="X", acting=world.street_hr)


def test_creating_a_grid_through_the_form(world, as_user):
    code = f"{world.community.code}-07"
    data = {**grid_values(code=code), "community_id": str(world.community.id), "active": "y"}
    response = as_user("street_hr").post("/org/grids/new", data=data)
    assert response.status_code == 302
    grid = db.session.scalar(sa.select(Grid).where(Grid.code == code))
    assert (grid.community_id, grid.grid_type, grid.households) == (world.community.id, "urban_village", 350)


def test_a_grid_code_must_start_with_its_communitys_code(world, as_user):
    other = db.session.get(Community, world.other_grid.community_id)
    for code in (
        "G-NEW",
        f"{other.code}-01",
        world.community.code,
        f"{world.community.code}-",
        f"X{world.community.code}-1",
    ):
        data = {**grid_values(code=code), "community_id": str(world.community.id), "active": "y"}
        response = as_user("hr_clerk").post("/org/grids/new", data=data)
        assert response.status_code == 200, code
        assert f"{world.community.code}-" in response.get_data(as_text=True)
        assert db.session.scalar(sa.select(Grid.id).where(Grid.code == code)) is None


def test_a_grid_saved_before_the_code_rule_keeps_its_code_when_other_fields_change(world):
    assert not services.grid_code_matches(world.grid.code, world.community.code)
    values = {**grid_values(code=world.grid.code), "households": 410}
    services.save_grid(world.grid, community_id=world.community.id, acting=world.hr, **values)
    assert world.grid.households == 410
    with pytest.raises(DomainError):
        services.save_grid(world.grid, community_id=world.community.id, acting=world.hr, **{**values, "code": "G-X"})


def test_negative_counts_are_refused_in_the_form(world, as_user):
    data = {**grid_values(households="-1"), "community_id": str(world.community.id)}
    response = as_user("hr_clerk").post("/org/grids/new", data=data)
    assert response.status_code == 200
    assert "Number must be between 0 and 10000000." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Grid.id).where(Grid.code == "G-NEW")) is None


def test_street_hr_cannot_create_in_another_streets_community_through_the_form(world, as_user):
    data = {**grid_values(), "community_id": str(world.other_grid.community_id)}
    response = as_user("street_hr").post("/org/grids/new", data=data)
    assert "Not a valid choice" in response.get_data(as_text=True)
    data = {"street_id": str(world.other_street.id), "code": "C-X", "name": "X"}
    response = as_user("street_hr").post("/org/communities/new", data=data)
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Community.id).where(Community.code == "C-X")) is None


def test_street_hr_gets_404_for_another_streets_org_pages(world, as_user):
    client = as_user("street_hr")
    other_community = world.other_grid.community_id
    for method, url in [
        ("GET", f"/org/streets/{world.other_street.id}"),
        ("GET", f"/org/communities/{other_community}"),
        ("GET", f"/org/communities/{other_community}/edit"),
        ("POST", f"/org/communities/{other_community}/edit"),
        ("GET", f"/org/grids/{world.other_grid.id}/edit"),
        ("POST", f"/org/grids/{world.other_grid.id}/edit"),
    ]:
        assert client.open(url, method=method, data={"code": "HACK", "name": "x"}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Grid, world.other_grid.id).code != "HACK"


def test_tree_page_lists_only_visible_streets(world, as_user):
    page = as_user("street_hr").get("/org/").get_data(as_text=True)
    assert world.street.name in page and world.other_street.name not in page
    page = as_user("inspector").get("/org/").get_data(as_text=True)
    assert world.street.name in page and world.other_street.name in page


def test_only_admins_create_streets(world, as_user):
    data = {"district_id": str(world.street.district_id), "code": "S-C", "name": "丙街道"}
    assert as_user("hr_clerk").post("/org/streets/new", data=data).status_code == 403
    assert as_user("admin").post("/org/streets/new", data=data).status_code == 302
    response = as_user("admin").post("/org/streets/new", data=data)
    assert "The code S-C is already used." in response.get_data(as_text=True)


def test_a_grid_cannot_move_to_another_streets_community(world):
    from hrapp.errors import DomainError
    from hrapp.org import services as org_services
    from tests.factories import CommunityFactory

    elsewhere = CommunityFactory(street=world.other_street)
    values = {field: getattr(world.grid, field) for field in org_services.GRID_FIELDS}
    from flask_babel import force_locale

    with force_locale("en"), pytest.raises(DomainError, match="cannot move to another street"):
        org_services.save_grid(world.grid, community_id=elsewhere.id, acting=world.admin, **values)
