"""/dashboard/: district → subdistrict → community → complex, firms and report cards, Excel."""
from django.urls import path

from . import governance, views

app_name = "dashboard"

urlpatterns = [
    path("", views.PlaceView.as_view(), name="home"),
    path("subdistricts/<int:pk>/", views.SubdistrictView.as_view(), name="subdistrict"),
    path("communities/<int:pk>/", views.CommunityView.as_view(), name="community"),
    path("complexes/<int:pk>/", views.ComplexView.as_view(), name="complex"),
    path("rates/", views.RatesView.as_view(), name="rates"),
    path("firms/", views.FirmListView.as_view(), name="firms"),
    path("firms/<int:pk>/", views.FirmView.as_view(), name="firm"),
    path("firms/<int:pk>/report/<str:period>/", views.ReportCardView.as_view(), name="report_card"),
    path("firms/<int:pk>/report/<str:period>/pdf/", views.ReportCardPdfView.as_view(), name="report_card_pdf"),
    path("complaints/", views.ComplaintsView.as_view(), name="complaints"),
    path("exports/", views.ExportsView.as_view(), name="exports"),
    path("export/<slug:name>/", views.ExportView.as_view(), name="export"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export_job"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export_download"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.xlsx", views.ImportTemplateView.as_view(), name="import_template"),
    # Governance workflows (dashboard/governance.py)
    path("unattended/", governance.UnattendedView.as_view(), name="unattended"),
    path("referrals/", governance.ReferralFiguresView.as_view(), name="referrals"),
    path("applications/", governance.ApplicationFiguresView.as_view(), name="applications"),
    path("resources/", governance.ResourcesView.as_view(), name="resources"),
]
