"""The package's layers import only downward: each module may import its own layer and those below it."""

import ast
from pathlib import Path

import hfimage

PACKAGE = Path(hfimage.__file__).parent


LAYERS = (
    ("hfimage._secrets",),
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
    ("hfimage._calls",),
    ("hfimage.client",),
    ("hfimage.functions",),
    ("hfimage",),  # the package's face: re-exports what is below
    ("hfimage._async",),
    ("hfimage.compat",),
    ("hfimage.aio",),
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


OUTER = ("hfimage._async", "hfimage.aio", "hfimage.cli", "hfimage.compat", "hfimage.testing")
"""The packages built on the library: they reach it through its public modules and declared seams."""


SEAMS = ("hfimage._core", "hfimage._secrets")
"""Private modules any package may use: the toolbox every layer shares."""


ASYNC_SEAM = ("hfimage._async",)
"""The async client, which ``hfimage.aio`` and the seeds' drop-ins are built on."""


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(package + ".") for package in packages)


def seam_violations(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """``A -> B`` for every import by an outer package of a private module that is not a declared seam:
    another package's private module, or the HTTP, protocol or call layers below the client."""
    found = []
    for module, (source, is_package) in sorted(sources.items()):
        if not _within(module, OUTER):
            continue
        for target in sorted(imports_of(module, source, is_package)):
            private = any(part.startswith("_") and not part.startswith("__") for part in target.split(".")[1:])
            own = _package(target) == _package(module)
            allowed = _within(target, SEAMS) or (
                _within(target, ASYNC_SEAM) and _within(module, ("hfimage.aio", "hfimage.compat"))
            )
            if private and not own and not allowed:
                found.append(f"{module} -> {target}")
    return found


def private_reaches(sources: dict[str, tuple[str, bool]]) -> list[str]:
    """Every use of another object's private attribute (``x._name`` where ``x`` is not ``self`` or
    ``cls``), outside the module that defines that name; namedtuple's ``_replace`` is public."""
    found = []
    for module, (source, _) in sorted(sources.items()):
        tree = ast.parse(source)
        defined = {node.name for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
        defined |= {
            target.attr
            for node in ast.walk(tree)
            if isinstance(node, (ast.Assign, ast.AnnAssign))
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Attribute)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")):
                continue
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                continue
            if node.attr in defined or node.attr in ("_replace", "_asdict", "_fields"):
                continue
            found.append(f"{module}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_outer_packages_use_only_public_modules_and_declared_seams():
    assert seam_violations(package_sources()) == []


def test_no_module_reaches_into_another_objects_private_attributes():
    assert private_reaches(package_sources()) == []


def test_the_seam_checks_see_a_reach_across():
    sources = package_sources()
    code, is_package = sources["hfimage.cli._health"]
    sources["hfimage.cli._health"] = (
        code + "\nfrom .._http.transport import Transport\nclient._transport\n",
        is_package,
    )
    code, is_package = sources["hfimage.compat.generators"]
    sources["hfimage.compat.generators"] = (code + "\nfrom ..cli import _main\n", is_package)
    assert seam_violations(sources) == [
        "hfimage.cli._health -> hfimage._http.transport",
        "hfimage.compat.generators -> hfimage.cli._main",
    ]
    assert [line.split(": ")[1] for line in private_reaches(sources) if "_health" in line] == ["client._transport"]
