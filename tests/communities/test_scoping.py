"""The one jurisdiction rule, on the models themselves."""
import pytest

from communities.models import Community, District, ResidentialComplex, Subdistrict
from properties.models import PropertyFirm, ServiceContract

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(str(o) for o in qs)


def test_community_worker_sees_only_own_community(world, shuguang_worker):
    assert names(ResidentialComplex.objects.visible_to(shuguang_worker)) == ["曙光东苑", "曙光小区"]
    assert names(Community.objects.visible_to(shuguang_worker)) == ["曙光社区"]
    assert names(Subdistrict.objects.visible_to(shuguang_worker)) == ["太和街道"]
    assert names(District.objects.visible_to(shuguang_worker)) == ["官渡区"]


def test_subdistrict_staff_see_their_subdistrict(world, taihe_officer):
    assert names(Community.objects.visible_to(taihe_officer)) == ["曙光社区"]
    assert "和乐居" not in names(ResidentialComplex.objects.visible_to(taihe_officer))


def test_district_staff_see_the_district(world, district_officer):
    assert ResidentialComplex.objects.visible_to(district_officer).count() == 3
    assert PropertyFirm.objects.visible_to(district_officer).count() == 2


def test_firm_staff_see_what_their_firm_serves(world, juhe_firm_staff):
    assert names(ResidentialComplex.objects.visible_to(juhe_firm_staff)) == ["曙光东苑"]
    assert names(PropertyFirm.objects.visible_to(juhe_firm_staff)) == ["巨和物业"]
    assert list(ServiceContract.objects.visible_to(juhe_firm_staff)) == [world.juhe_contract]


def test_no_profile_sees_nothing(world, outsider):
    assert not ResidentialComplex.objects.visible_to(outsider).exists()
    assert not District.objects.visible_to(None).exists()


def test_superuser_sees_all(world, superuser):
    assert ResidentialComplex.objects.visible_to(superuser).count() == 3
