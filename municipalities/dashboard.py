"""Panels on a municipality's dashboard ("Overzicht"), contributed by the apps above this one.

``municipalities`` imports no other app, yet its dashboard shows the current cycle, the budget,
the school analyses and the latest reports. Each app that has something to show puts a
``panels.py`` module next to its models, which calls ``register_panel`` at import time; the
modules are found with Django's ``autodiscover_modules`` (as the admin finds ``admin.py``)::

    # budgets/panels.py
    from municipalities.dashboard import register_panel

    def budget_panel(*, municipality, membership) -> dict | None:
        ...                       # a few aggregate queries; None hides the panel
        return {"totals": ...}

    register_panel("budget", template="budgets/_dashboard_panel.html", context=budget_panel,
                   roles=READER_ROLES, order=40)

A panel's ``context`` runs once per dashboard view with a fixed number of queries; ``roles`` says
which membership roles see it. What several panels need (the open cycle, the active school
locations, the pupil counts) they read through ``core.memo.memo``, so it is read once per
dashboard view: the view opens the scope (``core.memo.memo_scope``) around the panels *and* the
template, whose tags show figures of the same reads (the budget panel's NPO estimate note).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from municipalities.models import READER_ROLES, Membership, Municipality, Role


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[..., dict | None]
    roles: frozenset
    order: int


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    data: dict


_registry: dict[str, Panel] = {}
_discovered = False


def register_panel(
    key: str,
    *,
    template: str,
    context: Callable[..., dict | None],
    roles: Iterable[Role] = READER_ROLES,
    order: int = 100,
) -> None:
    _registry[key] = Panel(key, template, context, frozenset(roles), order)


def panels_for(*, municipality: Municipality, membership: Membership) -> list[RenderedPanel]:
    """The panels this membership may see, in order, each with its data (hidden when None).
    Run it inside ``memo_scope()`` with the template that shows them (see the module docstring);
    outside one, what two panels share is simply read twice."""
    global _discovered
    if not _discovered:
        autodiscover_modules("panels")
        _discovered = True
    rendered = []
    for panel in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        if membership.role not in panel.roles:
            continue
        data = panel.context(municipality=municipality, membership=membership)
        if data is not None:
            rendered.append(RenderedPanel(panel.key, panel.template, data))
    return rendered
