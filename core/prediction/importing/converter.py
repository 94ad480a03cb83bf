"""What every importer's table maps an estimator's class path to: fitted estimator in, served form out."""

from collections.abc import Callable
from typing import Any

from core.prediction.forms import Form

Converter = Callable[[Any], Form]
"""Raises ``ValueError`` with a clear message for what the form cannot reproduce."""
