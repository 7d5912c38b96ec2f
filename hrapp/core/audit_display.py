"""The audit trail as a clerk reads it: record and field labels, values as the pages show them,
times in Asia/Shanghai, a link to the record.

Presentation only: the stored rows (`AuditEvent`) keep table and column names and raw values.
Each domain describes its own audited models with class attributes (see `Audited` in
`core/audit.py`); this module reads them and never imports a domain. Names behind foreign keys
(officers, users, tiers, grids …) are looked up in one statement per referenced table for the
whole page, so a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from hrapp.core.audit import _ALWAYS_EXCLUDED, Audited, AuditEvent
from hrapp.core.i18n import local_time
from hrapp.extensions import db

EMPTY = "—"


@dataclass
class FieldChange:
    label: str
    before: str | None  # only for a change; a create, delete or read shows one value
    after: str


@dataclass
class AuditLine:
    event: AuditEvent
    record_label: str
    record_title: str
    record_url: str | None
    actor: str
    changes: list[FieldChange] = field(default_factory=list)


def audited_models() -> dict[str, type]:
    """Every mapped `Audited` class by table name (the `entity` of its audit rows)."""
    return {
        mapper.class_.__tablename__: mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, Audited)
    }


def _primary_keys(model: type) -> set[str]:
    mapper = sa.inspect(model)
    return {mapper.get_property_by_column(column).key for column in mapper.primary_key}


def audited_columns(model: type) -> list[str]:
    """The attributes the listener writes to the trail for `model` and the trail shows: all but
    the primary key, which the record column already names."""
    excluded = model.__audit_exclude__ | _ALWAYS_EXCLUDED | _primary_keys(model)
    return [attr.key for attr in sa.inspect(model).column_attrs if attr.key not in excluded]


def missing_labels() -> list[str]:
    """`table` or `table.column` for each audited model or column that has no label."""
    missing = []
    for table, model in sorted(audited_models().items()):
        if not model.__audit_label__:
            missing.append(table)
        labels = model.__audit_fields__
        missing += [f"{table}.{key}" for key in audited_columns(model) if key not in labels]
    return missing


def record_label(entity: str) -> str:
    model = audited_models().get(entity)
    label = model.__audit_label__ if model else None
    return str(label) if label else entity


def entity_choices(entities: Iterable[str]) -> list[tuple[str, str]]:
    """(entity, label) for a filter list, in the order of their labels."""
    return sorted(((entity, record_label(entity)) for entity in entities), key=lambda item: item[1])


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


class _Titles:
    """Display names of referenced rows, collected first and then looked up in one statement per
    table: `want` while walking the page, `resolve` once, then `get`."""

    def __init__(self, models: Mapping[str, type]):
        self.models = models
        self.wanted: dict[str, set[int]] = defaultdict(set)
        self.found: dict[tuple[str, int], str] = {}

    def want(self, table: str, value) -> None:
        key = _int(value)
        if key is not None and table in self.models:
            self.wanted[table].add(key)

    def resolve(self) -> None:
        for table, ids in self.wanted.items():
            model = self.models[table]
            [primary_key] = sa.inspect(model).primary_key
            title = operator.attrgetter(model.__audit_title__) if model.__audit_title__ else None
            for row in db.session.scalars(sa.select(model).where(primary_key.in_(ids))).unique():
                key = getattr(row, primary_key.key)
                self.found[(table, key)] = str(title(row)) if title else f"#{key}"

    def get(self, table: str, value) -> str | None:
        key = _int(value)
        return self.found.get((table, key)) if key is not None else None


def _foreign_table(model: type, key: str) -> str | None:
    attr = sa.inspect(model).column_attrs.get(key)
    if attr is None:
        return None
    for foreign_key in attr.columns[0].foreign_keys:
        return foreign_key.column.table.name
    return None


def _column_type(model: type, key: str):
    attr = sa.inspect(model).column_attrs.get(key)
    return attr.columns[0].type if attr is not None else None


def _format(model: type | None, key: str, value, titles: _Titles) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dict | list):
        # A frozen structure (an eligibility snapshot): its own page shows it; the trail notes it.
        return _("recorded")
    if model is not None:
        choices = model.__audit_choices__.get(key)
        if choices is not None:
            return str(choices.get(value, value))
        target = _foreign_table(model, key)
        if target is not None:
            return titles.get(target, value) or f"#{value}"
        column_type = _column_type(model, key)
        if isinstance(column_type, sa.DateTime) and isinstance(value, str):
            try:
                return local_time(dt.datetime.fromisoformat(value))
            except ValueError:
                return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _field_label(model: type | None, key: str) -> str:
    label = model.__audit_fields__.get(key) if model is not None else None
    return str(label) if label else key


def _record_url(model: type | None, event: AuditEvent, exists: bool) -> str | None:
    link = model.__audit_link__ if model is not None else None
    if link is None or not exists:
        return None
    target = link(_int(event.entity_id), event.officer_id)
    if target is None:
        return None
    endpoint, values = target
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def present(events: Iterable[AuditEvent]) -> list[AuditLine]:
    """The page's events as the trail shows them."""
    events = list(events)
    models = audited_models()
    titles = _Titles(models)
    for event in events:
        titles.want(event.entity, event.entity_id)
        if event.actor_id is not None:
            titles.want("users", event.actor_id)
        model = models.get(event.entity)
        if model is None or not isinstance(event.changes, dict):
            continue
        for key, values in event.changes.items():
            target = _foreign_table(model, key)
            if target is not None and isinstance(values, list):
                for value in values:
                    titles.want(target, value)
    titles.resolve()
    return [_line(event, models.get(event.entity), titles) for event in events]


def _line(event: AuditEvent, model: type | None, titles: _Titles) -> AuditLine:
    title = titles.get(event.entity, event.entity_id)
    hidden = _primary_keys(model) if model is not None else set()
    changes = []
    for key, values in (event.changes if isinstance(event.changes, dict) else {}).items():
        if key in hidden:
            continue
        label = _field_label(model, key)
        if isinstance(values, list) and len(values) == 2:
            before, after = (_format(model, key, value, titles) for value in values)
            if event.action == "create":
                if after != EMPTY:  # a new record's blank fields say nothing
                    changes.append(FieldChange(label, None, after))
            elif event.action == "delete":
                changes.append(FieldChange(label, None, before))
            else:
                changes.append(FieldChange(label, before, after))
        else:
            # Details of a logged read: {"field": "id_number"} reads as the field's label; other
            # details by the labels and choices the model declares for them, like its columns.
            if key == "field" and isinstance(values, str):
                shown = _field_label(model, values)
            else:
                shown = _format(model, key, values, titles)
            changes.append(FieldChange(_detail_label(model, key), None, shown))
    return AuditLine(
        event=event,
        record_label=record_label(event.entity),
        record_title=title or f"#{event.entity_id}",
        record_url=_record_url(model, event, exists=title is not None),
        actor=titles.get("users", event.actor_id) or event.actor_name,
        changes=changes,
    )


def _detail_label(model: type | None, key: str) -> str:
    return _("Field") if key == "field" else _field_label(model, key)
