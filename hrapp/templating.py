"""Jinja filters and the navigation shown to each role."""

from __future__ import annotations

from flask import Flask, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hrapp.core.i18n import LANGUAGE_NAMES, local_time
from hrapp.core.money import format_yuan
from hrapp.core.permissions import Role

# (endpoint, label, roles[, menu]); the entries a role may open form the top navigation.
NAVIGATION = [
    ("me.home", _l("Home"), tuple(Role)),
    ("officers.directory", _l("Officers"), (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)),
    ("officers.occupancy", _l("Grid postings"), (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)),
    ("org.tree", _l("Organisation"), (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)),
    ("certification.candidates", _l("Promotions"), (Role.ADMIN, Role.HR_CLERK)),
    ("training.sessions", _l("Training"), (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR)),
    ("workload.dashboard", _l("Workload"), (Role.ADMIN, Role.HR_CLERK, Role.INSPECTOR), "work"),
    ("assessments.index", _l("Assessments"), (Role.ADMIN, Role.HR_CLERK), "work"),
    ("pay.roster", _l("Pay roster"), (Role.ADMIN, Role.HR_CLERK), "pay"),
    ("pay.funding", _l("Funding"), (Role.ADMIN, Role.HR_CLERK), "pay"),
    ("integrity.index", _l("Integrity"), (Role.ADMIN, Role.INSPECTOR)),
    ("integrity.checks", _l("Integrity results"), (Role.HR_CLERK,)),
    ("auth.users", _l("Users"), (Role.ADMIN,), "admin"),
    ("auth.audit", _l("Audit trail"), (Role.ADMIN,), "admin"),
    ("tasks.jobs", _l("Scheduled jobs"), (Role.ADMIN,), "admin"),
    ("api_admin.tokens", _l("API tokens"), (Role.ADMIN,), "admin"),
]
# Entries with a fourth element are grouped in one drop-down menu of the navigation bar.
MENU_LABELS = {"work": _l("Workload and assessment"), "pay": _l("Pay and funding"), "admin": _l("Administration")}


AUDIT_ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "read": _l("Viewed"),
    "reveal_id": _l("ID number shown"),
}


_MARKER = 987654321987


def row_url(endpoint: str, key: str, **values):
    """A link per row of a list for the price of one url_for: the URL of `endpoint` with `key` as
    a function of the row's integer id (an <int:…> rule argument), e.g.
    `{% set profile = row_url('officers.profile', 'officer_id') %}…{{ profile(officer.id) }}`."""
    before, _marker, after = url_for(endpoint, **{key: _MARKER}, **values).partition(str(_MARKER))
    return lambda value: f"{before}{int(value)}{after}"


def percent(value, digits: int = 1) -> str:
    """0.1234 → '12.3%'; None → '—' (a filter: cheaper per cell of a long table than a macro)."""
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def decimal_places(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def register(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["yuan"] = format_yuan
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["decimal"] = decimal_places
    app.jinja_env.globals["row_url"] = row_url

    @app.context_processor
    def navigation():
        items = []
        menus: dict = {}
        unread = 0
        if current_user.is_authenticated:
            from hrapp.notifications.services import unread_count

            items = [entry for entry in NAVIGATION if current_user.role in entry[2] and len(entry) == 3]
            items = [(endpoint, label) for endpoint, label, _roles in items]
            menus = {}
            for entry in NAVIGATION:
                if len(entry) == 4 and current_user.role in entry[2]:
                    menus.setdefault(entry[3], []).append((entry[0], entry[1]))
            unread = unread_count(current_user)
        endpoint = request.endpoint or ""
        return {
            "nav_items": items,
            "nav_menus": [(MENU_LABELS[key], entries) for key, entries in menus.items()],
            "unread_notifications": unread,
            "nav_active": endpoint.split(".")[0],
            "languages": LANGUAGE_NAMES,
            "audit_actions": AUDIT_ACTIONS,
            "current_locale": "zh_CN" if get_locale().language == "zh" else "en",
        }
