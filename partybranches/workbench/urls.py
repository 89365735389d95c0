"""The party-side pages of /workbench/: joint meetings, resolutions, agenda items, cross-appointments."""
from django.urls import path

from . import applications, views

app_name = "partybranches"

urlpatterns = [
    # Red-project applications (申报; the district's review is in the admin)
    path("applications/", applications.ApplicationListView.as_view(), name="application_list"),
    path("applications/new/", applications.ApplicationNewView.as_view(), name="application_new"),
    path("applications/<int:pk>/", applications.ApplicationDetailView.as_view(), name="application_detail"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", views.MeetingCreateView.as_view(), name="meeting_new"),
    path("meetings/new/resolution-row/", views.ResolutionRowView.as_view(), name="resolution_row"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/print/", views.MeetingPrintView.as_view(), name="meeting_print"),
    path("resolutions/", views.ResolutionListView.as_view(), name="resolution_list"),
    path("resolutions/<int:pk>/follow-up/", views.FollowUpView.as_view(), name="follow_up"),
    path("agenda/", views.AgendaListView.as_view(), name="agenda_list"),
    path("appointments/", views.AppointmentListView.as_view(), name="appointment_list"),
    path("appointments/new/", views.AppointmentCreateView.as_view(), name="appointment_new"),
    path("appointments/<int:pk>/end/", views.AppointmentEndView.as_view(), name="appointment_end"),
]
