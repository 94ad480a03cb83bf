"""Cloud Run: the shared app under uvicorn, listening on ``$PORT`` (default 8080) on every interface."""

from __future__ import annotations

import os

from handlers.http_app import create_app

app = create_app()


def main() -> None:
    import uvicorn

    from handlers.settings import settings
    from handlers.warm import warm_analyses

    warm_analyses(settings())  # with WARM_ANALYSES=true, before listening: Cloud Run routes no request here yet

    host = os.environ.get("HOST", "0.0.0.0")
    port = int(os.environ.get("PORT", "8080"))
    level = os.environ.get("LOG_LEVEL", "info").lower()
    # The app writes its own JSON access line per request (handlers.middleware.access_log): uvicorn's is off.
    # The app object, not "handlers.cloud_run:app": run as __main__, this module would be imported a
    # second time under its own name, building the app twice on every cold start.
    uvicorn.run(app, host=host, port=port, log_level=level, access_log=False)


if __name__ == "__main__":
    main()
