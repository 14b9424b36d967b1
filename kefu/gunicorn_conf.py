"""gunicorn settings for `bin/run`: the embedded scheduler starts inside each worker (one runs jobs at a time)."""

import os

bind = f"{os.environ.get('KEFU_HOST', '127.0.0.1')}:{os.environ.get('KEFU_PORT', '8000')}"
workers = int(os.environ.get("KEFU_WORKERS", "2"))
threads = int(os.environ.get("KEFU_THREADS", "4"))
worker_class = "gthread"
timeout = 60
accesslog = os.environ.get("KEFU_ACCESS_LOG") or None


def post_worker_init(worker):
    from kefu.core.scheduler import start_embedded

    start_embedded()
