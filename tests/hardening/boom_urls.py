"""The real URL configuration plus views that fail, to see how each door answers a server error."""
from django.urls import path

from redproperty.urls import handler400, handler403, handler404, handler500, urlpatterns as real  # noqa: F401


def boom(request, *args, **kwargs):
    raise RuntimeError("an unexpected failure")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("open311/v2/boom.xml", boom),
    path("open311/v2/boom.json", boom),
    path("portal/boom/", boom),
    *real,
]
