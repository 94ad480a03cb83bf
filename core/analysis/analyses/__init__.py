"""The analyses: one module per analysis, each declaring ``SPEC`` (see ``core.analysis.spec``)."""
