"""The complaint pages of /workbench/."""
from django.urls import path

from . import referrals, views

app_name = "complaints"

urlpatterns = [
    # Referrals to departments (监管联动)
    path("referrals/", referrals.ReferralListView.as_view(), name="referral_list"),
    path("referrals/new/", referrals.ReferralNewView.as_view(), name="referral_new"),
    path("referrals/<int:pk>/", referrals.ReferralDetailView.as_view(), name="referral_detail"),
    path("referrals/<int:pk>/<str:action>/", referrals.ReferralStepView.as_view(), name="referral_step"),
    path("complaints/", views.ComplaintQueueView.as_view(), name="list"),
    path("complaints/new/", views.IntakeView.as_view(), name="new"),
    path("complaints/accept/", views.BulkAcceptView.as_view(), name="bulk_accept"),
    path("complaints/autocomplete/", views.AutocompleteView.as_view(), name="autocomplete"),
    path("complaints/<int:pk>/", views.ComplaintDetailView.as_view(), name="detail"),
    path("complaints/<int:pk>/reveal-phone/", views.RevealPhoneView.as_view(), name="reveal_phone"),
    path("complaints/<int:pk>/<str:action>/", views.ComplaintTransitionView.as_view(), name="transition"),
    path("complaints/replies/", views.ReplyTemplateListView.as_view(), name="reply_list"),
    path("complaints/replies/new/", views.ReplyTemplateCreateView.as_view(), name="reply_new"),
    path("complaints/replies/<int:pk>/", views.ReplyTemplateEditView.as_view(), name="reply_edit"),
    path("complaints/replies/<int:pk>/delete/", views.ReplyTemplateDeleteView.as_view(), name="reply_delete"),
]
