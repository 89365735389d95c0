"""The API door of every governance workflow (redproperty/workflow.py).

A `WorkflowViewSet` lists and shows the records of your jurisdiction (404 outside it), opens
one with POST (through the opening service) and makes each move with POST
`/<records>/<id>/<move>/`, a JSON body validated by the move's input serializer and passed to
its service. A move not allowed from the record's status, or based on an `expected_status`
that is stale, is a 409 and changes nothing; bad input is a 400 with field errors. Moves need
the model's change permission, opening its add permission.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from .api import Conflict, ErrorSerializer, ScopedViewSetMixin
from .workflow import TransitionError

CHANGE = ["%(app_label)s.change_%(model_name)s"]


def step_responses(record_serializer):
    return {200: record_serializer, 409: ErrorSerializer}


class StepSerializer(serializers.Serializer):
    """Every move's input: the status the caller saw."""

    expected_status = serializers.CharField(
        required=False, max_length=30,
        help_text=_("The status you saw; if it has changed since, the answer is 409 and nothing changes."),
    )


class WorkflowRecordSerializer(serializers.ModelSerializer):
    """Base of a workflow record's representation: adds the moves allowed from its status."""

    allowed_actions = serializers.SerializerMethodField(help_text=_("Moves possible from the current status."))
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Past the current step's deadline."))

    workflow = None  # set by subclasses

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, obj):
        return [str(action).replace("_", "-") for action in self.workflow.allowed_actions(obj)]


def events_serializer(event_model):
    class EventSerializer(serializers.ModelSerializer):
        from_status = serializers.CharField(read_only=True)
        to_status = serializers.CharField(read_only=True)

        class Meta:
            model = event_model
            fields = ["id", "action", "from_status", "to_status", "note", "created_at"]
            read_only_fields = fields

    EventSerializer.__name__ = f"{event_model.__name__}Serializer"
    return EventSerializer


class WorkflowViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Subclasses set queryset (Model.objects.none()), serializer_class, open_serializer_class,
    open_service and their moves as @action methods calling `self.step(...)`. Bodies are JSON
    (the project's hardened parser, settings.DEFAULT_PARSER_CLASSES)."""

    open_serializer_class = None
    open_service = None  # staticmethod(<app>.services.<record>_open)
    record_kwarg = "record"  # the service's keyword for the record

    def _answer(self, record, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=record.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def create(self, request, *args, **kwargs):
        data = self._input(self.open_serializer_class)
        record = self.open_service(actor=request.user, **data)
        return self._answer(record, status.HTTP_201_CREATED)

    def step(self, serializer_class, service):
        """Validate the move's input, call its service on the record (404 if out of scope), answer
        the record."""
        self.request.data  # parse the body first: a malformed one is a 400 whichever the record
        record = self.get_object()
        data = self._input(serializer_class)
        try:
            record = service(**{self.record_kwarg: record}, actor=self.request.user, **data)
        except TransitionError as exc:
            raise Conflict(exc.messages[0]) from None
        return self._answer(record)
