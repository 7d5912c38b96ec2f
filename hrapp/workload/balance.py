"""Grid balance (the reply's "任务总量基本均衡"): the distribution of workload per officer across
grids, its outliers and the grids furthest from the median."""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics

import sqlalchemy as sa

from hrapp.core.permissions import street_scope
from hrapp.extensions import db
from hrapp.officers.models import Posting
from hrapp.org.models import Community, Grid, Street
from hrapp.workload.models import Case
from hrapp.workload.queries import VALID, grid_index_expression, utc_bounds


@dataclasses.dataclass
class GridLoad:
    grid_id: int
    label: str
    street: str
    index: float
    officers: int
    volume: int

    @property
    def load_per_officer(self) -> float:
        """The grid's 四实 workload index per officer posted there (a vacant grid counts as one)."""
        return self.index / max(self.officers, 1)


@dataclasses.dataclass
class Balance:
    grids: list[GridLoad]
    median: float
    q1: float
    q3: float
    outliers: list[GridLoad]
    furthest: list[GridLoad]

    @property
    def low_fence(self) -> float:
        return self.q1 - 1.5 * (self.q3 - self.q1)

    @property
    def high_fence(self) -> float:
        return self.q3 + 1.5 * (self.q3 - self.q1)


def grid_balance(user, start: dt.date, end: dt.date, street_id: int | None = None, top: int = 10) -> Balance:
    """任务总量基本均衡: the distribution of workload per officer across grids. Each grid's load is its
    workload index per posted officer; outliers lie beyond Tukey's fences (1.5 × IQR); `furthest`
    are the grids whose load is furthest from the median, relatively."""
    low, high = utc_bounds(start, end)
    on = end - dt.timedelta(days=1)
    expression, averages = grid_index_expression()
    officers = (
        sa.select(Posting.grid_id, sa.func.count().label("officers"))
        .where(Posting.is_primary.is_(True), Posting.valid_on(on))
        .group_by(Posting.grid_id)
        .subquery()
    )
    volumes = (
        sa.select(Case.grid_id, sa.func.count().label("volume"))
        .where(Case.reported_at >= low, Case.reported_at < high, VALID)
        .group_by(Case.grid_id)
        .subquery()
    )
    query = (
        sa.select(
            Grid.id,
            Grid.code,
            Grid.name,
            Street.name.label("street"),
            expression.label("index"),
            sa.func.coalesce(officers.c.officers, 0),
            sa.func.coalesce(volumes.c.volume, 0),
        )
        .select_from(Grid)
        .join(Community, Community.id == Grid.community_id)
        .join(Street, Street.id == Community.street_id)
        .join(averages, sa.true())
        .outerjoin(officers, officers.c.grid_id == Grid.id)
        .outerjoin(volumes, volumes.c.grid_id == Grid.id)
        .where(Grid.active.is_(True), street_scope(user, Community.street_id))
        .order_by(Grid.code)
    )
    if street_id is not None:
        query = query.where(Community.street_id == street_id)
    grids = [
        GridLoad(row[0], f"{row[1]} {row[2]}", row[3], float(row[4] or 1.0), int(row[5]), int(row[6]))
        for row in db.session.execute(query)
    ]
    loads = [grid.load_per_officer for grid in grids]
    if len(loads) >= 2:
        q1, median, q3 = statistics.quantiles(loads, n=4, method="inclusive")
    else:
        q1 = median = q3 = loads[0] if loads else 0.0
    spread = 1.5 * (q3 - q1)
    outliers = [grid for grid in grids if grid.load_per_officer < q1 - spread or grid.load_per_officer > q3 + spread]
    furthest = sorted(grids, key=lambda grid: abs(grid.load_per_officer - median), reverse=True)[:top]
    return Balance(grids, median, q1, q3, outliers, furthest)
