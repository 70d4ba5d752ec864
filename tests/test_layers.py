"""The import rules of ARCHITECTURE.md that have bitten us: tasks import services, never the
reverse (not even inside a function), and the outbox and the helpers import no app."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS_WITH_TASKS = {"cases": "cases", "cpd": "cpd", "notifications": "echo_hub/notifications"}
APPS = ("sessions", "cases", "cpd", "echo_hub.reports", "echo_hub.demo")


def _imported_modules(path: Path) -> set[str]:
    """Every module the file imports, anywhere in it, relative imports made absolute."""
    package = ".".join(path.parent.relative_to(ROOT).parts)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def _python_files(folder: str) -> list[Path]:
    return [p for p in sorted((ROOT / folder).rglob("*.py")) if "migrations" not in p.parts]


@pytest.mark.parametrize("app", sorted(APPS_WITH_TASKS))
def test_only_the_tasks_module_imports_tasks(app):
    folder = APPS_WITH_TASKS[app]
    tasks = folder.replace("/", ".") + ".tasks"

    importers = [
        str(path.relative_to(ROOT))
        for path in _python_files(folder)
        if path.name != "tasks.py" and tasks in _imported_modules(path)
    ]

    assert importers == []


@pytest.mark.parametrize("folder", ["echo_hub/notifications", "echo_hub/lib"])
def test_bottom_layer_imports_no_app(folder):
    imports = {
        str(path.relative_to(ROOT)): sorted(
            m for m in _imported_modules(path) if m.split(".")[0] in APPS or m.startswith(APPS)
        )
        for path in _python_files(folder)
    }

    assert {path: found for path, found in imports.items() if found} == {}
