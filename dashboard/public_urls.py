"""/portal/results/: the dashboard's published figures on the residents' portal."""
from django.urls import path

from . import views

app_name = "published"

urlpatterns = [
    path("", views.PublishedResultsView.as_view(), name="results"),
]
