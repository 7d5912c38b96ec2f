"""`flask assessments compute|issue --period 2026-10 [--street CODE]`."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from hrapp.core.audit import reset_actor, set_actor
from hrapp.errors import DomainError
from hrapp.extensions import db

assessments = AppGroup("assessments", help="Assessments: compute and issue a period.")


def _street_id(code: str | None) -> int | None:
    from hrapp.org.models import Street

    if not code:
        return None
    street_id = db.session.scalar(sa.select(Street.id).where(Street.code == code))
    if street_id is None:
        raise click.ClickException(f"No street with code {code}.")
    return street_id


@assessments.command("compute")
@click.option("--period", required=True, help="2026-10, 2026-Q4 or 2026.")
@click.option("--street", "street_code", help="Street code (default: the whole district).")
def compute_command(period: str, street_code: str | None) -> None:
    from hrapp.assessments import services

    token = set_actor(None, "cli")
    try:
        summary = services.compute_period(period, _street_id(street_code))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    finally:
        reset_actor(token)
    click.echo(f"{summary['period']}: {summary['computed']} computed, {summary['skipped']} already reviewed or issued.")
    if not summary["workload_source"]:
        click.echo("No workload source is registered: the workload indicators scored as no data.")


@assessments.command("issue")
@click.option("--period", required=True, help="2026-10, 2026-Q4 or 2026.")
@click.option("--street", "street_code", help="Street code (default: the whole district).")
def issue_command(period: str, street_code: str | None) -> None:
    """Issue every computed result of the period (archived PDFs); resumable: issued ones are skipped."""
    from hrapp.tasks.services import run_inline

    token = set_actor(None, "cli")
    try:
        with click.progressbar(length=0, label=f"Issuing {period}") as bar:
            result = run_inline("assessments.issue", {"period": period, "street_id": _street_id(street_code)}, bar=bar)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    finally:
        reset_actor(token)
    click.echo(f"{result['period']}: {result['issued']} issued.")
