"""Officer pages: form errors, scoping, one grid one officer, stale edits, IDOR probes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from hrapp.core import idcard
from hrapp.core.audit import AuditEvent
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from tests.factories import OfficerFactory, valid_id_number


@pytest.fixture
def as_user(as_role):
    """A client of that role of the world, reading English pages."""

    def make(role):
        client = as_role(role)
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


def form_data(world, **changes) -> dict:
    return {
        "employee_no": "N0001",
        "name": "赵六",
        "id_number": valid_id_number(dt.date(1992, 8, 8)),
        "sex": "",
        "phone": "13900139000",
        "street_id": str(world.street.id),
        "hire_date": "2020-01-01",
        "status": "active",
        **changes,
    }


def officer_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Officer.id)))


def snapshot() -> dict:
    """Everything an officer POST could change, to prove that a refused request changed nothing."""
    db.session.expire_all()
    officers = db.session.execute(sa.select(Officer.__table__)).all()
    postings = db.session.execute(sa.select(Posting.__table__)).all()
    audit = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    return {"officers": officers, "postings": postings, "audit": audit}


# --- create form ---------------------------------------------------------------------------


def test_creating_an_officer_through_the_form(world, as_user):
    response = as_user("hr_clerk").post("/officers/new", data=form_data(world))
    assert response.status_code == 302
    officer = db.session.scalar(sa.select(Officer).where(Officer.employee_no == "N0001"))
    assert response.headers["Location"] == f"/officers/{officer.id}"
    assert (officer.name, officer.birth_date, officer.sex) == ("赵六", dt.date(1992, 8, 8), "M")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "440304199005170011"}, "ID number check digit is wrong."),
        ({"id_number": "440304199002300011"}, "ID number contains an impossible birth date."),
        ({"id_number": "44030419900517001"}, "18"),
        ({"sex": "F"}, "Sex does not match the ID number."),
        ({"employee_no": "E00001x!"}, "Employee number: 2–20 letters"),
        ({"hire_date": "2020-13-45"}, 'is-invalid" id="hire_date"'),
        ({"phone": "12345"}, "Phone: an 11-digit mobile number"),
    ],
)
def test_invalid_form_is_shown_again_with_the_message_and_nothing_is_saved(world, as_user, changes, message):
    before = officer_count()
    data = form_data(world, **changes)
    if "check digit" in message:
        number = idcard.make("440304", dt.date(1990, 5, 17), 1)
        data["id_number"] = number[:17] + ("0" if number[17] != "0" else "1")
    response = as_user("hr_clerk").post("/officers/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="赵六"' in page, "what the user typed is still in the form"
    assert officer_count() == before


def test_duplicate_employee_number_and_id_number_are_refused_in_the_form(world, as_user):
    client = as_user("hr_clerk")
    response = client.post("/officers/new", data=form_data(world, employee_no=world.officer.employee_no))
    assert f"Employee number {world.officer.employee_no} is already used." in response.get_data(as_text=True)
    response = client.post("/officers/new", data=form_data(world, id_number=world.stranger.id_number))
    assert "This ID number belongs to another officer." in response.get_data(as_text=True)
    assert officer_count() == 3


def test_street_hr_cannot_create_an_officer_in_another_street(world, as_user):
    response = as_user("street_hr").post("/officers/new", data=form_data(world, street_id=str(world.other_street.id)))
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert officer_count() == 3


# --- postings --------------------------------------------------------------------------------


def test_second_officer_on_a_grid_is_refused_with_a_flash(world, as_user):
    response = as_user("hr_clerk").post(
        f"/officers/{world.colleague.id}/postings",
        data={"grid_id": str(world.grid.id), "start": "2025-01-01"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert f"One grid, one officer: grid {world.grid.code} is served by 张三 ({world.officer.employee_no})" in page
    assert db.session.scalar(sa.select(Posting.id).where(Posting.officer_id == world.colleague.id)) is None


def test_posting_through_the_form_moves_the_officer(world, as_user):
    response = as_user("street_hr").post(
        f"/officers/{world.officer.id}/postings",
        data={"grid_id": str(world.free_grid.id), "start": "2025-01-01"},
        follow_redirects=True,
    )
    assert f"posted to grid {world.free_grid.code}" in response.get_data(as_text=True)
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Posting.grid_id, Posting.effective_to).where(Posting.officer_id == world.officer.id)
    ).all()
    assert sorted(rows, key=lambda r: r.grid_id) == [(world.grid.id, dt.date(2025, 1, 1)), (world.free_grid.id, None)]


def test_street_hr_cannot_post_to_another_streets_grid(world, as_user):
    before = snapshot()
    response = as_user("street_hr").post(
        f"/officers/{world.colleague.id}/postings",
        data={"grid_id": str(world.other_grid.id), "start": "2025-01-01"},
        follow_redirects=True,
    )
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert snapshot() == before


def test_unscoped_hr_cannot_post_across_streets_either(world, as_user):
    response = as_user("hr_clerk").post(
        f"/officers/{world.colleague.id}/postings",
        data={"grid_id": str(world.other_grid.id), "start": "2025-01-01"},
        follow_redirects=True,
    )
    assert "The grid belongs to another street than the officer&#39;s." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Posting.id).where(Posting.officer_id == world.colleague.id)) is None


@pytest.mark.parametrize("start", ["", "not-a-date", "2025-02-30"])
def test_bad_posting_dates_are_flashed_not_500(world, as_user, start):
    before = snapshot()
    response = as_user("hr_clerk").post(
        f"/officers/{world.colleague.id}/postings",
        data={"grid_id": str(world.free_grid.id), "start": start},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert snapshot() == before


def test_departure_through_the_form_ends_postings(world, as_user):
    response = as_user("hr_clerk").post(
        f"/officers/{world.officer.id}/deactivate", data={"on": "2025-03-31"}, follow_redirects=True
    )
    assert "is recorded as having left on 2025-03-31" in response.get_data(as_text=True)
    db.session.expire_all()
    officer = db.session.get(Officer, world.officer.id)
    assert officer.status == "left"
    assert [p.effective_to for p in officer.postings] == [dt.date(2025, 3, 31)]


# --- stale edit ------------------------------------------------------------------------------


def edit_data(officer: Officer, version: str, **changes) -> dict:
    return {
        "version": version,
        "employee_no": officer.employee_no,
        "name": officer.name,
        "id_number": officer.id_number,
        "sex": officer.sex,
        "phone": officer.phone,
        "street_id": str(officer.street_id),
        "hire_date": officer.hire_date.isoformat(),
        "status": officer.status,
        **changes,
    }


def test_a_stale_edit_is_refused_and_keeps_what_the_user_typed(world, as_user):
    first, second = as_user("hr_clerk"), as_user("admin")
    for client in (first, second):
        page = client.get(f"/officers/{world.officer.id}/edit").get_data(as_text=True)
        assert 'name="version" type="hidden" value="1"' in page
    officer = world.officer

    saved = first.post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1", name="张三丰"))
    assert saved.status_code == 302
    refused = second.post(f"/officers/{officer.id}/edit", data=edit_data(officer, "1", phone="13711112222"))

    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "Someone else saved this profile while you were editing it." in page
    assert 'value="13711112222"' in page, "the refused user's typing is still in the form"
    assert 'data-testid="conflict"' in page and "张三丰" in page, "the current saved values are shown"
    assert 'name="version" type="hidden" value="2"' in page
    db.session.expire_all()
    stored = db.session.get(Officer, officer.id)
    assert (stored.name, stored.phone, stored.version) == ("张三丰", "13800138000", 2)


def test_an_edit_without_a_version_is_treated_as_stale(world, as_user):
    response = as_user("hr_clerk").post(
        f"/officers/{world.officer.id}/edit", data=edit_data(world.officer, "", name="X")
    )
    assert "Someone else saved this profile" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Officer, world.officer.id).name == "张三"


# --- IDOR --------------------------------------------------------------------------------------


def officer_routes(officer_id: int, posting_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("GET", f"/officers/{officer_id}", {}),
        ("GET", f"/officers/{officer_id}/edit", {}),
        ("GET", f"/officers/{officer_id}/history", {}),
        ("POST", f"/officers/{officer_id}/reveal-id", {}),
        ("POST", f"/officers/{officer_id}/edit", {"version": "1", "name": "X", "phone": "13700000000"}),
        ("POST", f"/officers/{officer_id}/deactivate", {"on": "2025-01-01"}),
        ("POST", f"/officers/{officer_id}/postings", {"grid_id": "1", "start": "2025-01-01"}),
        ("POST", f"/officers/postings/{posting_id}/end", {"end": "2025-01-01"}),
    ]


def _posting_of(officer: Officer) -> int:
    return db.session.scalar(sa.select(Posting.id).where(Posting.officer_id == officer.id))


def test_an_officer_probing_other_officers_ids_gets_nothing(world, as_user):
    client = as_user("officer")
    before = snapshot()
    for target in (world.colleague, world.stranger, world.officer):
        for method, url, data in officer_routes(target.id, _posting_of(target) or 1):
            response = client.open(url, method=method, data=data)
            assert response.status_code in (403, 404), f"{method} {url}: {response.status_code}"
            page = response.get_data(as_text=True)
            assert target.name not in page and target.id_number not in page
    assert snapshot() == before


def test_street_hr_probing_another_street_gets_404_and_changes_nothing(world, as_user):
    client = as_user("street_hr")
    before = snapshot()
    stranger = world.stranger
    for method, url, data in officer_routes(stranger.id, _posting_of(stranger)):
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
        assert stranger.name not in response.get_data(as_text=True)
    assert snapshot() == before


def test_missing_ids_are_404_not_500(world, as_user):
    client = as_user("admin")
    for method, url, data in officer_routes(9999, 9999):
        assert client.open(url, method=method, data=data).status_code == 404, url


# --- directory, export, history, reveal --------------------------------------------------------


def directory_names(client, query: str = "") -> set[str]:
    page = client.get(f"/officers/{query}").get_data(as_text=True)
    return {name for name in ("张三", "李四", "王五") if f">{name}</a>" in page}


def test_directory_is_scoped_to_the_street_of_a_street_hr(world, as_user):
    assert directory_names(as_user("street_hr")) == {"张三", "李四"}
    assert directory_names(as_user("street_hr"), f"?street_id={world.other_street.id}") == set()
    assert directory_names(as_user("hr_clerk")) == {"张三", "李四", "王五"}
    assert directory_names(as_user("inspector")) == {"张三", "李四", "王五"}


def test_directory_search_and_filters(world, as_user):
    client = as_user("admin")
    assert directory_names(client, "?q=李") == {"李四"}
    assert directory_names(client, f"?q={world.stranger.id_number[-4:]}") == {"王五"}
    assert directory_names(client, f"?community_id={world.community.id}") == {"张三"}
    assert directory_names(client, "?status=left") == set()
    assert directory_names(client, "?q=%25") == set(), "LIKE wildcards are searched literally"


def test_directory_shows_masked_id_numbers_only(world, as_user):
    page = as_user("admin").get("/officers/").get_data(as_text=True)
    assert world.officer.id_number not in page
    assert world.officer.masked_id_number in page


def test_history_shows_only_that_officers_events(world, as_user):
    client = as_user("admin")
    client.post(f"/officers/{world.colleague.id}/reveal-id")
    page = client.get(f"/officers/{world.officer.id}/history").get_data(as_text=True)
    table = page.split('data-testid="audit"')[1]
    assert f'href="/officers/{world.officer.id}"' in table
    assert f'href="/officers/{world.colleague.id}"' not in table
    assert f'href="/officers/{world.stranger.id}"' not in table
    assert world.colleague.name not in table and world.stranger.name not in table
    assert "reveal_id" not in table


def test_reveal_id_shows_the_number_and_logs_the_reader(world, as_user):
    page = as_user("street_hr").post(f"/officers/{world.officer.id}/reveal-id").get_data(as_text=True)
    assert world.officer.id_number in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reveal_id"))
    assert (event.actor_name, event.officer_id) == ("street_hr", world.officer.id)


def test_own_profile_reveal_is_logged_and_redirects_so_a_refresh_does_not_repost(world, as_user):
    client = as_user("officer")
    response = client.post("/me/reveal-id")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert world.officer.id_number not in response.get_data(as_text=True)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "reveal_id"))
    assert (event.actor_name, event.officer_id) == ("officer", world.officer.id)
    assert world.officer.id_number in client.get("/me").get_data(as_text=True)
    # A refresh of /me shows the masked number again and logs nothing more.
    assert world.officer.id_number not in client.get("/me").get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "reveal_id")) == 1


def test_own_profile_shows_own_data_only(world, as_user):
    page = as_user("officer").get("/me").get_data(as_text=True)
    assert "张三" in page and world.grid.code in page
    assert "李四" not in page and "王五" not in page
    assert world.officer.id_number not in page


def test_occupancy_board_shows_vacant_grids_of_the_users_streets(world, as_user):
    page = as_user("street_hr").get("/officers/grids?vacant=1").get_data(as_text=True)
    assert world.free_grid.code in page
    assert world.grid.code not in page
    assert world.other_grid.code not in page


def test_dashboard_counts_are_scoped(world, as_user):
    OfficerFactory(street=world.other_street, status="left")
    db.session.commit()
    page = as_user("street_hr").get("/").get_data(as_text=True)
    assert 'data-testid="on-duty">2<' in page
    assert "1 without an officer" in page


def test_edit_form_shows_the_id_number_masked_and_keeps_it_when_unchanged(world, as_user):
    client = as_user("hr_clerk")
    page = client.get(f"/officers/{world.officer.id}/edit").get_data(as_text=True)
    assert world.officer.id_number not in page
    assert world.officer.masked_id_number in page
    data = form_data(
        world,
        employee_no=world.officer.employee_no,
        name="张三丰",
        id_number=world.officer.masked_id_number,
        version=str(world.officer.version),
    )
    response = client.post(f"/officers/{world.officer.id}/edit", data=data)
    assert response.status_code == 302
    saved = db.session.get(Officer, world.officer.id)
    db.session.refresh(saved)
    assert saved.name == "张三丰"
    assert saved.id_number == world.officer.id_number


def test_posting_form_offers_only_vacant_grids_of_the_officers_street_and_none_preselected(world, as_user):
    page = as_user("hr_clerk").get(f"/officers/{world.colleague.id}").get_data(as_text=True)
    select = page[page.index('name="grid_id"') : page.index("</select>", page.index('name="grid_id"'))]
    assert world.free_grid.code in select
    assert world.grid.code not in select  # served by world.officer
    assert world.other_grid.code not in select  # another street
    options = select.split("<option")[1:]
    assert 'value="0"' in options[0]
    assert not any("selected" in option for option in options[1:])


def test_posting_without_choosing_a_grid_is_refused(world, as_user):
    response = as_user("hr_clerk").post(
        f"/officers/{world.colleague.id}/postings", data={"grid_id": "0", "start": "2025-01-01"}, follow_redirects=True
    )
    assert "Choose a grid." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Posting.id).where(Posting.officer_id == world.colleague.id)) is None


def test_without_a_vacant_grid_the_profile_says_so_and_links_to_creating_one(world, as_user):
    client = as_user("street_hr")
    page = client.get(f"/officers/{world.colleague.id}").get_data(as_text=True)
    assert 'data-testid="no-vacant-grid"' not in page  # world.free_grid is vacant
    world.free_grid.active = False
    db.session.commit()
    page = client.get(f"/officers/{world.colleague.id}").get_data(as_text=True)
    hint = page.split('data-testid="no-vacant-grid"')[1].split("</div>")[0]
    assert "No grid of 甲街道 is vacant" in hint and 'href="/org/grids/new"' in hint


def test_the_profile_shows_education_and_political_status_and_a_dash_for_empty_values(world, as_user):
    world.officer.education, world.officer.political_status, world.officer.phone = "bachelor", "cpc_member", ""
    db.session.commit()
    page = as_user("street_hr").get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert '<dd class="col-sm-8" data-testid="education">Bachelor</dd>' in page
    assert '<dd class="col-sm-8" data-testid="political-status">CPC member</dd>' in page
    world.officer.education, world.officer.political_status = None, None
    db.session.commit()
    page = as_user("street_hr").get(f"/officers/{world.officer.id}").get_data(as_text=True)
    assert '<dd class="col-sm-8" data-testid="education">—</dd>' in page
    facts = page.split('<dl class="row profile')[1].split("</dl>")[0]
    assert '<dd class="col-sm-8"></dd>' not in facts


def directory_order(client, query: str) -> list[str]:
    page = client.get(f"/officers/?per_page=200&{query}").get_data(as_text=True)
    body = page.split('data-testid="directory"')[1].split("</tbody>")[0]
    return [row.split('<td class="mono">')[1].split("<")[0] for row in body.split("<tr>")[2:]]


def test_the_directory_shows_each_officers_tier_and_sorts_by_it(world, as_user):
    from tests.certification import helpers

    helpers.history(world.officer, ("probation", dt.date(2020, 1, 1)), ("junior", dt.date(2020, 7, 1), 3))
    helpers.history(world.colleague, ("probation", dt.date(2024, 1, 1)))
    db.session.commit()
    client = as_user("admin")
    page = client.get("/officers/").get_data(as_text=True)
    assert "Junior (初级) · 3" in page and "Probation (见习) · 1" in page
    by_tier = directory_order(client, "sort=tier")
    # No tier (stranger) first, then probation, then junior; descending reverses the tiers.
    assert by_tier == [world.stranger.employee_no, world.colleague.employee_no, world.officer.employee_no]
    assert directory_order(client, "sort=-tier") == list(reversed(by_tier))


@pytest.mark.parametrize("key", ["name", "employee_no", "street", "tier", "hire_date"])
def test_every_sortable_column_sorts_both_ways_with_a_stable_order(world, as_user, key):
    for n in range(4):  # equal values: the order between them must not change
        OfficerFactory(street=world.street, name="同名", hire_date=dt.date(2019, 1, 1), employee_no=f"Z{n}")
    db.session.commit()
    client = as_user("admin")
    ascending = directory_order(client, f"sort={key}")
    assert ascending == directory_order(client, f"sort={key}")
    descending = directory_order(client, f"sort=-{key}")
    assert sorted(ascending) == sorted(descending) and len(ascending) == 7
    officers = {o.employee_no: o for o in db.session.scalars(sa.select(Officer))}
    value = {
        "name": lambda o: o.name,
        "employee_no": lambda o: o.employee_no,
        "street": lambda o: o.street.code,
        "tier": lambda o: 0,
        "hire_date": lambda o: o.hire_date,
    }[key]
    values = [value(officers[no]) for no in ascending]
    assert values == sorted(values)
    ties = [no for no in ascending if officers[no].name == "同名"] if key == "name" else []
    assert ties == sorted(ties, key=lambda no: officers[no].id)


@pytest.mark.parametrize("sort", ["id_number", "-id_number", "name; DROP TABLE officers", "birth_date", "-"])
def test_an_unknown_sort_key_falls_back_to_employee_numbers(world, as_user, sort):
    client = as_user("admin")
    response = client.get("/officers/", query_string={"sort": sort, "per_page": 200})
    assert response.status_code == 200
    assert directory_order(client, urlencode({"sort": sort})) == sorted(directory_order(client, ""))
    assert 'data-sort="id_number"' not in response.get_data(as_text=True)
