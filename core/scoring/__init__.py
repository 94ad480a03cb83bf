"""Scoring data where it lives: a file in a bucket (or on disk) streamed through a model, row by row, nothing lost.

``job.score`` is the use case; storage is a port (``storage.Storage``) whose adapters live in
``handlers/storage/``, chosen by the URI's scheme, so the core never imports a cloud SDK.
"""
