"""Open311 GeoReport v2: every resource in .json and .xml."""
from django.urls import re_path

from . import views

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.service_list, name="services"),
    re_path(r"^services/(?P<service_code>[-\w]+)" + FMT, views.service_definition, name="service-definition"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<service_request_id>[-\w]+)" + FMT, views.request_detail, name="request"),
    # Anything else (services.csv, a typo): the spec's error list, never an HTML page.
    re_path(r"^(?P<rest>.*)$", views.unknown_resource, name="unknown"),
]
