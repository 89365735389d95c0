"""The Celery application. Configuration lives in settings.py under CELERY_*."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redproperty.settings")

app = Celery("redproperty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
