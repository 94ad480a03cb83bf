"""The model declarations: one module per model, each defining ``SPEC``; ``core.registry`` finds them."""
