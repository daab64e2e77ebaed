"""The package's layers import only downward: each module may import its own layer and those below it."""

import ast
from pathlib import Path

import hfimage

PACKAGE = Path(hfimage.__file__).parent

LAYERS = (
    ("hfimage.errors",),
    ("hfimage._core",),
    ("hfimage._http",),
    ("hfimage.results",),
    ("hfimage._protocols",),
    ("hfimage.providers.base",),
    ("hfimage.providers.space", "hfimage.providers.imagelabs"),
    ("hfimage.providers.presets",),
    ("hfimage.providers.registry",),
    ("hfimage.providers",),
    ("hfimage.inspection",),
    ("hfimage.parameters",),
    ("hfimage.client",),
    ("hfimage",),  # the package's face: re-exports what is below
    ("hfimage.aio._bridge", "hfimage.aio._client"),
    ("hfimage.compat",),
    ("hfimage.aio",),  # its face re-exports compat, which is built on the async client
    ("hfimage.cli", "hfimage.testing"),
    ("hfimage.__main__",),
)


def layer_of(module: str) -> int:
    """The layer of a module: the one whose name matches most closely."""
    matches = [
        (len(prefix), index)
        for index, prefixes in enumerate(LAYERS)
        for prefix in prefixes
        if module == prefix or module.startswith(prefix + ".")
    ]
    assert matches, f"{module} is in no layer"
    return max(matches)[1]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(module: str, source: str, is_package: bool) -> set[str]:
    """Every hfimage module that ``source`` imports (``from X import name`` counts X.name when it is a module)."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("hfimage"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("hfimage"):
                found.add(target)
                found.update(f"{target}.{alias.name}" for alias in node.names if _is_module(f"{target}.{alias.name}"))
    return found


def _is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def violations(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """``A -> B`` for every import of a higher layer; ``sources`` maps a module to (its code, is it a package)."""
    found = []
    for module, (source, is_package) in sorted(sources.items()):
        for target in sorted(imports_of(module, source, is_package)):
            if target != module and layer_of(target) > layer_of(module):
                found.append(f"{module} -> {target}")
    return found


def package_sources() -> dict[str, tuple[str, bool]]:
    return {module_name(path): (path.read_text(), path.name == "__init__.py") for path in PACKAGE.rglob("*.py")}


def test_every_module_is_in_a_layer():
    for module in package_sources():
        layer_of(module)


def test_no_module_imports_a_higher_layer():
    assert violations(package_sources()) == []


def test_the_check_sees_an_import_that_runs_back_up():
    sources = package_sources()
    code, is_package = sources["hfimage._core.deadline"]
    sources["hfimage._core.deadline"] = (code + "\nfrom ..client import Client\n", is_package)
    code, is_package = sources["hfimage._http.sse"]
    sources["hfimage._http.sse"] = (code + "\nfrom hfimage._protocols import output\n", is_package)
    assert violations(sources) == [
        "hfimage._core.deadline -> hfimage.client",
        "hfimage._http.sse -> hfimage._protocols",
        "hfimage._http.sse -> hfimage._protocols.output",
    ]
