"""The model declarations: one module per model, each defining ``SPEC``; ``core.prediction.registry`` finds them."""
