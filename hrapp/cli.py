"""Commands: `flask seed demo`, `flask users create|list`, `flask jobs list|run|run-once`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from hrapp.core.audit import reset_actor, set_actor
from hrapp.errors import DomainError
from hrapp.extensions import db

seed = AppGroup("seed", help="Demo data.")
users = AppGroup("users", help="User accounts.")
jobs = AppGroup("jobs", help="Scheduled jobs.")


@seed.command("demo")
@click.option("--officers", default=150, show_default=True, help="Number of officers (and grids).")
@click.option("--password", default="demo12345", show_default=True, help="Password of the demo users.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has data.")
def seed_demo_command(officers: int, password: str, if_empty: bool) -> None:
    from hrapp.seed.demo import database_is_empty, seed_demo

    if not database_is_empty():
        if if_empty:
            click.echo("Database already has data; demo seed skipped.")
            return
        raise click.ClickException("The database is not empty; seed demo only builds a new database.")
    token = set_actor(None, "seed")
    try:
        summary = seed_demo(officers=officers, password=password)
        db.session.commit()
    finally:
        reset_actor(token)
    click.echo(f"Seeded {summary['officers']} officers on {summary['grids']} grids, {summary['users']} users.")


@users.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "hr_clerk", "inspector", "officer"]))
@click.option("--officer", "employee_no", help="Employee number of the officer (officer accounts).")
@click.option("--street", "street_code", help="Street code an HR clerk is limited to.")
@click.option("--display-name", default="")
@click.password_option()
def create_user_command(username, role, employee_no, street_code, display_name, password) -> None:
    from hrapp.auth.services import create_user
    from hrapp.officers.models import Officer
    from hrapp.org.models import Street

    officer_id = street_id = None
    if employee_no:
        officer_id = db.session.scalar(sa.select(Officer.id).where(Officer.employee_no == employee_no))
        if officer_id is None:
            raise click.ClickException(f"No officer with employee number {employee_no}.")
    if street_code:
        street_id = db.session.scalar(sa.select(Street.id).where(Street.code == street_code))
        if street_id is None:
            raise click.ClickException(f"No street with code {street_code}.")
    token = set_actor(None, "cli")
    try:
        user = create_user(
            username, password, role, display_name=display_name, street_id=street_id, officer_id=officer_id
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    finally:
        reset_actor(token)
    click.echo(f"User {user.username} ({user.role}) created.")


@users.command("list")
def list_users_command() -> None:
    from hrapp.auth.models import User

    for user in db.session.scalars(sa.select(User).order_by(User.username)):
        click.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'disabled'}")


@jobs.command("list")
def list_jobs_command() -> None:
    from hrapp.scheduler import JOBS

    for name, (_function, trigger) in sorted(JOBS.items()):
        click.echo(f"{name}\t{trigger}")


@jobs.command("run")
def run_scheduler_command() -> None:
    """Start the scheduler (exactly one such process per deployment)."""
    from flask import current_app

    from hrapp.scheduler import build_scheduler

    scheduler = build_scheduler(current_app._get_current_object())
    click.echo(f"Scheduler started with {len(scheduler.get_jobs())} jobs.")
    scheduler.start()


@jobs.command("run-once")
@click.argument("name")
def run_once_command(name: str) -> None:
    from flask import current_app

    from hrapp.scheduler import JOBS, run_job

    if name not in JOBS:
        raise click.ClickException(f"Unknown job {name}.")
    run_job(current_app._get_current_object(), name)


def register(app: Flask) -> None:
    from hrapp.assessments.cli import assessments
    from hrapp.workload.cli import workload

    for group in (seed, users, jobs, workload, assessments):
        app.cli.add_command(group)
