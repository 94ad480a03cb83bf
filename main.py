"""The source file functions-framework loads (``--source main.py``, Cloud Functions' default): the HTTP targets.

``app`` serves every route of the service, as Cloud Run and Lambda do:
``functions-framework --target=app`` locally, ``gcloud functions deploy ... --entry-point app`` in the
cloud (see README.md, "Deploy and run each platform").
"""

from handlers.gcf import app, claim_framework_routes

claim_framework_routes()

__all__ = ["app"]
