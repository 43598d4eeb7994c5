"""The tree shows the architecture: wings import one way, no cycles, small files (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "assistant"

# Lowest first: a module may import from its own wing and from wings below it, never above.
ORDER = ["settings", "errors", "text", "knowledge", "search", "reading", "answering", "service", "web", "__main__"]
RANK = {"settings": 0, "errors": 0, **{w: i for i, w in enumerate(ORDER) if w not in ("settings", "errors")}}


def _name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PKG.rglob("*.py")}


def _imports(path: Path, mods: dict[str, Path]) -> set[str]:
    """Every assistant module ``path`` imports, at the top or inside a function."""
    name = _name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                full = f"{target}.{alias.name}"
                out.add(full if full in mods else target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m in mods and m != name}


def _wing(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__main__"  # the package itself sits with the entry points


GRAPH = {m: _imports(p, _modules()) for m, p in _modules().items()}


def test_at_most_eight_modules_at_the_top():
    top = sorted(p.name for p in PKG.glob("*.py"))
    assert len(top) <= 8, top


def test_every_wing_says_what_it_does_and_may_import():
    for wing in ("text", "knowledge", "search", "reading", "answering", "web"):
        doc = ast.get_docstring(ast.parse((PKG / wing / "__init__.py").read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, wing


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_no_file_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_wings_import_downward_only():
    upward = [f"{m} -> {d}" for m, deps in GRAPH.items() for d in deps
              if _wing(m) in RANK and RANK[_wing(d)] > RANK[_wing(m)]]
    assert not upward, upward


def test_no_import_cycle_between_modules():
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(GRAPH.get(node, ())):
            if dep == "assistant":
                continue
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, cycles


def test_the_layout_test_sees_an_upward_import(tmp_path):
    """The checker itself: an import from a higher wing is caught."""
    assert RANK[_wing("assistant.reading.router")] > RANK[_wing("assistant.search.retrieval")]
    assert "assistant.search.retrieval" in GRAPH["assistant.reading.facts"]
