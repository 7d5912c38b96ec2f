"""`flask seed demo`: a small demo district that respects the rules the application enforces."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.auth.models import User
from hrapp.core import idcard
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.officers.services import age_on
from hrapp.org.models import Grid, Street


def test_seed_demo_builds_a_consistent_district(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed", "demo", "--officers", "12", "--password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    assert "Seeded 12 officers on 12 grids, 5 users." in result.output

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Street.id))) == 10
    assert db.session.scalar(sa.select(sa.func.count(Grid.id))) == 12
    officers = db.session.scalars(sa.select(Officer)).all()
    assert len(officers) == 12
    for officer in officers:
        parsed = idcard.parse(officer.id_number)
        assert (parsed.birth_date, parsed.sex) == (officer.birth_date, officer.sex)
        assert age_on(officer.birth_date, officer.hire_date) >= 16
    assert len({officer.id_number for officer in officers}) == 12

    open_primary = sa.select(Posting).where(Posting.effective_to.is_(None), Posting.is_primary.is_(True))
    postings = db.session.scalars(open_primary).all()
    assert len(postings) == 12
    assert len({p.grid_id for p in postings}) == 12, "one grid, one officer"
    assert len({p.officer_id for p in postings}) == 12
    by_id = {officer.id: officer for officer in officers}
    for posting in postings:
        assert posting.grid.community.street_id == by_id[posting.officer_id].street_id
        assert posting.effective_from >= by_id[posting.officer_id].hire_date

    users = {user.username: user for user in db.session.scalars(sa.select(User))}
    assert set(users) == {"admin", "hr", "hr_futian", "inspector", "officer"}
    assert users["hr_futian"].street.code == "FT03"
    assert users["officer"].officer_id is not None

    client = app.test_client()
    response = client.post("/login", data={"username": "hr_futian", "password": "demo-pass-1"})
    assert response.status_code == 302


def test_seed_demo_refuses_a_database_with_data(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo", "--officers", "3"]).exit_code == 0
    again = runner.invoke(args=["seed", "demo", "--officers", "3"])
    assert again.exit_code != 0
    assert "not empty" in again.output
    skipped = runner.invoke(args=["seed", "demo", "--officers", "3", "--if-empty"])
    assert skipped.exit_code == 0 and "skipped" in skipped.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Officer.id))) == 3
