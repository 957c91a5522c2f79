"""The house by pipeline stage: sub-packages whose imports run one way, no cycle, few levels, no private names
taken across packages (the promises of README's "How the code is laid out")."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from conftest import REPO

PACKAGE = REPO / "generator"
LOWEST = {"problems", "progress", "workers", "clock", "isolate"}  # used by all
# What each package may import, besides itself and the lowest modules: the pipeline's order, with the build
# joining the stages and the authoring tools beside them.
ALLOWED = {
    "content": set(),
    "site": {"content", "cms", "documents"},
    "output": set(),
    "build": {"content", "site", "output", "cms", "documents"},
    "authoring": {"content", "site", "output", "build", "documents"},
    "importers": {"content"},
    "cms": {"content"},
    "documents": {"content"},
    "": {"content", "site", "output", "build", "authoring", "importers", "cms", "documents"},  # cli and __main__
}
MAX_LEVELS = 8


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py") if "vendor" not in p.parts}


def _imports(module: str) -> list[tuple[str, list[str]]]:
    """Each module of the package that `module` imports (anywhere in it), with the names it takes."""
    path, modules = _modules()[module], _modules()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".") if package else []
            base = base[:len(base) - node.level + 1] if node.level > 1 else base
            target = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{target}.{alias.name}".strip(".")
                if full in modules:
                    found.append((full, []))
                else:
                    found.append((target, [alias.name]))
    return found


def _top(module: str) -> str:
    first = module.split(".")[0]
    return "" if first in LOWEST or ("." not in module and first not in ALLOWED) else first


def test_imports_run_one_way_between_the_packages() -> None:
    wrong = []
    for module in _modules():
        mine = _top(module)
        for target, _ in _imports(module):
            theirs = _top(target) if target else ""
            if target.split(".")[0] in LOWEST or theirs == mine:
                continue
            if theirs not in ALLOWED[mine]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, wrong


def test_no_module_takes_another_packages_private_names() -> None:
    taken = [f"{module} takes {target}.{name}" for module in _modules() for target, names in _imports(module)
             for name in names if name.startswith("_") and not name.endswith("__")
             and target.split(".")[0] != module.split(".")[0]]
    assert not taken, taken


def test_there_is_no_cycle_and_the_packages_stand_at_most_eight_levels_deep() -> None:
    """No module imports itself back; the packages stack as the pipeline does (lowest modules, content, site
    and output, build, authoring, the command), well within eight levels."""
    edges = {m: {t for t, _ in _imports(m) if t in _modules() and t != m} for m in _modules()}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...] = ()) -> None:
        assert module not in path, f"a cycle: {' -> '.join((*path, module))}"
        if module not in done:
            for target in edges[module]:
                visit(target, (*path, module))
            done.add(module)

    for module in _modules():
        visit(module)
    package = {m: _top(m) or ("lowest" if m.split(".")[0] in LOWEST else "command") for m in _modules()}
    above: dict[str, set[str]] = {}
    for module, targets in edges.items():
        above.setdefault(package[module], set()).update(package[t] for t in targets if package[t] != package[module])
    levels: dict[str, int] = {}

    def level(name: str) -> int:
        if name not in levels:
            levels[name] = 1 + max((level(below) for below in above.get(name, ())), default=0)
        return levels[name]

    assert max(level(name) for name in above) <= MAX_LEVELS, levels


def test_each_package_names_its_public_face() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        if "vendor" not in init.parts:
            doc = ast.get_docstring(ast.parse(init.read_text()))
            assert doc and "Public" in doc, init
