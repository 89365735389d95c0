from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("property-firms", views.PropertyFirmViewSet)
router.register("service-contracts", views.ServiceContractViewSet)
router.register("fee-collections", views.FeeCollectionViewSet)
router.register("inspections", views.InspectionViewSet)
router.register("satisfaction-surveys", views.SatisfactionSurveyViewSet)
router.register("credit-events", views.CreditEventViewSet)

urlpatterns = router.urls
