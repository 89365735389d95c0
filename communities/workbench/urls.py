"""The owners' committee pages of /workbench/."""
from django.urls import path

from . import elections, mediation, views

app_name = "communities"

urlpatterns = [
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", views.CommitteeFormView.as_view(mode="new"), name="committee_new"),
    path("committees/<int:pk>/", views.CommitteeFormView.as_view(mode="edit"), name="committee_edit"),
    path("committees/<int:pk>/renew/", views.CommitteeFormView.as_view(mode="renew"), name="committee_renew"),
    # Mediation of disputes (communities/workbench/mediation.py)
    path("mediation/", mediation.MediationListView.as_view(), name="mediation_list"),
    path("mediation/new/", mediation.MediationOpenView.as_view(), name="mediation_new"),
    path("mediation/<int:pk>/", mediation.MediationDetailView.as_view(), name="mediation_detail"),
    path("mediation/<int:pk>/step/<str:action>/", mediation.MediationStepView.as_view(), name="mediation_step"),
    # Owners' committee formation and re-election (communities/workbench/elections.py)
    path("elections/", elections.ElectionListView.as_view(), name="election_list"),
    path("elections/new/", elections.ElectionOpenView.as_view(), name="election_new"),
    path("elections/<int:pk>/", elections.ElectionDetailView.as_view(), name="election_detail"),
    path("elections/<int:pk>/step/<str:action>/", elections.ElectionStepView.as_view(), name="election_step"),
]
