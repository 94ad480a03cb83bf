"""``python -m bench.soak``: the Cloud Run server under wrk over a mix of valid and invalid requests.

It starts ``python -m handlers.cloud_run`` as a user would (API keys on, as in production), warms it
up, then runs wrk (64 connections, 60 s by default) over every route with good and bad inputs and a few
requests without a key. It reports requests, answers by status, 5xx, socket errors, and the server's
resident memory (VmRSS) after the warm-up and at the end; it reads the server's access log back to
check that every answer was logged as one JSON line and that no line holds the API key. The exit
status is 1 on any 5xx, socket error, lost log line, leaked key, or memory growth of ``--max-growth``
percent or more. Client and server share this machine's cores.

The package, by job: ``mix`` (the requests), ``run`` (the server and wrk under it), ``verdict`` (what the run
found, its text and whether it fails), ``__main__`` (the command).
"""
