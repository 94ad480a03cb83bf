"""Cloud Run: the shared app under uvicorn, listening on ``$PORT`` (default 8080) on every interface.

The start-up (``handlers.bootstrap``, the same as every platform's) runs at import, before uvicorn
listens: Cloud Run routes no request to an instance until it does, so the warm-ups cost no request.
"""

from __future__ import annotations

import os

from handlers import bootstrap

app = bootstrap.build_app(bootstrap.start(bootstrap.CLOUD_RUN))


def main() -> None:
    import uvicorn

    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "8080"))
    level = os.environ.get("LOG_LEVEL", "info").lower()
    # The app writes its own JSON access line per request (handlers.middleware.access_log): uvicorn's is off.
    # The app object, not "handlers.cloud_run:app": run as __main__, this module would be imported a
    # second time under its own name, building the app twice on every cold start.
    uvicorn.run(app, host=host, port=port, log_level=level, access_log=False)


if __name__ == "__main__":
    main()
