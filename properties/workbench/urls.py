"""The evidence pages of /workbench/: inspections, fees, surveys, contracts."""
from django.urls import path

from . import exits, views

app_name = "properties"

urlpatterns = [
    path("inspections/", views.InspectionListView.as_view(), name="inspection_list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection_new"),
    path("fees/", views.FeesView.as_view(), name="fees"),
    path("surveys/", views.SurveyListView.as_view(), name="survey_list"),
    path("surveys/new/", views.SurveyCreateView.as_view(), name="survey_new"),
    path("contracts/", views.ContractListView.as_view(), name="contract_list"),
    # Firm exit and replacement: the community's steps (properties/workbench/exits.py)
    path("exits/", exits.ExitListView.as_view(), name="exit_list"),
    path("exits/<int:pk>/", exits.ExitDetailView.as_view(), name="exit_detail"),
    path("exits/<int:pk>/step/<str:action>/", exits.ExitStepView.as_view(), name="exit_step"),
]
