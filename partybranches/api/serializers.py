"""Serializers of the partybranches/ API."""
from rest_framework import serializers

from redproperty.api import ScopedModelSerializer

from ..models import CrossAppointment, JointMeeting, MeetingResolution, PartyOrganization, RedPropertyProject
from ..models import ServiceStation


class PartyOrganizationSerializer(ScopedModelSerializer):
    class Meta:
        model = PartyOrganization
        fields = [
            "id", "name", "kind", "parent", "district", "community", "firm", "complexes", "secretary",
            "member_count", "established_on", "created_at", "updated_at",
        ]


class CrossAppointmentSerializer(ScopedModelSerializer):
    class Meta:
        model = CrossAppointment
        fields = [
            "id", "person_name", "is_party_member", "direction", "party_organization", "complex", "firm",
            "owners_committee", "home_post", "appointed_post", "start_date", "end_date", "created_at", "updated_at",
        ]


class NestedResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingResolution
        fields = ["id", "text", "responsible_side", "due_on", "status", "follow_up", "completed_on"]
        read_only_fields = fields


class JointMeetingSerializer(ScopedModelSerializer):
    resolutions = NestedResolutionSerializer(many=True, read_only=True)

    class Meta:
        model = JointMeeting
        fields = [
            "id", "convened_by", "community", "complexes", "held_on", "title", "topics", "minutes",
            "attending_firms", "attendees_party", "attendees_residents_committee", "attendees_owners_committee",
            "attendees_firm", "attendees_residents", "cited_complaints", "resolutions", "created_at", "updated_at",
        ]


class MeetingResolutionSerializer(ScopedModelSerializer):
    class Meta:
        model = MeetingResolution
        fields = [
            "id", "meeting", "text", "responsible_side", "due_on", "status", "follow_up", "completed_on",
            "created_at", "updated_at",
        ]


class RedPropertyProjectSerializer(ScopedModelSerializer):
    class Meta:
        model = RedPropertyProject
        fields = ["id", "name", "level", "year_designated", "community", "complex", "description", "created_at", "updated_at"]


class ServiceStationSerializer(ScopedModelSerializer):
    class Meta:
        model = ServiceStation
        fields = [
            "id", "name", "kind", "district", "complex", "address", "opened_on", "services", "created_at", "updated_at",
        ]
