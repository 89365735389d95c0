"""What the resident is told when their complaint changes, by email and SMS.

`notify_event(event)` is called by the `complaints.notify` Celery task (complaints/tasks.py),
which the services queue through redproperty.outbox after their transaction commits. The
message names the tracking code, the new status and the deadline still ahead, with its own
word: while the complaint waits to be accepted, the time by which the handler will contact
the resident (the response deadline) and the resolution deadline; once accepted, the
resolution deadline. It never carries the reporter's phone number, and logs show it masked only.
"""
from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from redproperty.privacy import mask_phone

from .models import ComplaintEvent, Status
from .sms import send_sms

log = logging.getLogger(__name__)


def message_context(event: ComplaintEvent) -> dict:
    complaint = event.complaint
    return {
        "event": event,
        "complaint": complaint,
        "tracking_code": complaint.tracking_code,
        "status": complaint.get_status_display(),
        # Contact (受理) is promised only while nobody has accepted it; resolution (办结) while open.
        "contact_by": timezone.localtime(complaint.due_response_at) if complaint.status == Status.SUBMITTED else None,
        "resolve_by": timezone.localtime(complaint.due_resolve_at) if complaint.is_open else None,
        "handler": complaint.assigned_firm if complaint.handler_level == "firm" and complaint.assigned_firm_id
        else complaint.assigned_community,
    }


def build_message(event: ComplaintEvent) -> tuple[str, str, str]:
    """(email subject, email body, SMS text) in the site's language."""
    context = message_context(event)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("complaints/email/notification_subject.txt", context).strip()
        body = render_to_string("complaints/email/notification.txt", context)
        sms = render_to_string("complaints/email/notification_sms.txt", context).strip()
    return subject, body, sms


def notify_event(event: ComplaintEvent) -> dict:
    """Send the resident the message for one event by email and/or SMS, as they left contacts.
    Returns which channels were used. Raises when a channel fails (the task retries)."""
    complaint = event.complaint
    sent = {"email": False, "sms": False}
    if not event.is_public or not (complaint.reporter_email or complaint.reporter_phone):
        return sent
    subject, body, sms = build_message(event)
    if complaint.reporter_email:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [complaint.reporter_email])
        sent["email"] = True
    if complaint.reporter_phone:
        send_sms(phone=complaint.reporter_phone, text=sms)
        sent["sms"] = True
    log.info("notified %s of %s (email=%s, sms to %s)", complaint.tracking_code, event.action,
             sent["email"], mask_phone(complaint.reporter_phone) or "-")
    return sent
