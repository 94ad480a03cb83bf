"""Models from a bucket: published versions, aliases that point at them, and the catalogue that serves them.

A store (``MODELS_URI``: ``file:DIR``, ``s3://bucket/prefix`` or ``gs://bucket/prefix``) holds, per model,
``<name>/<version>/`` (the artifact, its metadata and its arrays, named as in the bundled ``models/``) and
``<name>/aliases.json`` (which version each alias names, and each alias's history). A version is written
once and never changed; promoting or rolling back rewrites only ``aliases.json``. The code here talks to
the store through the storage port (``core.scoring.storage``) only: the adapters are ``handlers.storage``.
"""
