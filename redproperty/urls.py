"""Root URLs: the four doors (admin and dashboard, workbench, portal, API)."""
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from complaints.views import photo
from redproperty import api



class FaviconView(RedirectView):
    """/favicon.ico, which browsers ask for on every door, to the static icon (its hashed name
    changes with each release, so the redirect is temporary)."""

    def get_redirect_url(self, *args, **kwargs):
        return static_url("favicon.ico")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("workbench/", include("redproperty.workbench.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("portal/results/", include("dashboard.public_urls")),
    path("portal/", include("complaints.portal.urls")),
    path("api/", include(api.get_urls())),
    path("open311/v2/", include("complaints.open311.urls")),
    # Complaint photos are personal data: served only through the scoping rule, never /media/.
    path("photos/<int:pk>/", photo, name="photo"),
]

# Errors in each door's own shape (JSON under /api/, the spec's list under /open311/).
handler400 = "redproperty.errors.bad_request"
handler403 = "redproperty.errors.permission_denied"
handler404 = "redproperty.errors.page_not_found"
handler500 = "redproperty.errors.server_error"
