from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("districts", views.DistrictViewSet)
router.register("subdistricts", views.SubdistrictViewSet)
router.register("communities", views.CommunityViewSet)
router.register("residential-complexes", views.ResidentialComplexViewSet)
router.register("owners-committees", views.OwnersCommitteeViewSet)
router.register("owners-committee-members", views.OwnersCommitteeMemberViewSet)
router.register("committee-elections", views.CommitteeElectionViewSet)
router.register("mediation-cases", views.MediationCaseViewSet)

urlpatterns = router.urls
