"""Finds the specs declared by the modules of a package: what makes "add one module" the whole change.

The model and analysis registries both use it: every module of the package that defines ``SPEC`` of
the expected type contributes it, by name, in a stable (alphabetical) order.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


SpecT = TypeVar("SpecT", bound=Named)


def declared_specs(package: ModuleType, spec_type: type[SpecT], kind: str) -> dict[str, SpecT]:
    """Each ``SPEC`` of type ``spec_type`` in ``package``'s modules, by name; two of one name are an error."""
    specs: dict[str, SpecT] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, spec_type):
            if spec.name in specs:
                raise RuntimeError(f"two modules declare the {kind} {spec.name!r}")
            specs[spec.name] = spec
    return dict(sorted(specs.items()))
