"""The source file functions-framework loads (``--source main.py``, Cloud Functions' default): the targets.

``app`` serves every route of the service, as Cloud Run and Lambda do:
``functions-framework --target=app`` locally, ``gcloud functions deploy ... --entry-point app`` in the
cloud (see README.md, "Deploy and run each platform"). ``predict_event`` is a CloudEvent target: a
Pub/Sub message carrying a batch, answered in a structured log line (``handlers/gcf_events.py``).
``score_object`` is a CloudEvent target for Cloud Storage's ``object.v1.finalized``: a file dropped under
``incoming/<model>/`` is scored to ``scored/<model>/`` (``handlers/gcf_scoring.py``).
Importing it runs the start-up every platform shares (``handlers/bootstrap.py``), in gunicorn's master:
what starts threads waits for the forked worker.
"""

from handlers.gcf import app, claim_framework_routes
from handlers.gcf_events import predict_event
from handlers.gcf_scoring import score_object

claim_framework_routes()

__all__ = ["app", "predict_event", "score_object"]
