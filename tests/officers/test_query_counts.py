"""List pages load their relations eagerly: the query count does not grow with the page size."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from hrapp.certification import services
from hrapp.certification.models import Tier, TierRecord
from hrapp.core import idcard
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Grid
from tests.conftest import client_as
from tests.factories import CommunityFactory


def add_officers(world, count: int) -> None:
    """Bulk rows (factories would take seconds): `count` officers, each on their own grid."""
    communities = [CommunityFactory(street=world.street) for _ in range(4)]
    db.session.execute(
        sa.insert(Grid),
        [{"community_id": communities[n % 4].id, "code": f"N1-{n:04d}", "name": f"格{n}"} for n in range(count)],
    )
    grid_ids = db.session.scalars(sa.select(Grid.id).where(Grid.code.like("N1-%")).order_by(Grid.code)).all()
    db.session.execute(
        sa.insert(Officer),
        [
            {
                "employee_no": f"Q{n:04d}",
                "name": f"员{n}",
                "sex": "M",
                "id_number": idcard.make("440305", dt.date(1985, 1, 1) + dt.timedelta(days=n), 1),
                "birth_date": dt.date(1985, 1, 1) + dt.timedelta(days=n),
                "hire_date": dt.date(2015, 1, 1),
                "street_id": world.street.id,
            }
            for n in range(count)
        ],
    )
    officer_ids = db.session.scalars(
        sa.select(Officer.id).where(Officer.employee_no.like("Q%")).order_by(Officer.employee_no)
    ).all()
    db.session.execute(
        sa.insert(Posting),
        [
            {"officer_id": officer_id, "grid_id": grid_id, "effective_from": dt.date(2015, 1, 1), "is_primary": True}
            for officer_id, grid_id in zip(officer_ids, grid_ids, strict=True)
        ],
    )
    db.session.commit()


def add_tiers(codes_by_officer: dict[int, str]) -> None:
    """Bulk tier records from 2015 (the default ladder)."""
    services.ensure_defaults()
    tiers = {tier.code: tier.id for tier in db.session.scalars(sa.select(Tier))}
    db.session.execute(
        sa.insert(TierRecord),
        [
            {"officer_id": officer_id, "tier_id": tiers[code], "step": 1 + officer_id % 3, "reason": "hire",
             "effective_from": dt.date(2015, 1, 1), "note": ""}
            for officer_id, code in codes_by_officer.items()
        ],
    )  # fmt: skip
    db.session.commit()


@pytest.mark.parametrize("sort", ["", "tier", "-tier", "street", "name"])
def test_directory_query_count_does_not_grow_with_page_size(app, world, query_counter, sort):
    add_officers(world, 120)
    ids = db.session.scalars(sa.select(Officer.id).where(Officer.employee_no.like("Q%"))).all()
    add_tiers({officer_id: ("junior", "intermediate", "senior")[n % 3] for n, officer_id in enumerate(ids)})
    client = client_as(app, world, "admin", isolated=True)
    counts = {}
    for per_page in (10, 100):
        with query_counter() as statements:
            page = client.get(f"/officers/?per_page={per_page}&sort={sort}").get_data(as_text=True)
        assert page.count("/officers/") >= per_page
        assert page.count('data-testid="tier"') == per_page
        assert page.count("初级 · ") + page.count("中级 · ") + page.count("高级 · ") >= per_page - 3
        counts[per_page] = len(statements)
    assert counts[10] == counts[100], counts
    assert 3 <= counts[100] <= 12


def test_occupancy_query_count_does_not_grow_with_page_size(app, world, query_counter):
    add_officers(world, 120)
    client = client_as(app, world, "admin", isolated=True)
    counts = []
    for page in (1, 2):
        with query_counter() as statements:
            client.get(f"/officers/grids?page={page}")
        counts.append(len(statements))
    assert counts[0] == counts[1]
