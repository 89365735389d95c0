from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("property-firms", views.PropertyFirmViewSet)
router.register("service-contracts", views.ServiceContractViewSet)
router.register("fee-collections", views.FeeCollectionViewSet)
router.register("inspections", views.InspectionViewSet)
router.register("satisfaction-surveys", views.SatisfactionSurveyViewSet)
router.register("credit-events", views.CreditEventViewSet)
router.register("evaluation-schemes", views.EvaluationSchemeViewSet)
router.register("firm-evaluations", views.FirmEvaluationViewSet)
router.register("evaluation-consequences", views.EvaluationConsequenceViewSet)
router.register("contract-exits", views.ContractExitViewSet)
router.register("unattended-complexes", views.UnattendedComplexViewSet, basename="unattended-complex")

urlpatterns = router.urls
