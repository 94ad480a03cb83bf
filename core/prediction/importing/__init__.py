"""Importing a fitted estimator the user brings (``serverless-ml models import``): the only code that unpickles.

``reading`` loads the trusted joblib/pickle file and the sample CSV; ``table`` says which classes are
supported (``CONVERTERS`` for estimators, ``TRANSFORMERS`` for preprocessing steps) and refuses the rest by
name; ``pipeline`` walks ``Pipeline`` and ``ColumnTransformer``; ``schema`` derives the feature schema from
the sample and from what the estimator accepts; ``agreement`` checks the served form against the library on
every sample row; ``importer`` writes the artifacts and the metadata the registry serves them from. Serving
never imports this package.
"""
