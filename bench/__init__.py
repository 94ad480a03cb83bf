"""Benchmarks: cold start, import time, latency and throughput, batch rows/s, memory, bundle sizes.

``python -m bench`` (or ``make bench``) measures, takes medians of several runs, and writes
``docs/benchmarks.md``. Figures are measured, never timed inside tests.
"""
