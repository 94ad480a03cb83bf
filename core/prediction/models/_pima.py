"""mlbench's PimaIndiansDiabetes as the Pima models read it: its file, its columns, its target.

Two models train on this data; its columns are described here once so that their descriptions cannot
drift apart. The leading underscore says it is not a model: it declares no ``SPEC``, so the registry
passes over it, and a model on other data never needs it.
"""

from __future__ import annotations

from core.prediction.spec import Dataset, Feature

DATASET = Dataset("pima_indians_diabetes.csv")
TARGET = "diabetes"
POSITIVE = "pos"
"""The value of ``TARGET`` that means the positive class."""

COLUMNS = {
    feature.name: feature
    for feature in (
        Feature("pregnant", "integer", "number of times pregnant"),
        Feature("glucose", "number", "plasma glucose concentration, 2 h oral glucose tolerance test"),
        Feature("pressure", "number", "diastolic blood pressure (mm Hg)"),
        Feature("triceps", "number", "triceps skin fold thickness (mm)"),
        Feature("insulin", "number", "2-hour serum insulin (mu U/ml)"),
        Feature("mass", "number", "body mass index (kg/m^2)"),
        Feature("pedigree", "number", "diabetes pedigree function"),
        Feature("age", "integer", "age (years)"),
    )
}


def features(*names: str) -> tuple[Feature, ...]:
    """The named columns, in the order given; every column when none is named."""
    return tuple(COLUMNS[name] for name in names) if names else tuple(COLUMNS.values())
