from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("categories", views.CategoryViewSet)
router.register("complaints", views.ComplaintViewSet)
router.register("complaint-events", views.ComplaintEventViewSet)
router.register("departments", views.DepartmentViewSet)
router.register("referrals", views.ReferralViewSet)
router.register("hotline-work-orders", views.HotlineWorkOrderViewSet)

urlpatterns = [
    path("public/complaints/", views.PublicComplaintCreateView.as_view(), name="public-complaint-create"),
    path("public/complaints/<str:tracking_code>/", views.PublicComplaintTrackView.as_view(),
         name="public-complaint-track"),
    *router.urls,
]
