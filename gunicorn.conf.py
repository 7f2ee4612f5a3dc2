"""gunicorn settings for Gongyi: ``gunicorn -c gunicorn.conf.py`` (README, production).

Every value comes from the environment, so that one file serves every instance:

    VOTING_BIND            where to listen (default 127.0.0.1:8000, behind nginx)
    VOTING_WORKERS         worker processes (default 2 per CPU, at least 2)
    VOTING_THREADS         threads per worker (default 4)
    VOTING_TIMEOUT         seconds before a silent worker is restarted (default 60)
    VOTING_CONTROL_SOCKET  path of this instance's control socket for ``gunicornc``;
                           unset: no control socket (the default path is one per machine,
                           shared by every instance)
"""

import os

wsgi_app = "wsgi:app"
bind = os.environ.get("VOTING_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("VOTING_WORKERS") or max(2, 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("VOTING_THREADS") or 4)
worker_class = "gthread"
timeout = int(os.environ.get("VOTING_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests (jittered, so that not all at once).
max_requests = 5000
max_requests_jitter = 500
# The app writes one JSON line per request without tokens (voting/operations.py); gunicorn's
# access log would print the raw paths, which hold residents' tokens.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("VOTING_LOG_LEVEL", "info")

if _socket_path := os.environ.get("VOTING_CONTROL_SOCKET"):
    control_socket = _socket_path
    control_socket_mode = 0o600
else:
    control_socket_disable = True
