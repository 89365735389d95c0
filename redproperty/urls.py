"""Root URLs: the four doors (admin and dashboard, workbench, portal, API)."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from redproperty import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("workbench/", include("redproperty.workbench.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("portal/results/", include("dashboard.public_urls")),
    path("portal/", include("complaints.portal.urls")),
    path("api/", include(api.get_urls())),
    path("open311/v2/", include("complaints.open311.urls")),
]

# Errors in each door's own shape (JSON under /api/, the spec's list under /open311/).
handler400 = "redproperty.errors.bad_request"
handler403 = "redproperty.errors.permission_denied"
handler404 = "redproperty.errors.page_not_found"
handler500 = "redproperty.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
