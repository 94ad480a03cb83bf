"""Pure ASGI middleware the one app runs on every platform: access log, API-key auth, request deadline.

Pure ASGI (a class with ``__call__(scope, receive, send)``), not Starlette's ``BaseHTTPMiddleware``,
which runs the app in a separate task, costs a task switch per request and buffers streamed bodies.
``handlers.http_app.create_app`` stacks them, outermost first: access log, CORS, auth, deadline.
"""
