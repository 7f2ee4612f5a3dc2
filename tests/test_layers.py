"""Imports point down (DESIGN.md): no package of ``voting`` imports a higher layer, and no two
packages import each other, not even through a third or from inside a function.

Every module counts, imports made inside functions too: a lazy import is still a dependency
and is how cycles hide.
"""

import ast
from pathlib import Path

import pytest

VOTING = Path(__file__).resolve().parent.parent / "voting"

#: The layers, lowest first. A module may import its own package, the packages of its own
#: layer (as long as no cycle forms) and any lower layer. Features keep their tables in
#: ``<feature>.models``, a layer of its own just above the database: any feature may read
#: another's rows, but only through its models, never through its services or pages.
LAYERS: list[tuple[str, set[str]]] = [
    ("pure", {"rules", "crypto"}),
    (
        "base",
        {
            "config",
            "db",
            "errors",
            "i18n",
            "timeutil",
            "typed",
            "quiet",
            "links",
            "extensions",
            "limits",
            "spreadsheets",
            "uploads",
            "schema",
            "web",
            "forms",
        },
    ),
    ("models", {"*.models"}),
    ("audit", {"audit"}),
    ("accounts", {"auth"}),
    (
        "features",
        {
            "rosters",
            "meetings",
            "messages",
            "ballots",
            "results",
            "supervision",
            "consultations",
            "door",
            "trustees",
        },  # fmt: skip
    ),
    ("interfaces", {"api", "admin", "demo"}),
    ("assembly", {"app", "cli", "operations", "entry", "__init__"}),
]


def module_name(path: Path) -> str:
    """``voting.meetings.views`` for voting/meetings/views.py."""
    parts = path.relative_to(VOTING.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit_of(module: str) -> str:
    """The node of the package graph a module belongs to: ``meetings``, ``meetings.models``,
    ``web``; ``__init__`` for the package ``voting`` itself."""
    parts = module.split(".")[1:]
    if not parts:
        return "__init__"
    if len(parts) >= 2 and parts[1] == "models":
        return f"{parts[0]}.models"
    return parts[0]


def layer_of(unit: str) -> int:
    """The index of the unit's layer in LAYERS; a unit listed nowhere fails the test."""
    for index, (_, members) in enumerate(LAYERS):
        if unit in members or (unit.endswith(".models") and "*.models" in members):
            return index
    raise AssertionError(f"voting.{unit} is in no layer of tests/test_layers.py: add it")


def _runtime_nodes(tree: ast.AST):
    """Every node, except what stands under ``if TYPE_CHECKING:`` (names for the type checker,
    not imports that run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def imported_modules(path: Path) -> list[tuple[str, int]]:
    """Every ``voting.*`` module the file imports (anywhere in it), with the line."""
    own = module_name(path).split(".")
    package = own if path.name == "__init__.py" else own[:-1]
    found = []
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            if node.module is None or (node.level and not node.module):
                found += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((base, node.lineno))
    return [(name, line) for name, line in found if name.split(".")[0] == "voting"]


def resolve(name: str) -> str:
    """``voting.meetings.models.Meeting`` (a name imported from a module) to its module."""
    parts = name.split(".")
    while len(parts) > 1:
        candidate = VOTING.parent.joinpath(*parts)
        if candidate.with_suffix(".py").is_file() or (candidate / "__init__.py").is_file():
            return ".".join(parts)
        parts.pop()
    return "voting"


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing unit, imported unit) -> where, for every import between two units."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(VOTING.rglob("*.py")):
        source = unit_of(module_name(path))
        for name, line in imported_modules(path):
            target = unit_of(resolve(name))
            if target != source:
                where = f"{path.relative_to(VOTING.parent)}:{line} imports {name}"
                edges.setdefault((source, target), []).append(where)
    return edges


def cycles(edges: dict[tuple[str, str], list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one unit (Tarjan)."""
    graph: dict[str, set[str]] = {}
    for source, target in edges:
        graph.setdefault(source, set()).add(target)
        graph.setdefault(target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_the_graph_is_read():
    """The walk finds the imports it judges (an empty graph would pass every check)."""
    edges = package_edges()
    assert ("ballots", "meetings.models") in edges
    assert ("app", "web") in edges
    assert len(edges) > 50


def test_no_import_points_up():
    edges = package_edges()
    upward = [
        f"{LAYERS[layer_of(source)][0]} -> {LAYERS[layer_of(target)][0]}: {where}"
        for (source, target), places in sorted(edges.items())
        if layer_of(target) > layer_of(source)
        for where in places
    ]
    assert upward == [], "\n".join(upward)


def test_no_import_cycle_between_packages():
    edges = package_edges()
    found = cycles(edges)
    loops = {
        " <-> ".join(group): [
            where
            for (source, target), places in sorted(edges.items())
            if source in group and target in group
            for where in places
        ]
        for group in found
    }
    assert loops == {}, "\n".join(f"{k}: {v}" for k, v in loops.items())


def test_no_import_cycle_between_modules():
    """Within a package too: the tally reads no readiness rule, turnout no page."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in sorted(VOTING.rglob("*.py")):
        source = module_name(path)
        for name, line in imported_modules(path):
            target = resolve(name)
            if target != source and not source.startswith(target + "."):
                edges.setdefault((source, target), []).append(f"{path.name}:{line}")
    assert cycles(edges) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({("a", "b"): [], ("b", "a"): []}, [["a", "b"]]),
        ({("a", "b"): [], ("b", "c"): [], ("c", "a"): []}, [["a", "b", "c"]]),
        ({("a", "b"): [], ("b", "c"): []}, []),
    ],
)
def test_cycles_are_found(edges, expected):
    assert cycles(edges) == expected


def test_every_unit_has_a_layer():
    units = {unit_of(module_name(path)) for path in VOTING.rglob("*.py")}
    assert {"rules", "crypto", "meetings", "meetings.models", "api"} <= units
    for unit in units:
        layer_of(unit)
