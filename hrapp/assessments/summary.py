"""The figures of a street's or the district's summary for a period, each in one set-based
statement over the current results (superseded versions left out): the grade distribution with
totals, the average points of each indicator (read out of the JSON lines in SQL), the ranking of
officers (a street) or of streets (the district)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import sqlalchemy as sa

from hrapp.assessments.models import Assessment, AssessmentScheme
from hrapp.extensions import db
from hrapp.officers.models import Officer
from hrapp.org.models import Grid, Street

TWO = Decimal("0.01")


@dataclasses.dataclass(frozen=True)
class IndicatorAverage:
    code: str
    name: str
    weight: Decimal
    average: Decimal  # points
    rate: Decimal  # average points as a share of the weight, in %
    no_data: int


@dataclasses.dataclass(frozen=True)
class OfficerRank:
    rank: int
    name: str
    employee_no: str
    grid: str
    score: Decimal
    grade: int
    veto: str


@dataclasses.dataclass(frozen=True)
class StreetRank:
    rank: int
    name: str
    officers: int
    grades: dict[int, int]
    average: Decimal


@dataclasses.dataclass(frozen=True)
class Summary:
    period: str
    street: str | None  # None: the whole district
    total: int
    grades: dict[int, int]
    average: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    vetoed: int
    capped: int
    not_issued: int
    schemes: list[str]
    indicators: list[IndicatorAverage]
    officers: list[OfficerRank]
    streets: list[StreetRank]


def _current(period: str, street_id: int | None):
    conditions = [Assessment.period == period, Assessment.status != "superseded"]
    if street_id is not None:
        conditions.append(Assessment.street_id == street_id)
    return conditions


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO)


def _totals(conditions) -> dict:
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.avg(Assessment.score),
            sa.func.min(Assessment.score),
            sa.func.max(Assessment.score),
            sa.func.coalesce(sa.func.sum(sa.case((Assessment.veto_reason != "", 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Assessment.capped.is_(True), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Assessment.status != "issued", 1), else_=0)), 0),
        ).where(*conditions)
    ).one()
    return dict(zip(("total", "average", "lowest", "highest", "vetoed", "capped", "not_issued"), row, strict=True))


def _grades(conditions) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Assessment.grade, sa.func.count()).where(*conditions).group_by(Assessment.grade)
    ).all()
    return {grade: count for grade, count in rows}


def _line_elements():
    """The indicator lines of each result as rows (`value` a JSON object), on either database."""
    function = sa.func.json_array_elements if db.session.get_bind().dialect.name == "postgresql" else sa.func.json_each
    return function(Assessment.lines).table_valued(sa.column("value", sa.JSON)).alias("line")


def _indicators(conditions, order: list[str]) -> list[IndicatorAverage]:
    line = _line_elements()
    code = line.c.value["code"].as_string()
    points = sa.cast(line.c.value["points"].as_string(), sa.Numeric(8, 2))
    weight = sa.cast(line.c.value["weight"].as_string(), sa.Numeric(8, 2))
    no_data = sa.case((line.c.value["raw"].as_string().is_(None), 1), else_=0)
    rows = db.session.execute(
        sa.select(
            code.label("code"),
            sa.func.min(line.c.value["name"].as_string()),
            sa.func.max(weight),
            sa.func.avg(points),
            sa.func.sum(no_data),
        )
        .select_from(Assessment)
        .join(line, sa.true())
        .where(*conditions)
        .group_by(code)
    ).all()
    position = {value: index for index, value in enumerate(order)}
    result = []
    for row_code, name, row_weight, average, missing in sorted(rows, key=lambda r: (position.get(r[0], 99), r[0])):
        row_weight, exact = _dec(row_weight) or Decimal(0), Decimal(str(average or 0))
        rate = (exact / row_weight * 100).quantize(Decimal("0.1")) if row_weight else Decimal(0)
        result.append(IndicatorAverage(row_code, name, row_weight, exact.quantize(TWO), rate, int(missing or 0)))
    return result


def _schemes(conditions) -> tuple[list[str], list[str]]:
    """The names of the schemes the results were computed under, and the indicator order of the first."""
    schemes = db.session.scalars(
        sa.select(AssessmentScheme)
        .where(AssessmentScheme.id.in_(sa.select(Assessment.scheme_id).where(*conditions).distinct()))
        .order_by(AssessmentScheme.version)
    ).all()
    order: list[str] = []
    for scheme in schemes:
        codes = [i.get("code") for i in scheme.definition.get("indicators", [])]
        codes.append(scheme.definition.get("integrity", {}).get("code"))
        order += [c for c in codes if c not in order]
    return [f"{s.name} v{s.version}" for s in schemes], order


def _officers(conditions) -> list[OfficerRank]:
    rank = sa.func.rank().over(order_by=Assessment.score.desc())
    rows = db.session.execute(
        sa.select(
            rank,
            Officer.name,
            Officer.employee_no,
            Grid.name,
            Assessment.score,
            Assessment.grade,
            Assessment.veto_reason,
        )  # fmt: skip
        .join(Officer, Officer.id == Assessment.officer_id)
        .outerjoin(Grid, Grid.id == Assessment.grid_id)
        .where(*conditions)
        .order_by(Assessment.score.desc(), Officer.employee_no)
    ).all()
    return [OfficerRank(int(r[0]), r[1], r[2] or "", r[3] or "", _dec(r[4]), r[5], r[6] or "") for r in rows]


def _streets(conditions) -> list[StreetRank]:
    average = sa.func.avg(Assessment.score)
    per_grade = [sa.func.sum(sa.case((Assessment.grade == grade, 1), else_=0)) for grade in (4, 3, 2, 1)]
    rows = db.session.execute(
        sa.select(sa.func.rank().over(order_by=average.desc()), Street.name, sa.func.count(), average, *per_grade)
        .join(Street, Street.id == Assessment.street_id)
        .where(*conditions)
        .group_by(Street.id, Street.name)
        .order_by(average.desc(), Street.name)
    ).all()
    return [
        StreetRank(int(r[0]), r[1], r[2], dict(zip((4, 3, 2, 1), map(int, r[4:8]), strict=True)), _dec(r[3]))
        for r in rows
    ]


def period_summary(period: str, street_id: int | None = None) -> Summary:
    """A street's summary (its officers ranked) or, without a street, the district's (streets ranked)."""
    conditions = _current(period, street_id)
    totals = _totals(conditions)
    street = db.session.get(Street, street_id) if street_id is not None else None
    if not totals["total"]:
        return Summary(period, street.name if street else None, 0, {}, None, None, None, 0, 0, 0, [], [], [], [])
    schemes, order = _schemes(conditions)
    return Summary(
        period=period,
        street=street.name if street else None,
        total=int(totals["total"]),
        grades=_grades(conditions),
        average=_dec(totals["average"]),
        lowest=_dec(totals["lowest"]),
        highest=_dec(totals["highest"]),
        vetoed=int(totals["vetoed"]),
        capped=int(totals["capped"]),
        not_issued=int(totals["not_issued"]),
        schemes=schemes,
        indicators=_indicators(conditions, order),
        officers=_officers(conditions) if street_id is not None else [],
        streets=_streets(conditions) if street_id is None else [],
    )
