"""The layout holds (issue 15): imports run one way between the rooms of DESIGN.md, every state
change goes through the workflow engine, no view or template restates a rule, and no module
grows past 400 lines. These read the source, so a change that breaks the shape fails here with
the file and line to look at."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "audit", "access", "records", "disposal", "config")
WINGS = ("records.circulation", "records.rights", "records.ops", "records.api")
# What an app's outer shell wires together (Django finds these by name): they may import the
# app's wings; the wings may not import them back.
SHELL = ("apps", "urls", "tasks", "admin", "management")
# Lower imports nothing above it; wings sit above the file core and beside each other.
RANK = {
    "core": 0,
    "audit": 1,
    "access": 2,
    "records": 3,
    **dict.fromkeys(WINGS, 4),
    "records.shell": 5,
    "disposal": 6,
    "config": 7,
}


def _modules(*tops: str, migrations: bool = False):
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts and not migrations:
                continue
            yield path


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _room(module: str) -> str:
    """The room of DESIGN.md a module lives in (a wing's models belong to the app's models)."""
    parts = module.split(".")
    if parts[0] == "records" and len(parts) > 1:
        if parts[1] in SHELL:
            return "records.shell"
        wing = ".".join(parts[:2])
        if wing in WINGS and "models" not in parts:
            return wing
    return parts[0]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def test_imports_run_one_way_between_the_rooms():
    """core <- audit <- access <- records (file core) <- its wings <- disposal <- config; the
    wings import neither each other nor what wires them."""
    wrong = []
    for path in _modules(*APPS):
        here = _room(_module_name(path))
        for line, target in _imports(path):
            if target.split(".")[0] not in APPS:
                continue
            there = _room(target)
            if there != here and RANK[there] >= RANK[here]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({here}) imports {target} ({there})")
    assert wrong == []


def test_every_state_change_goes_through_the_workflow_engine():
    assignments = re.compile(r"\.state\s*=[^=]|\.state\s*,[^()\n]*=[^=]|update\([^)]*\bstate=")
    engine = ROOT / "access" / "workflow" / "engine.py"
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _modules("access", "records", "disposal")
        if path != engine
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if assignments.search(line)
    ]
    assert found == []


def test_no_view_or_template_restates_a_rule():
    """Pages ask the policy or the workflow once and show the answer: no comparison of a role,
    level or status in a view or a template."""
    rule = re.compile(
        r"\.(state|status)\s*(==|!=|\bin\b|\bnot in\b)"
        r"|\btier\s*[<>]|(State|Status)\.[A-Z]+\b|\bRole\.[A-Z_]+\b|\broles_of\("
    )
    views = [
        p
        for p in _modules(*APPS)
        if p.stem in ("views", "menu") or p.stem.endswith("_views") or "views" in p.parts[:-1]
    ]
    templates = sorted((ROOT / "templates").rglob("*.html"))
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in [*views, *templates]
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if rule.search(line)
    ]
    assert found == []


def test_no_module_is_over_400_lines():
    tops = (*APPS, "tests", "benchmarks", "scripts")
    long = [
        f"{path.relative_to(ROOT)}: {count} lines"
        for path in _modules(*tops)
        if (count := len(path.read_text().splitlines())) > 400
    ]
    assert long == []


def test_every_pdf_is_made_by_the_one_document_builder():
    """records/pdf.py is the only module that draws PDFs (page, font, mark, paging)."""
    builder = ROOT / "records" / "pdf.py"
    drawing = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _modules(*APPS)
        if path != builder
        for line, target in _imports(path)
        if target.startswith("reportlab")
    ]
    assert drawing == []


def test_benchmarks_and_scripts_import_what_exists():
    """They run on demand, outside the suite: a module they import that moved would only show
    on the day someone measures (found when the tests were reorganised)."""
    import importlib

    missing = []
    for path in _modules("benchmarks", "scripts"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not node.module or node.level:
                continue
            if node.module.split(".")[0] not in (*APPS, "tests"):
                continue
            module = importlib.import_module(node.module)
            missing += [
                f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
                for alias in node.names
                if alias.name != "*"  # a settings module that extends Baomi's
                and not hasattr(module, alias.name)
                and not (
                    hasattr(module, "__path__")  # a package: the name may be a submodule
                    and importlib.util.find_spec(f"{node.module}.{alias.name}") is not None
                )
            ]
    assert missing == []
