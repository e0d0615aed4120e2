"""Imports flow one way: scenario file -> schema -> engine -> results -> report -> cli."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "capacity_model"

#: Internal modules each layer may import (besides itself and its own submodules).
ALLOWED = {
    "errors": set(),
    "units": {"errors"},
    "quantities": {"units", "errors"},
    "paths": {"quantities"},
    "uncertainty": {"quantities", "paths", "units"},
    "schema": {"errors", "units", "quantities", "paths", "uncertainty"},
    "inheritance": {"errors", "paths", "quantities"},
    "corridors": {"schema", "paths"},
    "textfiles": {"errors"},
    "series": {"errors", "quantities", "textfiles", "units"},
    "scenario_files": {
        "errors",
        "schema",
        "units",
        "quantities",
        "uncertainty",
        "inheritance",
        "paths",
        "textfiles",
        "series",
    },
    "engine": {"errors", "schema", "units", "quantities", "paths", "uncertainty", "corridors"},
    "results": {
        "errors",
        "engine",
        "schema",
        "units",
        "paths",
        "uncertainty",
        "corridors",
        "series",
        "__init__",
    },
    "studies": {
        "engine",
        "schema",
        "units",
        "paths",
        "errors",
        "scenario_files",
        "uncertainty",
        "results",
        "forking",
    },
    "report": {
        "engine",
        "schema",
        "units",
        "results",
        "quantities",
        "uncertainty",
        "studies",
        "forking",
        "series",
        "__init__",
    },
    "json_schema": {"schema", "quantities", "uncertainty"},
    "starter": {"quantities", "units"},
    "cli": {
        "errors",
        "schema",
        "units",
        "scenario_files",
        "engine",
        "results",
        "report",
        "studies",
        "json_schema",
        "starter",
        "uncertainty",
        "signals",
        "watch",
        "corridors",
        "series",
        "__init__",
    },
    "watch": {"errors"},
    "signals": set(),
    "forking": set(),
    "__main__": {"cli", "signals"},
    "__init__": set(),
}
#: Third-party libraries each layer must not use.
FORBIDDEN = {
    "units": {"yaml", "matplotlib", "pydantic"},
    "quantities": {"yaml", "matplotlib"},
    "paths": {"yaml", "matplotlib"},
    "uncertainty": {"yaml", "matplotlib"},
    "schema": {"yaml", "matplotlib"},
    "engine": {"yaml", "matplotlib", "pydantic", "pathlib", "os", "io"},
    "results": {"yaml", "matplotlib"},
    "inheritance": {"yaml", "matplotlib", "pydantic"},
    "corridors": {"yaml", "matplotlib"},
    "studies": {"yaml", "matplotlib"},
    "signals": {"yaml", "matplotlib", "numpy", "pydantic"},
    "textfiles": {"yaml", "matplotlib", "numpy", "pydantic"},
    "series": {"yaml", "matplotlib"},
    "forking": {"yaml", "matplotlib", "numpy", "pydantic"},
    "__main__": {"yaml", "matplotlib", "numpy", "pydantic"},
}


def layer_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imports(path: Path) -> tuple[set[str], set[str]]:
    """Internal layers and external top-level modules imported by a file."""
    tree = ast.parse(path.read_text())
    depth = len(path.relative_to(PACKAGE).parts) - 1
    internal, external = set(), set()
    # Imports under `if TYPE_CHECKING:` are for annotations only: no runtime dependency.
    typing_only = {
        id(inner)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and isinstance(block.test, ast.Name) and block.test.id == "TYPE_CHECKING"
        for inner in ast.walk(block)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                (internal if alias.name.startswith("capacity_model") else external).add(
                    alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                external.add((node.module or "").split(".")[0])
            elif node.level > depth:  # leaves the file's own layer
                target = (node.module or "").split(".")[0]
                names = [target] if target else [a.name for a in node.names]
                internal |= {n if _is_module(n) else "__init__" for n in names}
    return internal, external


def _is_module(name: str) -> bool:
    return (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").is_file()


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_one_way(path: Path) -> None:
    layer = layer_of(path)
    internal, external = imports(path)
    assert internal - {layer} <= ALLOWED[layer], f"{layer} imports {internal - ALLOWED[layer] - {layer}}"
    assert not external & FORBIDDEN.get(layer, set())


def test_importing_the_package_and_engine_does_not_load_matplotlib_or_yaml() -> None:
    code = (
        "import sys, capacity_model, capacity_model.engine, capacity_model.schema;"
        "print(sorted(m for m in ('matplotlib', 'yaml') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["run", "scenarios/baseline.yaml", "--deterministic"],
        ["run", "scenarios/domestic-only.yaml"],  # no uncertainty section
        ["validate", "scenarios/baseline.yaml"],
        ["plan", "scenarios/baseline.yaml"],
    ],
    ids=lambda a: " ".join(a[:1] + a[2:]) or a[0],
)
def test_a_run_without_sampling_does_not_load_scipy_stats(args: list[str], tmp_path: Path) -> None:
    """scipy.stats takes about half a second to import: only sampling needs it."""
    code = (
        "import sys; from capacity_model.cli import main;"
        f"code = main({[*args, '-o', str(tmp_path), '-q'] if args[0] == 'run' else args!r});"
        "print(code, sorted(m for m in sys.modules if m.startswith('scipy.stats')))"
    )
    root = PACKAGE.parent
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert result.stdout.strip().splitlines()[-1] == "0 []"


SUBPACKAGES = sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def sibling_imports(path: Path) -> set[str]:
    """Modules of its own subpackage that a module imports when it runs (``from .x import``,
    ``from . import x``), leaving out imports for annotations only."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(inner)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
        for inner in ast.walk(block)
    }
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and id(node) not in typing_only:
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
            found |= {n for n in names if (path.parent / f"{n}.py").is_file() or (path.parent / n).is_dir()}
    return found - {path.stem}


@pytest.mark.parametrize("package", SUBPACKAGES, ids=lambda p: p.name)
def test_the_modules_of_a_subpackage_import_each_other_one_way(package: Path) -> None:
    """Inside a subpackage too, imports flow one way: no module imports one that imports it,
    however far round (its ``__init__`` gathers the others and is left out)."""
    graph = {p.stem: sibling_imports(p) - {"__init__"} for p in package.glob("*.py") if p.stem != "__init__"}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"{package.name}: imports go round: {' -> '.join((*path, module))}"
        if module in done:
            return
        for imported in sorted(graph.get(module, ())):
            visit(imported, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
    assert graph, f"{package.name} has no modules besides __init__"
