"""`flask workload import FILE [--dry-run]`: the staged case import from the command line, with a
progress bar over the file's bytes and a summary (inserted, updated, unchanged, rejected)."""

from __future__ import annotations

import os

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from hrapp.core.audit import reset_actor, set_actor
from hrapp.core.importing import ImportFileError
from hrapp.core.staged_import import run_staged_import
from hrapp.extensions import db

workload = AppGroup("workload", help="Cases and workload.")


@workload.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--system", "system_code", help="Source system code (default: the first active one).")
@click.option("--show", default=50, show_default=True, help="How many problems to list.")
def import_command(path: str, dry_run: bool, system_code: str | None, show: int) -> None:
    from hrapp.workload.importing import case_import_spec, default_source_system_id
    from hrapp.workload.models import SourceSystem

    if system_code:
        system_id = db.session.scalar(sa.select(SourceSystem.id).where(SourceSystem.code == system_code))
    else:
        system_id = default_source_system_id(db.session)
    if system_id is None:
        raise click.ClickException("No such source system; run `flask seed demo` or add one.")
    size = os.path.getsize(path)
    token = set_actor(None, "cli")
    try:
        with (
            open(path, "rb") as stream,
            click.progressbar(length=size, label="Reading", file=click.get_text_stream("stderr")) as bar,
        ):
            seen = [0]

            def progress(rows: int, read: int) -> None:
                bar.update(max(0, min(read, size) - seen[0]))
                seen[0] = min(read, size)

            report = run_staged_import(
                case_import_spec(system_id, db.session), stream, path, dry_run=dry_run, progress=progress
            )
            bar.update(size - seen[0])
        if report.ok and not dry_run:
            db.session.commit()
        else:
            db.session.rollback()
    except ImportFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    finally:
        reset_actor(token)
    verb = "would be" if dry_run else ""
    click.echo(
        f"{report.total} rows: {report.created} inserted, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.rejected} rejected{' (dry run: nothing written)' if dry_run else ''}.".replace(
            "inserted", f"{verb} inserted".strip()
        )
    )
    for error in report.errors[:show]:
        click.echo(f"  row {error.row} · {error.column}: {error.message}")
    if len(report.errors) > show:
        click.echo(f"  … and more: {report.rejected} rows rejected in all.")
    if not report.ok:
        click.echo("Nothing was written: correct the file and import it again.")
        raise SystemExit(1)
