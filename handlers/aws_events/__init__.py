"""The kinds of Lambda event the one ``handler`` answers, one module each; the table is ``handlers.aws_lambda``.

Each kind is an ``EventKind`` (``kind.py``): ``matches(event, context)`` says whether an event is its
own, ``handle(event, context)`` answers it. ``http.py`` hands HTTP events to Mangum and the app;
``direct.py`` answers direct invocations with predictions; ``unsupported.py`` refuses the rest, naming
what it got. ``guard.py`` gives every kind that does not pass through the app what the app's middleware
gives HTTP: one access line per invocation and the request deadline.
"""
