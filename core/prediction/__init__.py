"""Predictions: model specs, their served forms (plain arrays evaluated with numpy) and the use cases.

``service`` is what adapters call; ``models/`` holds one module per model; ``training`` is the only
place scikit-learn is imported. Nothing here imports ``core.analysis``.
"""
