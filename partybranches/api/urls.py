from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party-organizations", views.PartyOrganizationViewSet)
router.register("cross-appointments", views.CrossAppointmentViewSet)
router.register("joint-meetings", views.JointMeetingViewSet)
router.register("meeting-resolutions", views.MeetingResolutionViewSet)
router.register("red-property-projects", views.RedPropertyProjectViewSet)
router.register("service-stations", views.ServiceStationViewSet)
router.register("project-applications", views.ProjectApplicationViewSet)
router.register("fundings", views.FundingViewSet)
router.register("trainings", views.TrainingViewSet)

urlpatterns = router.urls
