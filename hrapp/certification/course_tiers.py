"""The course ↔ tier link: which courses are mandatory for which tier. A tier rule, so it lives
here; training reaches it only through `training.hooks.register_course_tiers`."""

from __future__ import annotations

import sqlalchemy as sa

from hrapp.certification.models import Tier, course_mandatory_tiers
from hrapp.extensions import db
from hrapp.training import hooks as training_hooks


def choices() -> list[tuple[int, str]]:
    return [(tier.id, tier.label) for tier in db.session.scalars(sa.select(Tier).order_by(Tier.ordinal))]


def of(course_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each course's mandatory tiers as (id, label), in ladder order: one query for a page."""
    rows = db.session.execute(
        sa.select(course_mandatory_tiers.c.course_id, Tier)
        .join(Tier, Tier.id == course_mandatory_tiers.c.tier_id)
        .where(course_mandatory_tiers.c.course_id.in_(course_ids))
        .order_by(Tier.ordinal)
    ).all()
    found: dict[int, list[tuple[int, str]]] = {}
    for course_id, tier in rows:
        found.setdefault(course_id, []).append((tier.id, tier.label))
    return found


def assign(course, tier_ids: list[int]) -> None:
    """Replace the course's mandatory tiers with the existing tiers among `tier_ids`."""
    wanted = set(db.session.scalars(sa.select(Tier.id).where(Tier.id.in_(tier_ids)))) if tier_ids else set()
    db.session.execute(sa.delete(course_mandatory_tiers).where(course_mandatory_tiers.c.course_id == course.id))
    if wanted:
        db.session.execute(
            sa.insert(course_mandatory_tiers),
            [{"course_id": course.id, "tier_id": tier_id} for tier_id in sorted(wanted)],
        )


training_hooks.register_course_tiers(training_hooks.CourseTiers(choices=choices, of=of, assign=assign))
