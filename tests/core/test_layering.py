"""core is the bottom layer: it imports Django and libraries, never a project app."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

CORE = Path(settings.BASE_DIR) / "core"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_core_imports_no_project_app():
    project_apps = {
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).parent == Path(settings.BASE_DIR) and config.name != "core"
    }
    assert {"municipalities", "schools", "budgets", "reports"} <= project_apps
    assert "axes" not in project_apps  # installed libraries are not project apps
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 6
    offending = {
        (str(path.relative_to(CORE)), module)
        for path in files
        for module in _imported_modules(path)
        if module.split(".")[0] in project_apps
    }
    assert not offending


def test_core_holds_only_operational_tables():
    """No domain data in core: only the task outbox (every app that queues work must reach it,
    so it sits in the bottom layer), the process heartbeats and the mail log (every app that
    sends mail goes through core.mail); nothing belongs to a tenant."""
    models = list(apps.get_app_config("core").get_models())
    assert sorted(m.__name__ for m in models) == ["Heartbeat", "MailLog", "OutboxMessage"]
    for model in models:
        assert not any(f.is_relation for f in model._meta.get_fields()), model
