"""The FastAPI routers; each module exposes ``build_router(settings)`` and ``handlers.http_app`` includes them."""
