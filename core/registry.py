"""One registry for every kind of plug-in (models, analyses): what makes "add one module" the whole change.

Every module of the plug-in package that defines ``SPEC`` of the expected type contributes it, by name,
in a stable (alphabetical) order. The package is imported on first use, not when the registry is made,
so declaring a registry costs nothing at import.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from typing import Generic, Protocol, TypeVar

from core.errors import CoreError


class Named(Protocol):
    @property
    def name(self) -> str: ...


SpecT = TypeVar("SpecT", bound=Named)


class Registry(Generic[SpecT]):
    """The ``SPEC`` of type ``spec_type`` in each module of ``package``, found once per process."""

    def __init__(self, package: str, spec_type: type[SpecT], kind: str, plural: str, unknown: type[CoreError]) -> None:
        self.package = package
        self.spec_type = spec_type
        self.kind = kind
        self.plural = plural
        self.unknown = unknown
        self._specs: dict[str, SpecT] | None = None
        self._lock = threading.Lock()

    def all(self) -> dict[str, SpecT]:
        """Every declared spec by name, in a stable (alphabetical) order."""
        if self._specs is None:
            with self._lock:
                if self._specs is None:
                    self._specs = self._discover()
        return self._specs

    def get(self, name: str) -> SpecT:
        """One spec; the registry's ``unknown`` error, naming the known ones, for any other name."""
        specs = self.all()
        if name not in specs:
            raise self.unknown(
                f"unknown {self.kind} {name!r}; known {self.plural}: {', '.join(specs)}", field=self.kind
            )
        return specs[name]

    def forget(self) -> None:
        """Discover again on next use: for a module added while the process runs (tests, the emulator)."""
        with self._lock:
            self._specs = None

    def _discover(self) -> dict[str, SpecT]:
        package = importlib.import_module(self.package)
        specs: dict[str, SpecT] = {}
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            spec = getattr(module, "SPEC", None)
            if isinstance(spec, self.spec_type):
                if spec.name in specs:
                    raise RuntimeError(f"two modules declare the {self.kind} {spec.name!r}")
                specs[spec.name] = spec
        return dict(sorted(specs.items()))
