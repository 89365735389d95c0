"""Every write to a complaint: submission, each status transition, and the periodic sweeps.

The lifecycle (DESIGN.md, "Complaints"):

    submitted → accepted → in_progress → resolved → closed
    submitted → rejected (reason required)            resolved → reopened → in_progress
    submitted / accepted / in_progress / reopened → duplicate (points at the original)

`TRANSITIONS` below is the one table of legal moves. Each transition is one transaction that
locks the complaint row (`select_for_update`), refuses an illegal move or one based on a stale
status with `TransitionError` (changing nothing), stamps its timestamp, writes its
`ComplaintEvent` and, when the resident can see the change, records the notification in the
task outbox (sent by Celery after commit; nothing is sent if the transaction rolls back).

Callers pass the complaint they loaded; its status is the status they based the move on
(or pass `expected_status` explicitly). The updated complaint is returned and the changed
fields are copied onto the instance that was passed in.
"""
from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from integrations.webhooks import webhooks_notify
from redproperty import outbox, pipl
from redproperty.models import AccessKind
from redproperty.scoping import staff_profile_of
from redproperty.workflow import TransitionError  # noqa: F401 (the lifecycle refuses moves with it)

from .models import (
    OPEN_STATUSES,
    Action,
    Attachment,
    Category,
    Channel,
    Complaint,
    ComplaintEvent,
    HandlerLevel,
    Status,
    new_tracking_code,
)

log = logging.getLogger(__name__)

DESCRIPTION_MAX = 2000
NOTE_MAX = 2000
MAX_PHOTOS = 3
# A complaint the community holds while overdue goes up to the subdistrict after this long.
SUBDISTRICT_ESCALATION_AFTER = datetime.timedelta(hours=24)

# action -> statuses it may start from. The target status is in `_TARGET`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Action.ACCEPT: (Status.SUBMITTED,),
    Action.REJECT: (Status.SUBMITTED,),
    Action.START: (Status.ACCEPTED, Status.REOPENED),
    Action.RESOLVE: (Status.ACCEPTED, Status.IN_PROGRESS),
    Action.REOPEN: (Status.RESOLVED,),
    Action.CLOSE: (Status.RESOLVED,),
    Action.AUTO_CLOSE: (Status.RESOLVED,),
    Action.RATE: (Status.RESOLVED,),
    Action.MARK_DUPLICATE: OPEN_STATUSES,
    # Moves that change who handles a complaint, not its status.
    Action.REASSIGN: OPEN_STATUSES,
    Action.ESCALATE: OPEN_STATUSES,
}
_TARGET = {
    Action.ACCEPT: Status.ACCEPTED,
    Action.REJECT: Status.REJECTED,
    Action.START: Status.IN_PROGRESS,
    Action.RESOLVE: Status.RESOLVED,
    Action.REOPEN: Status.REOPENED,
    Action.CLOSE: Status.CLOSED,
    Action.AUTO_CLOSE: Status.CLOSED,
    Action.RATE: Status.CLOSED,
    Action.MARK_DUPLICATE: Status.DUPLICATE,
}


def allowed_actions(complaint: Complaint) -> list[str]:
    """The actions legal from the complaint's current status (for buttons and menus)."""
    actions = [action for action, sources in TRANSITIONS.items() if complaint.status in sources]
    if complaint.handler_level == HandlerLevel.SUBDISTRICT and Action.ESCALATE in actions:
        actions.remove(Action.ESCALATE)
    if Action.AUTO_CLOSE in actions:
        actions.remove(Action.AUTO_CLOSE)
    return actions


# ---------------------------------------------------------------------------
# Submission
# ---------------------------------------------------------------------------
def normalize_phone(raw: str) -> str:
    """A Chinese phone number as its national digits (`13812345678`, `87163123456`).

    Raises ValidationError({"reporter_phone": ...}) when it is not a valid CN number."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number) or number.country_code != 86:
        raise ValidationError({"reporter_phone": _("Enter a valid Chinese mobile or landline number.")})
    return phonenumbers.national_significant_number(number)


def _validate_submission(*, complex, category, description, channel, location_detail, reporter_name,
                         reporter_phone, reporter_email, photos) -> dict:
    errors: dict[str, list] = {}
    cleaned = {
        "description": (description or "").strip(),
        "location_detail": (location_detail or "").strip(),
        "reporter_name": (reporter_name or "").strip(),
        "reporter_phone": (reporter_phone or "").strip(),
        "reporter_email": (reporter_email or "").strip(),
    }
    if complex is None:
        errors["complex"] = [_("Choose the residential complex.")]
    if category is None or not category.is_active:
        errors["category"] = [_("Choose one of the categories offered.")]
    if not cleaned["description"]:
        errors["description"] = [_("Describe the problem.")]
    elif len(cleaned["description"]) > DESCRIPTION_MAX:
        errors["description"] = [
            _("The description can be at most %(max)d characters long.") % {"max": DESCRIPTION_MAX}
        ]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if len(cleaned["location_detail"]) > 200:
        errors["location_detail"] = [_("The place can be at most 200 characters long.")]
    if len(cleaned["reporter_name"]) > 50:
        errors["reporter_name"] = [_("The name can be at most 50 characters long.")]
    if cleaned["reporter_phone"]:
        try:
            cleaned["reporter_phone"] = normalize_phone(cleaned["reporter_phone"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if cleaned["reporter_email"]:
        try:
            validate_email(cleaned["reporter_email"])
        except ValidationError:
            errors["reporter_email"] = [pgettext_lazy("reporter", "Enter a valid email address.")]
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [_("At most %(max)d photos.") % {"max": MAX_PHOTOS}]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _validate_place(*, media_url, latitude, longitude) -> dict:
    media_url = (media_url or "").strip()
    errors = {}
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = [_("Enter an http or https link.")]
        if len(media_url) > 500:
            errors["media_url"] = [_("At most %(max)d characters.") % {"max": 500}]
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["latitude"] = [_("Latitude and longitude must be decimal degrees.")]
    if errors:
        raise ValidationError(errors)
    rounded = (lambda v: None if v is None else Decimal(str(v)).quantize(Decimal("0.000001")))
    return {"media_url": media_url, "latitude": rounded(latitude), "longitude": rounded(longitude)}


def complaint_route(*, complex) -> dict:
    """Who handles a new complaint about `complex`: the firm of its active service contract,
    else its community. Returns the Complaint fields to set. One query."""
    contract = complex.contracts.active().select_related("firm").first()
    if contract is not None:
        return {"handler_level": HandlerLevel.FIRM, "assigned_firm": contract.firm, "assigned_community_id": complex.community_id}
    return {"handler_level": HandlerLevel.COMMUNITY, "assigned_firm": None, "assigned_community_id": complex.community_id}


def due_times(*, category: Category, submitted_at: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """(due_response_at, due_resolve_at) from the category's time limits."""
    due_response = submitted_at + datetime.timedelta(hours=category.response_hours)
    due_resolve = max(submitted_at + datetime.timedelta(days=category.resolve_days), due_response)
    return due_response, due_resolve


@transaction.atomic
def complaint_submit(
    *,
    complex,
    category,
    description: str,
    channel: str = Channel.PORTAL,
    location_detail: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    is_anonymous: bool = False,
    photos=(),
    actor=None,
    submitted_at: datetime.datetime | None = None,
    media_url: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Complaint:
    """File a complaint: validate, route, fix its due times, save it with its "submitted" event
    and photos, and queue the acknowledgement to the resident.

    `photos` are ContentFiles already checked and re-encoded by complaints/photos.py;
    `media_url` is a link to a photo held elsewhere (kept, not fetched); `latitude`/`longitude`
    where the reporter placed the problem.
    Raises ValidationError with field keys (description, category, reporter_phone, ...)."""
    photos = list(photos)
    place = _validate_place(media_url=media_url, latitude=latitude, longitude=longitude)
    cleaned = _validate_submission(
        complex=complex, category=category, description=description, channel=channel,
        location_detail=location_detail, reporter_name=reporter_name, reporter_phone=reporter_phone,
        reporter_email=reporter_email, photos=photos,
    )
    submitted_at = submitted_at or timezone.now()
    due_response_at, due_resolve_at = due_times(category=category, submitted_at=submitted_at)
    complaint = Complaint(
        complex=complex,
        category=category,
        channel=channel,
        is_anonymous=bool(is_anonymous),
        submitted_at=submitted_at,
        due_response_at=due_response_at,
        due_resolve_at=due_resolve_at,
        status=Status.SUBMITTED,
        **cleaned,
        **place,
        **complaint_route(complex=complex),
    )
    for attempt in range(5):
        try:
            with transaction.atomic():  # a savepoint: a code collision must not spoil the outer transaction
                complaint.save()
            break
        except IntegrityError:
            if attempt == 4 or not Complaint.objects.filter(tracking_code=complaint.tracking_code).exists():
                raise
            complaint.tracking_code = new_tracking_code()
    event = _event(complaint, actor, Action.SUBMIT, "", Status.SUBMITTED, at=submitted_at)
    _attach(complaint, event, photos)
    _notify(complaint, event)
    _webhooks(complaint, event)
    return complaint


# ---------------------------------------------------------------------------
# Transitions
# ---------------------------------------------------------------------------
def _actor_label(actor) -> str:
    """What the resident sees as "who": the actor's community or firm, never a staff name."""
    profile = staff_profile_of(actor)
    if profile is None:
        return ""
    covered = getattr(profile, profile.role, None)  # the one object the role covers
    return str(covered)[:100] if covered else ""


def _event(complaint, actor, action, from_status, to_status, *, note="", is_public=True, at=None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        is_public=is_public,
        created_at=at or timezone.now(),
    )


def _attach(complaint, event, photos) -> None:
    for photo in photos:
        Attachment.objects.create(complaint=complaint, event=event, image=photo)


def _notify(complaint, event) -> None:
    """Queue the resident's notification of a public event, if there is a way to reach them."""
    if event.is_public and (complaint.reporter_phone or complaint.reporter_email):
        outbox.enqueue("complaints.notify", event_id=event.pk)


def _webhooks(complaint, event) -> None:
    """Tell integrators' webhooks (integrations/webhooks.py) about a submission, a change of
    status and a rating. The payload has no personal data: what Open311 shows without a key."""
    payload = {
        "tracking_code": complaint.tracking_code, "complaint": complaint.pk, "action": event.action,
        "status": event.to_status, "previous_status": event.from_status, "category": complaint.category.code,
        "complex": complaint.complex_id,
        "occurred_at": timezone.localtime(event.created_at).isoformat(timespec="seconds"),
    }
    if event.action == Action.SUBMIT:
        webhooks_notify(event="complaint.submitted", payload=payload, instance=complaint)
        return
    if event.from_status != event.to_status:
        webhooks_notify(event="complaint.status_changed", payload=payload, instance=complaint)
    if event.action == Action.RATE:
        webhooks_notify(event="complaint.rated", payload={**payload, "rating": complaint.rating}, instance=complaint)


def _required_text(value: str, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > NOTE_MAX:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": NOTE_MAX}})
    return value


def _transition(complaint, *, action, actor, expected_status=None, note="", is_public=True,
                changes=None, photos=(), check=None) -> Complaint:
    """The one path of every transition. Runs inside the caller's transaction.atomic.

    Locks the row, checks the move and the expected status, applies `changes` (a dict of fields,
    or a callable taking the locked complaint and returning one), stamps `updated_at`, writes the
    event and queues the notification."""
    expected = expected_status or complaint.status
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if expected and locked.status != expected:
        raise TransitionError(
            _("This complaint changed in the meantime (it is now “%(status)s”). Reload it and try again.")
            % {"status": locked.get_status_display()},
            code="stale",
        )
    if locked.status not in TRANSITIONS[action]:
        raise TransitionError(
            _("“%(action)s” is not possible while the complaint is “%(status)s”.")
            % {"action": Action(action).label, "status": locked.get_status_display()}
        )
    if check is not None:
        check(locked)
    from_status = locked.status
    fields = changes(locked) if callable(changes) else dict(changes or {})
    if action in _TARGET:
        fields["status"] = _TARGET[action]
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    event = _event(locked, actor, action, from_status, locked.status, note=note, is_public=is_public)
    _attach(locked, event, photos)
    _notify(locked, event)
    _webhooks(locked, event)
    for name in [*fields, "updated_at"]:
        setattr(complaint, name, getattr(locked, name))
    return locked


@transaction.atomic
def complaint_accept(*, complaint: Complaint, actor, expected_status: str | None = None, note: str = "") -> Complaint:
    """受理: the handler has contacted the resident. submitted → accepted."""
    return _transition(complaint, action=Action.ACCEPT, actor=actor, expected_status=expected_status,
                       note=(note or "").strip(), changes=lambda c: {"accepted_at": timezone.now()})


@transaction.atomic
def complaint_reject(*, complaint: Complaint, actor, reason: str, expected_status: str | None = None) -> Complaint:
    """不予受理, with a reason the resident sees. submitted → rejected."""
    reason = _required_text(reason, "reason", _("Give the reason for rejecting the complaint."))
    return _transition(complaint, action=Action.REJECT, actor=actor, expected_status=expected_status, note=reason,
                       changes=lambda c: {"reject_reason": reason, "rejected_at": timezone.now()})


@transaction.atomic
def complaint_start(*, complaint: Complaint, actor, expected_status: str | None = None, note: str = "") -> Complaint:
    """Work begins (again, after a reopening). accepted / reopened → in_progress."""
    return _transition(complaint, action=Action.START, actor=actor, expected_status=expected_status,
                       note=(note or "").strip(), changes=lambda c: {"started_at": c.started_at or timezone.now()})


@transaction.atomic
def complaint_resolve(*, complaint: Complaint, actor, note: str, photos=(), expected_status: str | None = None) -> Complaint:
    """办结, with a public note of what was done (and optional photos). accepted / in_progress → resolved."""
    note = _required_text(note, "note", _("Say what was done; the resident reads this note."))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError({"photos": _("At most %(max)d photos.") % {"max": MAX_PHOTOS}})
    return _transition(complaint, action=Action.RESOLVE, actor=actor, expected_status=expected_status, note=note,
                       photos=photos, changes=lambda c: {"resolution_note": note, "resolved_at": timezone.now()})


@transaction.atomic
def complaint_reopen(*, complaint: Complaint, actor=None, note: str, expected_status: str | None = None) -> Complaint:
    """The resident says it is not fixed (actor None) or staff reopen it. resolved → reopened.
    Only before the complaint is rated; a reopened complaint is no longer counted as resolved."""
    note = _required_text(note, "note", _("Say what is still wrong."))
    return _transition(
        complaint, action=Action.REOPEN, actor=actor, expected_status=expected_status, note=note,
        changes=lambda c: {"reopened_count": c.reopened_count + 1, "resolved_at": None},
    )


@transaction.atomic
def complaint_close(*, complaint: Complaint, actor, expected_status: str | None = None, note: str = "") -> Complaint:
    """Close a resolved complaint without a rating. resolved → closed."""
    return _transition(complaint, action=Action.CLOSE, actor=actor, expected_status=expected_status,
                       note=(note or "").strip(), changes=lambda c: {"closed_at": timezone.now()})


@transaction.atomic
def complaint_rate(*, complaint: Complaint, actor=None, rating: int, comment: str = "",
                   expected_status: str | None = None) -> Complaint:
    """The resident rates the result 1–5, once, while it is resolved; this closes it."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5.")})
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationError({"comment": _("At most %(max)d characters.") % {"max": 1000}})

    def once(locked):
        if locked.rating is not None:
            raise TransitionError(_("This complaint has already been rated."))

    def changes(locked):
        now = timezone.now()
        return {"rating": rating, "rating_comment": comment, "rated_at": now, "closed_at": now}

    return _transition(complaint, action=Action.RATE, actor=actor, expected_status=expected_status,
                       note=comment, check=once, changes=changes)


@transaction.atomic
def complaint_mark_duplicate(*, complaint: Complaint, actor, original: Complaint,
                             expected_status: str | None = None) -> Complaint:
    """The same problem was already reported: point at the original and stop handling this one."""
    if original is None or original.pk == complaint.pk:
        raise ValidationError({"original": _("Choose another complaint as the original.")})
    if original.status == Status.DUPLICATE:
        raise ValidationError({"original": _("The original cannot itself be a duplicate.")})
    return _transition(
        complaint, action=Action.MARK_DUPLICATE, actor=actor, expected_status=expected_status,
        note=original.tracking_code, changes={"duplicate_of": original, "closed_at": timezone.now()},
    )


@transaction.atomic
def complaint_reassign(*, complaint: Complaint, actor, firm=None, community=None,
                       expected_status: str | None = None) -> Complaint:
    """Hand an open complaint to a property firm (`firm`) or to a community (`firm=None`;
    `community` defaults to the complex's community). The status does not change."""
    if firm is not None:
        if firm.status == "withdrawn":
            raise ValidationError({"firm": _("This firm has withdrawn and cannot take complaints.")})
        changes = {"handler_level": HandlerLevel.FIRM, "assigned_firm": firm}
        note = str(firm)
    else:
        community = community or complaint.complex.community
        changes = {"handler_level": HandlerLevel.COMMUNITY, "assigned_firm": None, "assigned_community": community}
        note = str(community)
    return _transition(complaint, action=Action.REASSIGN, actor=actor, expected_status=expected_status,
                       note=note, changes={**changes, "escalated_to": None})


def _escalation_changes(locked: Complaint, now) -> dict:
    if locked.handler_level == HandlerLevel.FIRM:
        return {"handler_level": HandlerLevel.COMMUNITY, "escalated_at": now,
                "escalation_count": locked.escalation_count + 1}
    if locked.handler_level == HandlerLevel.COMMUNITY:
        return {"handler_level": HandlerLevel.SUBDISTRICT, "escalated_to_id": locked.complex.community.subdistrict_id,
                "escalated_at": now, "escalation_count": locked.escalation_count + 1}
    raise TransitionError(_("This complaint is already handled by the subdistrict."))


@transaction.atomic
def complaint_escalate(*, complaint: Complaint, actor, expected_status: str | None = None) -> Complaint:
    """Move an open complaint one level up: firm → community → subdistrict. The firm keeps
    answering for it in its rates; the level above now drives it."""
    now = timezone.now()
    return _transition(complaint, action=Action.ESCALATE, actor=actor, expected_status=expected_status,
                       changes=lambda c: _escalation_changes(c, now))


@transaction.atomic
def complaint_reveal_phone(*, complaint: Complaint, actor, door: str) -> str:
    """Return the reporter's full phone number (the caller shows the e-mail with it) and record
    who looked, in this transaction: an internal event on the complaint and a row of the PIPL
    audit naming the door (redproperty.models.AccessDoor). The caller has checked the
    `complaints.view_reporter_phone` permission."""
    if not actor.has_perm("complaints.view_reporter_phone"):
        raise ValidationError(_("You may not see reporters' phone numbers."))
    _event(complaint, actor, Action.REVEAL_PHONE, complaint.status, complaint.status, is_public=False)
    pipl.record_access(actor=actor, kind=AccessKind.REVEAL, door=door, record=complaint,
                       phone=complaint.reporter_phone)
    return complaint.reporter_phone


# ---------------------------------------------------------------------------
# Periodic sweeps (complaints/tasks.py)
# ---------------------------------------------------------------------------
def _lock_batch(queryset):
    """Lock the matching rows, skipping any a transition holds right now (the next sweep gets them)."""
    return list(queryset.select_for_update(skip_locked=True, of=("self",)).select_related("complex__community"))


@transaction.atomic
def complaints_mark_overdue(now: datetime.datetime | None = None) -> int:
    """Stamp `overdue_at` on open complaints past a deadline that were not marked yet, with an
    internal event each. Returns how many were marked. A fixed number of queries."""
    now = now or timezone.now()
    batch = _lock_batch(Complaint.objects.overdue(now).filter(overdue_at__isnull=True).order_by("pk"))
    if not batch:
        return 0
    Complaint.objects.filter(pk__in=[c.pk for c in batch]).update(overdue_at=now, updated_at=now)
    ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint=c, action=Action.OVERDUE, from_status=c.status, to_status=c.status,
                       is_public=False, created_at=now)
        for c in batch
    )
    return len(batch)


@transaction.atomic
def complaints_escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Escalate overdue open complaints one step, each step once: a firm's go to the community
    at once; the community's go to the subdistrict when still open `SUBDISTRICT_ESCALATION_AFTER`
    after they reached the community (or were marked overdue, if the community held them from
    the start). Writes a public event and notifies the resident. Returns how many moved."""
    now = now or timezone.now()
    overdue = Complaint.objects.open().filter(overdue_at__isnull=False)
    to_community = overdue.filter(handler_level=HandlerLevel.FIRM)
    to_subdistrict = overdue.filter(handler_level=HandlerLevel.COMMUNITY).annotate(
        at_community_since=Coalesce("escalated_at", "overdue_at")
    ).filter(at_community_since__lte=now - SUBDISTRICT_ESCALATION_AFTER)
    batch = _lock_batch(Complaint.objects.filter(Q(pk__in=to_community.values("pk")) | Q(pk__in=to_subdistrict.values("pk"))))
    for complaint in batch:
        changes = _escalation_changes(complaint, now)
        for name, value in changes.items():
            setattr(complaint, name, value)
        complaint.updated_at = now
    Complaint.objects.bulk_update(batch, ["handler_level", "escalated_to", "escalated_at", "escalation_count", "updated_at"])
    events = ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint=c, action=Action.ESCALATE, from_status=c.status, to_status=c.status,
                       note=str(c.get_handler_level_display()), is_public=True, created_at=now)
        for c in batch
    )
    for complaint, event in zip(batch, events):
        _notify(complaint, event)
    return len(batch)


@transaction.atomic
def complaints_close_unrated(now: datetime.datetime | None = None, days: int | None = None) -> int:
    """Close complaints resolved more than `days` (COMPLAINT_AUTO_CLOSE_DAYS) ago that the
    resident neither rated nor reopened. Public event and notification each. Returns the count."""
    now = now or timezone.now()
    days = settings.COMPLAINT_AUTO_CLOSE_DAYS if days is None else days
    batch = _lock_batch(
        Complaint.objects.filter(status=Status.RESOLVED, resolved_at__lte=now - datetime.timedelta(days=days)).order_by("pk")
    )
    if not batch:
        return 0
    Complaint.objects.filter(pk__in=[c.pk for c in batch]).update(status=Status.CLOSED, closed_at=now, updated_at=now)
    events = ComplaintEvent.objects.bulk_create(
        ComplaintEvent(complaint=c, action=Action.AUTO_CLOSE, from_status=Status.RESOLVED, to_status=Status.CLOSED,
                       is_public=True, created_at=now)
        for c in batch
    )
    prefetch_related_objects(batch, "category")  # the webhooks' payloads name it
    for complaint, event in zip(batch, events):
        _notify(complaint, event)
        _webhooks(complaint, event)
    return len(batch)


@transaction.atomic
def complaints_anonymise_expired(now: datetime.datetime | None = None, days: int | None = None) -> int:
    """PIPL retention: complaints closed or rejected more than `days` (PIPL_RETENTION_DAYS,
    default three years) ago lose everything that points at a person: the reporter's name,
    phone and e-mail, the place inside the complex, the coordinates, the media link and the
    photos (files and rows). The complaint itself (complex, category, dates, status, rating)
    stays for the figures. Idempotent; returns the number of complaints anonymised."""
    now = now or timezone.now()
    days = settings.PIPL_RETENTION_DAYS if days is None else days
    cutoff = now - datetime.timedelta(days=days)
    personal = (~Q(reporter_name="") | ~Q(reporter_phone="") | ~Q(reporter_email="") | ~Q(location_detail="")
                | Q(latitude__isnull=False) | ~Q(media_url="") | Q(attachments__isnull=False))
    expired = (Q(status=Status.CLOSED, closed_at__lt=cutoff) | Q(status=Status.REJECTED, rejected_at__lt=cutoff))
    holding = Complaint.objects.filter(expired).filter(personal).values("pk")  # a join: no FOR UPDATE here
    batch = _lock_batch(Complaint.objects.filter(pk__in=holding).order_by("pk"))
    if not batch:
        return 0
    ids = [c.pk for c in batch]
    for attachment in Attachment.objects.filter(complaint_id__in=ids):
        attachment.image.delete(save=False)
    Attachment.objects.filter(complaint_id__in=ids).delete()
    Complaint.objects.filter(pk__in=ids).update(
        reporter_name="", reporter_phone="", reporter_email="", location_detail="", latitude=None,
        longitude=None, media_url="", updated_at=now,
    )
    return len(ids)


# ---------------------------------------------------------------------------
# Reply templates that staff keep (complaints.models.ReplyTemplate)
# ---------------------------------------------------------------------------
def _validate_template(template) -> None:
    template.title = (template.title or "").strip()
    template.text = (template.text or "").strip()
    errors = {}
    if not template.title:
        errors["title"] = [_("Give the template a short title.")]
    if not template.text:
        errors["text"] = [_("Write the reply.")]
    if errors:
        raise ValidationError(errors)
    template.full_clean()


@transaction.atomic
def reply_template_create(*, actor, category, title: str, text: str, community=None, firm=None):
    """Keep a reply for `category`, owned by `community` or `firm` (exactly one). Raises
    ValidationError (title, text, category) and saves nothing when invalid."""
    from .models import ReplyTemplate

    template = ReplyTemplate(category=category, title=title, text=text, community=community, firm=firm)
    _validate_template(template)
    template._history_user = actor
    template.save()
    return template


@transaction.atomic
def reply_template_update(*, actor, template, category, title: str, text: str):
    """Change a kept reply (its owner stays). Raises ValidationError and saves nothing when invalid."""
    template.category, template.title, template.text = category, title, text
    _validate_template(template)
    template._history_user = actor
    template.save()
    return template


@transaction.atomic
def reply_template_delete(*, actor, template) -> None:
    template._history_user = actor
    template.delete()


# ---------------------------------------------------------------------------
# Referrals to departments (监管联动): one transition table, REFERRAL
# ---------------------------------------------------------------------------
from redproperty.workflow import Move, Workflow  # noqa: E402

from .models import (  # noqa: E402
    EXTERNAL_ID_PATTERN,
    Department,
    HotlineWorkOrder,
    Referral,
    ReferralAction,
    ReferralEvent,
    ReferralMatter,
    ReferralStatus,
)

REFERRAL = Workflow(
    model=Referral,
    event_model=ReferralEvent,
    parent_field="referral",
    actions_enum=ReferralAction,
    status_enum=ReferralStatus,
    moves={
        ReferralAction.ACKNOWLEDGE: Move((ReferralStatus.REFERRED,), ReferralStatus.ACKNOWLEDGED),
        ReferralAction.EXTEND: Move((ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED)),
        ReferralAction.REPLY: Move((ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED), ReferralStatus.REPLIED),
        ReferralAction.WITHDRAW: Move((ReferralStatus.REFERRED, ReferralStatus.ACKNOWLEDGED), ReferralStatus.WITHDRAWN),
    },
)
EXTENSION_MAX_DAYS = 90


def _referral_day(day, field: str, *, not_before=None, before_message=None) -> datetime.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("This date is in the future: enter the day it happened.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: before_message})
    return day


def _optional_text(value, field: str, max_length: int = NOTE_MAX) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": max_length}})
    return value


@transaction.atomic
def referral_open(*, actor, complaint: Complaint, department: Department, matter: str, summary: str,
                  referred_on: datetime.date | None = None, due_on: datetime.date | None = None,
                  note: str = "") -> Referral:
    """Refer an open complaint to a department (监管联动): what is referred, the matter, and the
    reply deadline (by default the department's reply time limit from the day of referral). The
    complaint's public timeline says where it went; the department is e-mailed through the
    outbox. Raises ValidationError and saves nothing on bad input or when the complaint is
    already with this department."""
    if complaint is None:
        raise ValidationError({"complaint": _("Choose the complaint to refer.")})
    if department is None or not department.is_active:
        raise ValidationError({"department": _("Choose a department that takes referrals.")})
    if matter not in ReferralMatter.values:
        raise ValidationError({"matter": _("Choose what kind of matter this is.")})
    summary = _required_text(summary, "summary", _("Say what the department is asked to take up."))
    note = _optional_text(note, "note")
    referred_on = _referral_day(referred_on or timezone.localdate(), "referred_on")
    due_on = due_on or referred_on + datetime.timedelta(days=department.reply_days)
    if due_on < referred_on:
        raise ValidationError({"due_on": _("The reply deadline cannot come before the referral.")})
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in OPEN_STATUSES:
        raise ValidationError({"complaint": _(
            "Only an open complaint is referred; this one is “%(status)s”.") % {"status": locked.get_status_display()}})
    if Referral.objects.open().filter(complaint=locked, department=department).exists():
        raise ValidationError({"department": _(
            "This complaint is already with this department: follow that referral up or withdraw it first.")})
    referral = Referral(complaint=locked, department=department, matter=matter, summary=summary,
                        referred_on=referred_on, due_on=due_on)
    referral.full_clean()
    REFERRAL.start(referral, action=ReferralAction.REFER, actor=actor, note=note)
    event = _event(locked, actor, Action.REFER, "", "", note=_(
        "Referred to %(department)s, which is to reply by %(date)s.") % {"department": department.name, "date": due_on})
    _notify(locked, event)
    return referral


@transaction.atomic
def referral_acknowledge(*, referral: Referral, actor, acknowledged_on: datetime.date,
                         department_reference: str = "", expected_status: str | None = None,
                         note: str = "") -> Referral:
    """The department has confirmed it received the referral (签收), with its own case number."""
    _referral_day(acknowledged_on, "acknowledged_on", not_before=referral.referred_on,
                  before_message=_("A department receives a referral after it was sent."))
    reference = _optional_text(department_reference, "department_reference", 50)
    return REFERRAL.run(referral, ReferralAction.ACKNOWLEDGE, actor=actor, expected_status=expected_status,
                        note=_optional_text(note, "note"),
                        changes={"acknowledged_on": acknowledged_on, "department_reference": reference})


@transaction.atomic
def referral_extend(*, referral: Referral, actor, due_on: datetime.date, reason: str,
                    expected_status: str | None = None) -> Referral:
    """The department was granted more time: a later reply deadline, with the reason."""
    reason = _required_text(reason, "reason", _("Say why the department gets more time."))

    def changes(locked):
        if due_on is None or due_on <= locked.due_on:
            raise ValidationError({"due_on": _("An extension moves the deadline later than %(date)s.") % {
                "date": locked.due_on}})
        if due_on > locked.referred_on + datetime.timedelta(days=EXTENSION_MAX_DAYS):
            raise ValidationError({"due_on": _("A reply is due within %(days)d days of the referral.") % {
                "days": EXTENSION_MAX_DAYS}})
        return {"due_on": due_on}

    return REFERRAL.run(referral, ReferralAction.EXTEND, actor=actor, expected_status=expected_status,
                        note=reason, changes=changes)


@transaction.atomic
def referral_reply(*, referral: Referral, actor, replied_on: datetime.date, reply: str,
                   expected_status: str | None = None) -> Referral:
    """Record the department's reply and its date; whether it came in time follows from the
    deadline. The reply goes on the complaint's public timeline (and so back to the 12345
    hotline, which reads it through the API)."""
    reply = _required_text(reply, "reply", _("Enter the department's reply."))
    _referral_day(replied_on, "replied_on", not_before=referral.referred_on,
                  before_message=_("A department replies after the referral was sent."))
    locked = REFERRAL.run(referral, ReferralAction.REPLY, actor=actor, expected_status=expected_status,
                          changes={"replied_on": replied_on, "reply": reply})
    event = _event(locked.complaint, actor, Action.DEPARTMENT_REPLY, "", "",
                   note=f"{locked.department.name}: {reply}")
    _notify(locked.complaint, event)
    return locked


@transaction.atomic
def referral_withdraw(*, referral: Referral, actor, reason: str, expected_status: str | None = None) -> Referral:
    """The community takes the referral back (sent to the wrong department, settled meanwhile)."""
    reason = _required_text(reason, "reason", _("Say why the referral is withdrawn."))
    return REFERRAL.run(referral, ReferralAction.WITHDRAW, actor=actor, expected_status=expected_status,
                        note=reason, changes={"withdraw_reason": reason})


@transaction.atomic
def referrals_sweep(*, today: datetime.date | None = None) -> int:
    """The daily sweep: flag referrals whose department has not replied by the deadline (an
    event and a notification each, once per deadline). Returns how many."""
    return REFERRAL.sweep_overdue(today=today)


def referral_figures(queryset, *, today: datetime.date | None = None) -> list[dict]:
    """Referrals by department: referred, open, overdue (open past the deadline), replied and
    replied in time, from the given (scoped) queryset. One query."""
    from django.db.models import Count

    today = today or timezone.localdate()
    open_q = Q(status__in=Referral.OPEN_STATUSES)
    rows = (queryset.order_by().values("department_id", "department__name", "department__kind")
            .annotate(referred=Count("id", filter=~Q(status=ReferralStatus.WITHDRAWN)),
                      open=Count("id", filter=open_q),
                      overdue=Count("id", filter=open_q & Q(due_on__lt=today)),
                      replied=Count("id", filter=Q(status=ReferralStatus.REPLIED)),
                      replied_in_time=Count("id", filter=Q(status=ReferralStatus.REPLIED, replied_on__lte=F("due_on"))))
            .order_by("department__kind", "department__name"))
    return [{"department": r["department_id"], "department_name": r["department__name"],
             "kind": r["department__kind"], "referred": r["referred"], "open": r["open"], "overdue": r["overdue"],
             "replied": r["replied"], "replied_in_time": r["replied_in_time"],
             "in_time_rate": round(r["replied_in_time"] / r["replied"], 4) if r["replied"] else None}
            for r in rows]


# ---------------------------------------------------------------------------
# 12345 hotline work orders
# ---------------------------------------------------------------------------
def hotline_work_order_receive(*, actor, external_id: str, complex, category, description: str,
                               location_detail: str = "", reporter_name: str = "", reporter_phone: str = "",
                               is_anonymous: bool = False) -> tuple[HotlineWorkOrder, bool]:
    """Receive a work order of the 12345 hotline: a complaint of channel 12345, routed and timed
    like any other, and the work order carrying the hotline's number. Idempotent on that number:
    the same work order sent again returns the first (created False) and changes nothing. A
    number already received in a jurisdiction the caller cannot see is refused
    (TransitionError, the API's 409), never shown."""
    import re

    external_id = (external_id or "").strip()
    if not re.fullmatch(EXTERNAL_ID_PATTERN, external_id):
        raise ValidationError({"external_id": _(
            "Give the work order number: 1 to 64 letters, digits, dots, dashes or underscores.")})

    def existing():
        order = HotlineWorkOrder.objects.filter(external_id=external_id).select_related("complaint").first()
        if order is None:
            return None
        if not HotlineWorkOrder.objects.visible_to(actor).filter(pk=order.pk).exists():
            raise TransitionError(_("A work order with this number has already been received."), code="duplicate")
        return order

    with transaction.atomic():
        order = existing()
        if order is not None:
            return order, False
        try:
            with transaction.atomic():  # a savepoint: a concurrent copy of the same order wins, ours is undone
                complaint = complaint_submit(
                    complex=complex, category=category, description=description, channel=Channel.HOTLINE,
                    location_detail=location_detail, reporter_name=reporter_name, reporter_phone=reporter_phone,
                    is_anonymous=is_anonymous, actor=actor)
                order = HotlineWorkOrder.objects.create(
                    external_id=external_id, complaint=complaint,
                    received_by=actor if getattr(actor, "pk", None) else None)
        except IntegrityError:
            order = existing()
            if order is None:
                raise
            return order, False
        return order, True
