"""The data migration that rewrites ID numbers stored with fullwidth digits."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa

from hrapp.extensions import db
from hrapp.officers.models import Officer

MIGRATION = next((Path(__file__).resolve().parents[2] / "migrations" / "versions").glob("*_normalise_id_numbers.py"))


def load_migration():
    spec = importlib.util.spec_from_file_location("normalise_id_numbers", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fullwidth_numbers_are_rewritten_and_duplicates_left_for_a_person(world):
    fullwidth = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    colleague_number = world.colleague.id_number
    officer_number = world.officer.id_number
    table = Officer.__table__
    db.session.execute(
        table.update().where(table.c.id == world.colleague.id).values(id_number=colleague_number.translate(fullwidth))
    )
    # A second record of the officer's number, spelt in fullwidth digits.
    db.session.execute(
        table.update().where(table.c.id == world.stranger.id).values(id_number=officer_number.translate(fullwidth))
    )
    duplicates = load_migration().normalise_id_numbers(db.session.connection())
    db.session.commit()
    stored = dict(db.session.execute(sa.select(table.c.id, table.c.id_number)).all())
    assert stored[world.colleague.id] == colleague_number
    assert stored[world.officer.id] == officer_number
    assert duplicates == [world.stranger.id]
