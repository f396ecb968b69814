"""The public surface: what `nnrecipe` and its namespaces export, loaded lazily and complete."""

import ast
import dataclasses
import inspect
import sys
import typing
from pathlib import Path
from types import ModuleType

import pytest

import nnrecipe

NAMESPACES = [getattr(nnrecipe, name) for name in nnrecipe._NAMESPACES]


def public_objects() -> dict[int, str]:
    """``id(object) -> "nnrecipe.ns.Name"`` for everything exported at the top or in a namespace."""
    out = {id(getattr(nnrecipe, n)): f"nnrecipe.{n}" for n in nnrecipe.__all__}
    for ns in NAMESPACES:
        out.update({id(getattr(ns, n)): f"{ns.__name__}.{n}" for n in ns.__all__})
    return out


@pytest.mark.parametrize("module", [nnrecipe, *NAMESPACES], ids=lambda m: m.__name__)
def test_every_exported_name_resolves(module: ModuleType) -> None:
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))


def test_the_lazy_table_and_the_type_checking_imports_agree() -> None:
    tree = ast.parse(Path(nnrecipe.__file__).read_text())
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    typed: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        typed.update({alias.name: "." * node.level + (node.module or "") for alias in node.names})
    assert typed == {**nnrecipe._EXPORTS, **{ns: "." for ns in nnrecipe._NAMESPACES}}
    assert sorted(nnrecipe.__all__) == sorted(["__version__", *nnrecipe._EXPORTS, *nnrecipe._NAMESPACES])


def test_a_moved_name_says_where_it_lives_now() -> None:
    with pytest.raises(AttributeError, match=r"nnrecipe.as_source moved: use nnrecipe.data.as_source"):
        nnrecipe.as_source  # noqa: B018
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        nnrecipe.nope  # noqa: B018


def _all_nnrecipe_globals() -> dict[str, object]:
    """Names of every loaded nnrecipe module, to resolve string annotations and aliases."""
    names: dict[str, object] = {**vars(typing)}
    for name, module in list(sys.modules.items()):
        if name.startswith("nnrecipe"):
            names.update(vars(module))
    return names


def _classes_in(hint: object) -> list[type]:
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    own = [hint] if isinstance(hint, type) else ([origin] if isinstance(origin, type) else [])
    return own + [c for a in args for c in _classes_in(a)]


def test_every_type_a_public_function_or_result_holds_is_public() -> None:
    public, namespace = public_objects(), _all_nnrecipe_globals()
    private: set[str] = set()

    def check(owner: str, hint: object) -> None:
        for cls in _classes_in(hint):
            if cls.__module__.startswith("nnrecipe") and id(cls) not in public:
                private.add(f"{owner} -> {cls.__module__}.{cls.__qualname__}")

    def names_for(obj: object) -> dict[str, object]:
        # The defining module's own names win: two modules may each have a ``Budget``.
        return {**namespace, **vars(sys.modules[obj.__module__])}

    def visit(obj: object, label: str) -> None:
        if inspect.isfunction(obj):
            check(label, typing.get_type_hints(obj, globalns=names_for(obj)).get("return"))
        elif isinstance(obj, type):
            if dataclasses.is_dataclass(obj):
                hints = typing.get_type_hints(obj, globalns=names_for(obj))
                for field in dataclasses.fields(obj):
                    if field.name.startswith("_"):
                        continue  # private state of a public class is not part of the surface
                    check(f"{label}.{field.name}", hints[field.name])
            for name, member in vars(obj).items():
                if inspect.isfunction(member) and not name.startswith("_"):
                    visit(member, f"{label}.{name}")

    for obj_id, label in public.items():
        visit(next(o for o in _objects() if id(o) == obj_id), label)
    assert sorted(private) == []


def _objects() -> list[object]:
    return [getattr(nnrecipe, n) for n in nnrecipe.__all__] + [getattr(ns, n) for ns in NAMESPACES for n in ns.__all__]
