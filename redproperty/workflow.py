"""What every governance workflow shares (DESIGN.md: "Each workflow has one transition table in
its app's services, like the complaint lifecycle").

A workflow is a model with a `status`, a step deadline `due_on` and an `overdue_since` stamp
(`WorkflowRecord`), an event model with a foreign key to it (`WorkflowEvent`), and one
`Workflow` object in the app's services module, built from its transition table:

    ELECTION = Workflow(
        model=CommitteeElection, event_model=CommitteeElectionEvent, parent_field="election",
        moves={
            ElectionAction.CONVENE: Move((ElectionStatus.PREPARING, ElectionStatus.FAILED), ElectionStatus.CONVENED),
            ...
        },
    )

`ELECTION.run(election, ElectionAction.CONVENE, actor=..., changes=...)` is the one path of every
move. Inside the caller's `transaction.atomic` it locks the row, refuses a move based on a stale
status or not allowed from the current one with `TransitionError` (nothing is changed), runs the
move's own check, applies the changes and the target status, saves (django-simple-history keeps
the version, with the actor), writes the event and queues the notification through the task
outbox (redproperty/outbox.py), which sends it after commit. A new step deadline clears the
overdue stamp; `sweep_overdue()` (Celery beat) stamps and notifies records past their deadline,
once per deadline.

This module imports no app: the apps import it.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import outbox

OVERDUE = "overdue"  # the action of an event written by the deadline sweep


class TransitionError(ValidationError):
    """A move that is not allowed from the record's current status, or that was based on a status
    that has changed since (stale). Nothing was changed. The API answers 409."""

    def __init__(self, message, code="transition"):
        super().__init__(message, code=code)


# ---------------------------------------------------------------------------
# Model bases
# ---------------------------------------------------------------------------
class WorkflowRecord(models.Model):
    """Fields every workflow record has besides its status: the current step's deadline and the
    day the sweep found it past that deadline. Subclasses set OPEN_STATUSES (the statuses in
    which a deadline runs)."""

    OPEN_STATUSES: tuple = ()

    due_on = models.DateField(
        gettext_lazy("current step due on"), null=True, blank=True,
        help_text=gettext_lazy("Set by each step; the daily sweep flags records past it."),
    )
    overdue_since = models.DateField(gettext_lazy("overdue since"), null=True, blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), default=timezone.now)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_overdue(self) -> bool:
        return self.overdue_since is not None

    def notify_scope(self) -> dict:
        """Whose staff hear of this record's events: a dict of `community_ids`, `subdistrict_ids`,
        `district_ids`, `firm_ids` (lists) and `emails` (extra addresses). Override."""
        return {}


class WorkflowEvent(models.Model):
    """One step of a workflow record: who, which move, from which status to which, a note.
    Subclasses add the foreign key to their record and give `action` its choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="%(app_label)s_%(class)s_set", verbose_name=gettext_lazy("actor"),
    )
    action = models.CharField(gettext_lazy("action"), max_length=30)
    from_status = models.CharField(gettext_lazy("from status"), max_length=30, blank=True)
    to_status = models.CharField(gettext_lazy("to status"), max_length=30, blank=True)
    note = models.TextField(gettext_lazy("note"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("time"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def record(self):
        return getattr(self, self.record_field)

    record_field = ""  # the name of the foreign key to the record; set by subclasses


# ---------------------------------------------------------------------------
# The transition table and the one path of every move
# ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Move:
    """One row of a transition table: the statuses a move may start from and the status it
    leads to. `target` None: the status does not change (e.g. recording a session); a tuple:
    the move's outcome decides among those (e.g. a vote: elected or failed), and the move's
    changes set `status` to one of them."""

    sources: tuple
    target: str | tuple | None = None


class Workflow:
    def __init__(self, *, model, event_model, parent_field: str, moves: dict, actions_enum, status_enum,
                 notify: bool = True):
        self.model = model
        self.event_model = event_model
        self.parent_field = parent_field
        self.moves = moves
        self.open_statuses = tuple(model.OPEN_STATUSES)
        self.actions = actions_enum
        self.statuses = status_enum
        self.notify = notify

    # -- reading -----------------------------------------------------------------
    def allowed_actions(self, record) -> list[str]:
        """The moves legal from the record's current status, in table order (for buttons and the API)."""
        return [action for action, move in self.moves.items() if record.status in move.sources]

    def label(self, action) -> str:
        return str(self.actions(action).label)

    def status_label(self, status) -> str:
        return str(self.statuses(status).label) if status else ""

    # -- writing ------------------------------------------------------------------
    def start(self, record, *, action, actor, note: str = ""):
        """Save a new record (already validated by the caller) in its first status, with its
        first event and notification. Runs inside the caller's transaction."""
        set_history_user(record, actor)
        record.save()
        self._event(record, actor=actor, action=action, from_status="", to_status=record.status, note=note)
        return record

    def run(self, record, action, *, actor, expected_status: str | None = None, note: str = "",
            changes: dict | Callable | None = None, check: Callable | None = None):
        """Make one move on `record` (see the module docstring). `changes` is a dict of fields or
        a callable taking the locked record and returning one; `check(locked)` may raise
        ValidationError. Returns the locked, updated record; the changed fields are copied onto
        the instance passed in."""
        move = self.moves[action]
        expected = expected_status or record.status
        locked = self.model.objects.select_for_update().get(pk=record.pk)
        if expected and locked.status != expected:
            raise TransitionError(
                _("This record changed in the meantime (it is now “%(status)s”). Reload it and try again.")
                % {"status": self.status_label(locked.status)},
                code="stale",
            )
        if locked.status not in move.sources:
            raise TransitionError(
                _("“%(action)s” is not possible while the status is “%(status)s”.")
                % {"action": self.label(action), "status": self.status_label(locked.status)}
            )
        if check is not None:
            check(locked)
        from_status = locked.status
        fields = changes(locked) if callable(changes) else dict(changes or {})
        if isinstance(move.target, tuple):
            if fields.get("status") not in move.target:
                raise ValueError(f"{action} must lead to one of {move.target}, not {fields.get('status')!r}")
        elif move.target is not None:
            fields["status"] = move.target
        if "due_on" in fields and fields["due_on"] != locked.due_on:
            fields["overdue_since"] = None  # a new deadline: not overdue until the sweep says so
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean(exclude=self._unchecked_fields(locked), validate_unique=False)
        set_history_user(locked, actor)
        locked.save(update_fields=[*fields, "updated_at"])
        self._event(locked, actor=actor, action=action, from_status=from_status, to_status=locked.status, note=note)
        for name in [*fields, "updated_at"]:
            setattr(record, name, getattr(locked, name))
        return locked

    def _unchecked_fields(self, record) -> list[str]:
        # Constraints run on save; field validation here catches a bad value in `changes` with
        # a message. Related rows are validated by the services that pick them.
        return [f.name for f in record._meta.fields if f.is_relation]

    def _event(self, record, *, actor, action, from_status, to_status, note=""):
        event = self.event_model.objects.create(
            **{self.parent_field: record},
            actor=actor if getattr(actor, "pk", None) else None,
            action=action, from_status=from_status, to_status=to_status, note=(note or "").strip(),
        )
        if self.notify:
            outbox.enqueue("redproperty.notify_workflow_event", event=self.event_model._meta.label, event_id=event.pk)
        return event

    # -- the daily deadline sweep -------------------------------------------------
    def sweep_overdue(self, *, today: datetime.date | None = None) -> int:
        """Stamp `overdue_since` on open records past their step deadline that were not stamped
        yet, with an event and a notification each. Rows a move holds right now are skipped (the
        next sweep gets them). Returns how many were stamped. Call inside a transaction."""
        today = today or timezone.localdate()
        batch = list(
            self.model.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=self.open_statuses, due_on__lt=today, overdue_since__isnull=True)
            .order_by("pk")
        )
        if not batch:
            return 0
        self.model.objects.filter(pk__in=[r.pk for r in batch]).update(overdue_since=today)
        events = self.event_model.objects.bulk_create(
            self.event_model(**{self.parent_field: r}, action=OVERDUE, from_status=r.status, to_status=r.status,
                             note=_("Due on %(date)s.") % {"date": r.due_on})
            for r in batch
        )
        if self.notify:
            for event in events:
                outbox.enqueue("redproperty.notify_workflow_event", event=self.event_model._meta.label,
                               event_id=event.pk)
        return len(batch)


def set_history_user(record, actor) -> None:
    if getattr(actor, "pk", None):
        record._history_user = actor


# ---------------------------------------------------------------------------
# Notifications: an email to the staff of the places and firms concerned
# ---------------------------------------------------------------------------
def staff_emails(*, community_ids=(), subdistrict_ids=(), district_ids=(), firm_ids=()) -> list[str]:
    """Addresses of active staff users whose jurisdiction is one of the given communities,
    subdistricts, districts or firms. One query."""
    q = Q()
    for role, ids in (("community", community_ids), ("subdistrict", subdistrict_ids),
                      ("district", district_ids), ("firm", firm_ids)):
        ids = [i for i in ids if i]
        if ids:
            q |= Q(staff_profile__role=role, **{f"staff_profile__{role}_id__in": ids})
    if not q:
        return []
    users = get_user_model().objects.filter(q, is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def event_notify(event) -> list[str]:
    """Email one workflow event to the staff its record names (`notify_scope()`). Returns the
    addresses written to; nothing is sent when there are none."""
    record = event.record
    scope = dict(record.notify_scope())
    extra = list(scope.pop("emails", []))
    recipients = sorted(set(staff_emails(**scope) + [e for e in extra if e]))
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(record)s: %(action)s") % {"record": record, "action": event.get_action_display()}
        lines = [subject, ""]
        if event.to_status:
            status = dict(record._meta.get_field("status").flatchoices).get(event.to_status, event.to_status)
            lines.append(_("Status: %(status)s") % {"status": status})
        if event.note:
            lines.append(event.note)
        if record.due_on and record.status in record.OPEN_STATUSES:
            lines.append(_("Next step due on %(date)s.") % {"date": record.due_on})
        lines.append(_("The record and its history are in the admin."))
        EmailMessage(subject=subject[:200], body="\n".join(str(line) for line in lines),
                     from_email=settings.DEFAULT_FROM_EMAIL, to=recipients).send()
    return recipients
