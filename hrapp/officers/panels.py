"""Panels that later domains add to an officer's profile (HR view) and to the officer's own page.

A domain that depends on officers registers a panel at import time of its views module:
`register_panel(template, context)` where `context(officer, user) -> dict | None` returns the
template's variables, or None to hide the panel from that user. Officers never import them back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int = 100


PANELS: list[Panel] = []


def register_panel(template: str, context: Callable, order: int = 100) -> None:
    if not any(panel.template == template for panel in PANELS):
        PANELS.append(Panel(template, context, order))
        PANELS.sort(key=lambda panel: panel.order)


def render_context(officer, user) -> list[tuple[str, dict]]:
    """(template, variables) for each panel this user may see of this officer."""
    shown = []
    for panel in PANELS:
        variables = panel.context(officer, user)
        if variables is not None:
            shown.append((panel.template, variables))
    return shown
