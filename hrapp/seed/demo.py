"""`flask seed demo`: build the demo district from nothing, deterministically (a fixed random seed).

Volumes (grids, officers, postings) go in as bulk inserts, which keeps a 20,000-officer benchmark
database quick to build and skips the per-row audit listener: seeding is not a user action. The
few reference rows added through the ORM (district, streets, communities, users) are audited as
done by "seed".
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from hrapp.assessments.seed import seed_assessments
from hrapp.auth import services as auth_services
from hrapp.certification.seed import seed_certification
from hrapp.core import idcard
from hrapp.core.dates import add_years
from hrapp.core.db import today, utcnow
from hrapp.extensions import db
from hrapp.integrity.seed import seed_integrity
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, District, Grid, Street
from hrapp.pay.seed import seed_pay
from hrapp.seed import futian

GRID_TYPES = ["residential"] * 14 + ["commercial"] * 3 + ["urban_village"] * 2 + ["special"]
EDUCATION = ["senior_high"] * 3 + ["college"] * 5 + ["bachelor"] * 3 + ["master"]
POLITICAL = ["masses"] * 6 + ["cpc_member"] * 3 + ["cyl_member"] * 2 + ["cpc_probationary"]

# Later domains append functions(rng, on) that add their own demo data.
STEPS: list = []
STEPS.append(seed_certification)
STEPS.append(seed_pay)
STEPS.append(seed_integrity)


def _seed_workload(rng, on):
    from hrapp.workload.seed import seed_workload

    seed_workload(rng, on)


STEPS.append(_seed_workload)
# Assessments score the year of cases and work records the workload step adds, so they come last.
STEPS.append(seed_assessments)


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(District.id))) == 0


def seed_org(rng: random.Random, grid_count: int) -> list[tuple[int, int]]:
    """Streets, communities and `grid_count` grids spread over them; returns (grid id, street id)."""
    district = District(code=futian.DISTRICT[0], name=futian.DISTRICT[1])
    db.session.add(district)
    db.session.flush()
    communities: list[tuple[int, int, str]] = []
    for street_code, street_name, names in futian.STREETS:
        street = Street(district_id=district.id, code=street_code, name=f"{street_name}街道")
        db.session.add(street)
        db.session.flush()
        for index, name in enumerate(names, start=1):
            community = Community(street_id=street.id, code=f"{street_code}-{index:02d}", name=f"{name}社区")
            db.session.add(community)
            db.session.flush()
            communities.append((community.id, street.id, community.code))
    rows = []
    for number in range(grid_count):
        community_id, street_id, community_code = communities[number % len(communities)]
        sequence = number // len(communities) + 1
        grid_type = rng.choice(GRID_TYPES)
        households = rng.randint(300, 500)
        per_household = 3.4 if grid_type == "urban_village" else 2.6
        rows.append(
            {
                "community_id": community_id,
                "code": f"{community_code}-{sequence:02d}",
                "name": f"第{sequence}网格",
                "grid_type": grid_type,
                "households": households,
                "population": int(households * per_household * rng.uniform(0.85, 1.15)),
                "housing_units": int(households * rng.uniform(0.9, 1.3)),
                "entities": rng.randint(5, 120 if grid_type == "commercial" else 40),
                "facilities": rng.randint(5, 40),
                "active": True,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
        )
    db.session.execute(sa.insert(Grid), rows)
    return [
        (row.id, row.street_id)
        for row in db.session.execute(sa.select(Grid.id, Community.street_id).join(Community).order_by(Grid.id))
    ]


def _person(rng: random.Random, number: int, on: dt.date) -> dict:
    birth = dt.date(rng.randint(1970, 2001), rng.randint(1, 12), rng.randint(1, 28))
    sequence = rng.randint(0, 499) * 2 + rng.randint(0, 1)
    id_number = idcard.make(rng.choice(futian.AREA_CODES), birth, sequence)
    earliest_hire = max(dt.date(2012, 1, 1), add_years(birth, 20))
    hire = earliest_hire + dt.timedelta(days=rng.randint(0, max(1, (on - earliest_hire).days - 60)))
    contract_end = add_years(hire, 3) - dt.timedelta(days=1)
    while contract_end < on:
        contract_end = add_years(contract_end, 3)
    return {
        "employee_no": f"FT{number:05d}",
        "name": rng.choice(futian.SURNAMES) + "".join(rng.choice(futian.GIVEN) for _ in range(rng.randint(1, 2))),
        "sex": "M" if int(id_number[16]) % 2 else "F",
        "id_number": id_number,
        "birth_date": birth,
        "phone": "1" + rng.choice("3578") + "".join(rng.choice("0123456789") for _ in range(9)),
        "education": rng.choice(EDUCATION),
        "political_status": rng.choice(POLITICAL),
        "hire_date": hire,
        "contract_start": add_years(contract_end, -3) + dt.timedelta(days=1),
        "contract_end": contract_end,
        "status": rng.choices(["active", "leave", "suspended"], weights=[95, 4, 1])[0],
        "version": 1,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }


def seed_officers(rng: random.Random, grids: list[tuple[int, int]], count: int, on: dt.date) -> None:
    """One officer per grid (一格一员); each posted from their hire date, some with an earlier grid."""
    batch_size = 2000
    used_ids: set[str] = set()  # across batches: a repeat in a later batch breaks the unique index
    for start in range(0, count, batch_size):
        people, numbers = [], range(start, min(count, start + batch_size))
        for number in numbers:
            person = _person(rng, number + 1, on)
            while person["id_number"] in used_ids:
                person = _person(rng, number + 1, on)
            used_ids.add(person["id_number"])
            person["street_id"] = grids[number % len(grids)][1]
            people.append(person)
        db.session.execute(sa.insert(Officer), people)
        ids = dict(
            db.session.execute(
                sa.select(Officer.employee_no, Officer.id).where(
                    Officer.employee_no.in_([p["employee_no"] for p in people])
                )
            ).all()
        )
        postings = []
        for number, person in zip(numbers, people, strict=True):
            if number >= len(grids):
                continue  # more officers than grids: the rest wait for a grid
            grid_id = grids[number][0]
            postings.append(
                {
                    "officer_id": ids[person["employee_no"]],
                    "grid_id": grid_id,
                    "effective_from": person["hire_date"],
                    "effective_to": None,
                    "is_primary": True,
                    "note": "",
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
            )
        if postings:
            db.session.execute(sa.insert(Posting), postings)


def seed_users(password: str) -> dict[str, int]:
    # The demo's officer account belongs to an officer at work, so every self-service page
    # (assessments, pay, workload) has something to show.
    first_officer = db.session.scalar(
        sa.select(Officer).where(Officer.status == "active").order_by(Officer.employee_no).limit(1)
    )
    futian_street = db.session.scalar(sa.select(Street).where(Street.code == "FT03"))
    accounts = [
        ("admin", "系统管理员", "admin", {}),
        ("hr", "区人事专员", "hr_clerk", {}),
        ("hr_futian", "福田街道人事专员", "hr_clerk", {"street_id": futian_street.id}),
        ("inspector", "督查员", "inspector", {}),
        ("officer", first_officer.name, "officer", {"officer_id": first_officer.id}),
    ]
    ids = {}
    for username, display, role, links in accounts:
        ids[username] = auth_services.create_user(username, password, role, display_name=display, **links).id
    return ids


def seed_demo(*, officers: int = 150, password: str = "demo12345", seed: int = 38, on: dt.date | None = None) -> dict:
    on = on or today()
    rng = random.Random(seed)
    grids = seed_org(rng, grid_count=max(officers, 1))
    seed_officers(rng, grids, officers, on)
    db.session.flush()
    users = seed_users(password)
    for step in STEPS:
        step(rng, on)
    db.session.flush()
    return {"officers": officers, "grids": len(grids), "users": len(users)}
