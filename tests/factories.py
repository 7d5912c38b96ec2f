"""factory_boy factories bound to the Flask-SQLAlchemy session, and a small ready-made world."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import factory
from factory.alchemy import SQLAlchemyModelFactory

from hrapp.auth.models import User
from hrapp.auth.services import hash_password
from hrapp.core import idcard
from hrapp.extensions import db
from hrapp.officers.models import Officer, Posting
from hrapp.org.models import Community, District, Grid, Street

PASSWORD = "correct-horse-9"
_HASH = None


def password_hash() -> str:
    global _HASH
    if _HASH is None:
        _HASH = hash_password(PASSWORD)
    return _HASH


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class DistrictFactory(Base):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"区{n}")


class StreetFactory(Base):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.Sequence(lambda n: f"街道{n}")


class CommunityFactory(Base):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    code = factory.Sequence(lambda n: f"C{n:03d}")
    name = factory.Sequence(lambda n: f"社区{n}")


class GridFactory(Base):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    code = factory.Sequence(lambda n: f"G{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}网格")
    grid_type = "residential"
    households = 400
    population = 1000
    housing_units = 420
    entities = 20
    facilities = 10


_sequence = itertools.count(1)


def valid_id_number(birth: dt.date = dt.date(1990, 5, 17), male: bool = True) -> str:
    number = next(_sequence) % 500
    return idcard.make("440304", birth, number * 2 + (1 if male else 0))


class OfficerFactory(Base):
    class Meta:
        model = Officer

    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"网格员{n}")
    id_number = factory.LazyFunction(valid_id_number)
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    birth_date = factory.LazyAttribute(lambda o: idcard.parse(o.id_number).birth_date)
    phone = "13800138000"
    hire_date = dt.date(2018, 3, 1)
    status = "active"
    street = factory.SubFactory(StreetFactory)


class PostingFactory(Base):
    class Meta:
        model = Posting

    officer = factory.SubFactory(OfficerFactory)
    grid = factory.SubFactory(GridFactory)
    effective_from = dt.date(2018, 3, 1)
    effective_to = None
    is_primary = True


class UserFactory(Base):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    password_hash = factory.LazyFunction(password_hash)
    role = "hr_clerk"
    active = True


@dataclasses.dataclass
class World:
    street: Street
    other_street: Street
    community: Community
    grid: Grid
    free_grid: Grid
    other_grid: Grid
    officer: Officer
    colleague: Officer
    stranger: Officer
    admin: User
    hr: User
    street_hr: User
    inspector: User
    officer_user: User

    def user(self, role: str) -> User:
        return {
            "admin": self.admin,
            "hr_clerk": self.hr,
            "street_hr": self.street_hr,
            "inspector": self.inspector,
            "officer": self.officer_user,
        }[role]


def build_world() -> World:
    district = DistrictFactory()
    street = StreetFactory(district=district, code="S-A", name="甲街道")
    other_street = StreetFactory(district=district, code="S-B", name="乙街道")
    community = CommunityFactory(street=street)
    other_community = CommunityFactory(street=other_street)
    grid = GridFactory(community=community)
    free_grid = GridFactory(community=community)
    other_grid = GridFactory(community=other_community)
    officer = OfficerFactory(street=street, name="张三")
    colleague = OfficerFactory(street=street, name="李四")
    stranger = OfficerFactory(street=other_street, name="王五")
    PostingFactory(officer=officer, grid=grid)
    PostingFactory(officer=stranger, grid=other_grid)
    world = World(
        street=street,
        other_street=other_street,
        community=community,
        grid=grid,
        free_grid=free_grid,
        other_grid=other_grid,
        officer=officer,
        colleague=colleague,
        stranger=stranger,
        admin=UserFactory(username="admin", role="admin"),
        hr=UserFactory(username="hr", role="hr_clerk"),
        street_hr=UserFactory(username="street_hr", role="hr_clerk", street_id=street.id),
        inspector=UserFactory(username="inspector", role="inspector"),
        officer_user=UserFactory(username="officer", role="officer", officer_id=officer.id),
    )
    db.session.commit()
    return world
