"""The platform's URLs plus the floor of issue 13: a bare DRF view with the same API-key
authentication, returning 20 complexes from one values() query, served by the same server."""
from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from communities.models import ResidentialComplex
from integrations.authentication import ApiKeyAuthentication
from redproperty.urls import urlpatterns as platform


class Floor(APIView):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response(list(ResidentialComplex.objects.order_by("pk").values("id", "name", "community_id", "households")[:20]))


urlpatterns = [path("bench/floor/", Floor.as_view()), *platform]
