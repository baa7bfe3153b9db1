"""The package's layers import downward only: build -> kb -> render -> web / cli (never each other).

Every ``import plankg...`` in every module counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "plankg"
# Rank of each layer; a module may import its own layer and those ranked below it.
RANKS = {"config": 0, "errors": 0, "ontology": 0, "build": 1, "kb": 2, "render": 3, "web": 4, "cli": 4,
         "main": 5, "__main__": 5, "__init__": 0}


def layer(module: str) -> str:
    """The layer of a dotted module name (plankg.kb.store -> kb)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of a plankg module in a file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            out += [(node.lineno, n) for n in names if n.split(".")[0] == "plankg"]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "plankg"]
    return out


def violations(path: Path, root: Path = PACKAGE) -> list[str]:
    """Imports of ``path`` (a module of the package at ``root``) that go up or sideways."""
    own = layer("plankg." + ".".join(path.relative_to(root).with_suffix("").parts))
    bad = []
    for line, module in imports(path):
        other = layer(module)
        if other not in RANKS:  # `from plankg import kb` names a layer as an attribute
            continue
        if RANKS[other] > RANKS[own] or (RANKS[other] == RANKS[own] and other != own and RANKS[own] == 4):
            bad.append(f"{path.relative_to(root)}:{line}: {own} imports {module} ({other})")
    return bad


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_is_in_a_known_layer() -> None:
    for path in MODULES:
        assert layer("plankg." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)) in RANKS, path


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_imports_go_downward_only(path: Path) -> None:
    assert violations(path) == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    sneaky = tmp_path / "kb" / "probe.py"
    sneaky.write_text("def f():\n    from plankg.web import create_app\n", "utf-8")
    assert violations(sneaky, tmp_path) == ["kb/probe.py:2: kb imports plankg.web (web)",
                                            "kb/probe.py:2: kb imports plankg.web.create_app (web)"]
    (tmp_path / "cli").mkdir()
    sideways = tmp_path / "cli" / "probe.py"
    sideways.write_text("import plankg.web.sparql\n", "utf-8")
    assert violations(sideways, tmp_path) == ["cli/probe.py:1: cli imports plankg.web.sparql (web)"]
