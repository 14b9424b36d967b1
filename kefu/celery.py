"""Celery for centers that outgrow one machine: `celery -A kefu worker` and `celery -A kefu beat`.

Beat only enqueues the registered jobs by name; deadlines live in the database, never in task countdowns.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")

app = Celery("kefu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["kefu.core"])


@app.on_after_finalize.connect
def _beat_schedule(sender, **kwargs):
    from kefu.core.scheduler import jobs

    sender.conf.beat_schedule = {
        job.name: {"task": "kefu.run_job", "schedule": float(job.interval_seconds), "args": (job.name,)}
        for job in jobs()
    }
