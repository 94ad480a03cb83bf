"""One module a measurement, beside the module that takes it (``bench/X.py`` measures, ``bench/sections/X.py``
writes its table and its targets into the ``Report``)."""

from bench.sections import (
    batch,
    bundles,
    coldstart,
    importtime,
    load,
    model_store,
    scoring,
    trees,
    tweets,
    warehouses,
)

__all__ = [
    "batch",
    "bundles",
    "coldstart",
    "importtime",
    "load",
    "model_store",
    "scoring",
    "trees",
    "tweets",
    "warehouses",
]
