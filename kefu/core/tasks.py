"""Celery entry point: one thin task that runs a registered job by name (the same code the embedded runner calls)."""

from celery import shared_task

from .scheduler import run_job as _run_job


@shared_task(name="kefu.run_job", ignore_result=False)
def run_job(name: str):
    return _run_job(name)
