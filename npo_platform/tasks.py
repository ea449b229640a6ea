from celery import shared_task


@shared_task(name="npo_platform.ping")
def ping() -> str:
    """A trivial task used by /healthz checks and the real-worker test."""
    return "pong"
