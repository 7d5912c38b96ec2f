"""The administrator's user pages, the account rules behind them, and `flask users`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hrapp.auth import services
from hrapp.auth.models import User
from hrapp.errors import Conflict, DomainError
from hrapp.extensions import db
from tests.factories import PASSWORD


@pytest.fixture
def admin(as_role):
    client = as_role("admin")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def user(username) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def new_user_form(**changes) -> dict:
    return {
        "username": "newbie",
        "display_name": "新人",
        "role": "hr_clerk",
        "street_id": "0",
        "officer_employee_no": "",
        "active": "y",
        "password": "initial-pass-1",
        **changes,
    }


def test_admin_creates_a_street_hr_clerk(world, admin):
    response = admin.post("/admin/users/new", data=new_user_form(street_id=str(world.other_street.id)))
    assert response.status_code == 302
    created = user("newbie")
    assert (created.role, created.street_id, created.display_name) == ("hr_clerk", world.other_street.id, "新人")
    assert created.password_hash.startswith("$argon2")


def test_admin_links_an_officer_account_by_employee_number(world, admin):
    response = admin.post(
        "/admin/users/new", data=new_user_form(role="officer", officer_employee_no=world.colleague.employee_no)
    )
    assert response.status_code == 302
    assert user("newbie").officer_id == world.colleague.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "officer"}, "An officer account must be linked to an officer profile."),
        ({"role": "inspector", "street_id": "1"}, "Only HR clerk accounts are scoped to a street."),
        ({"officer_employee_no": "COLLEAGUE"}, "Only officer accounts are linked to an officer profile."),
        ({"role": "officer", "officer_employee_no": "NOPE"}, "No officer has employee number NOPE."),
        ({"username": "hr"}, "The username hr is taken."),
        ({"password": ""}, "An initial password is required."),
        ({"password": "short"}, "Field must be between 8 and 128 characters long."),
        ({"role": "superuser"}, "Not a valid choice"),
    ],
)
def test_account_rules_are_shown_in_the_form_and_nothing_is_saved(world, admin, changes, message):
    if changes.get("officer_employee_no") == "COLLEAGUE":
        changes = {**changes, "officer_employee_no": world.colleague.employee_no}
    response = admin.post("/admin/users/new", data=new_user_form(**changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 5


def test_one_account_per_officer(world, admin):
    response = admin.post(
        "/admin/users/new", data=new_user_form(role="officer", officer_employee_no=world.officer.employee_no)
    )
    assert "This officer already has an account." in response.get_data(as_text=True)


def test_admin_edits_a_user(world, admin):
    data = new_user_form(username="hr", role="hr_clerk", street_id=str(world.street.id), display_name="区人事")
    del data["password"]
    assert admin.post(f"/admin/users/{world.hr.id}", data=data).status_code == 302
    edited = user("hr")
    assert (edited.street_id, edited.display_name, edited.active) == (world.street.id, "区人事", True)


def test_admin_disables_a_user(world, admin):
    data = new_user_form(username="inspector", role="inspector")
    del data["password"], data["active"]
    assert admin.post(f"/admin/users/{world.inspector.id}", data=data).status_code == 302
    assert user("inspector").active is False


def test_admin_cannot_disable_or_demote_themself(world, admin):
    for changes in ({"active": ""}, {"role": "hr_clerk"}):
        data = {**new_user_form(username="admin", role="admin"), **changes}
        del data["password"]
        response = admin.post(f"/admin/users/{world.admin.id}", data=data)
        assert "You cannot disable your own account or change your own role." in response.get_data(as_text=True)
    assert (user("admin").role, user("admin").active) == ("admin", True)


def test_reset_password_needs_a_valid_password(world, admin):
    before = user("hr").password_hash
    response = admin.post(f"/admin/users/{world.hr.id}/password", data={"password": "short"}, follow_redirects=True)
    assert "Field must be between 8 and 128 characters long." in response.get_data(as_text=True)
    assert user("hr").password_hash == before


def test_user_list_filters(world, admin):
    page = admin.get("/admin/users?role=officer").get_data(as_text=True)
    assert ">officer</a>" in page and ">inspector</a>" not in page
    page = admin.get("/admin/users?q=street").get_data(as_text=True)
    assert ">street_hr</a>" in page and ">admin</a>" not in page


def test_missing_user_is_404(world, admin):
    assert admin.get("/admin/users/9999").status_code == 404
    assert admin.post("/admin/users/9999/password", data={"password": "long-enough-1"}).status_code == 404


# --- services -------------------------------------------------------------------------------------


def test_create_user_rules(world):
    with pytest.raises(DomainError):
        services.create_user("x", PASSWORD, "officer")
    with pytest.raises(Conflict):
        services.create_user("hr", PASSWORD, "hr_clerk")
    with pytest.raises(DomainError):
        services.create_user("y", "short", "inspector")
    with pytest.raises(DomainError):
        services.create_user("z", PASSWORD, "root")
    with pytest.raises(DomainError):
        services.create_user("  ", PASSWORD, "admin")


# --- CLI --------------------------------------------------------------------------------------------


def test_cli_creates_users(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "cli_hr",
            "--role",
            "hr_clerk",
            "--street",
            "S-A",
            "--password",
            "cli-pass-123",
        ]
    )
    assert result.exit_code == 0, result.output
    created = user("cli_hr")
    assert (created.role, created.street_id) == ("hr_clerk", world.street.id)

    result = runner.invoke(
        args=["users", "create", "--username", "cli_off", "--role", "officer", "--officer", world.colleague.employee_no,
              "--password", "cli-pass-123"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert user("cli_off").officer_id == world.colleague.id


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "hr_clerk", "--street", "NOPE"],
        ["--role", "officer", "--officer", "NOPE"],
        ["--role", "officer"],
        ["--role", "inspector", "--street", "S-A"],
    ],
)
def test_cli_refuses_inconsistent_users(app, world, args):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--username", "bad", *args, "--password", "cli-pass-123"]
    )
    assert result.exit_code != 0
    assert "Error" in result.output
    assert user("bad") is None


def test_cli_lists_users(app, world):
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 0
    assert "street_hr\thr_clerk\tactive" in result.output
