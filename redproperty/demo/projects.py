"""Red property projects (13 district-level, 6 city-level) and party-mass service centres
(the district property-industry centre and 11 complex stations), named after the article
where it names them."""
from __future__ import annotations

import datetime

from partybranches.models import ProjectLevel, RedPropertyProject, ServiceStation, StationKind

DISTRICT_PROJECTS = 13
COMPLEX_STATIONS = 11

# (name, level, year, complex, description)
NAMED_PROJECTS = [
    ("曙光社区“U循环”红色物业", ProjectLevel.CITY, 2018, "曙光小区", "四员红色网格；一承诺两评议三满意四联动；爱心超市、爱心食堂。"),
    ("和平路社区和乐居“红色楼院共同体”", ProjectLevel.CITY, 2018, "和乐居", "红邻党支部、院落自治委员会、“三三”联席会议、院落公章。"),
    ("百大城市理想“三位一体”党建联建", ProjectLevel.CITY, 2019, "百大城市理想", "社区党组织、物业企业党组织、业委会三位一体。"),
    ("世纪城“三员进苑区”网格工作机制", ProjectLevel.CITY, 2020, "世纪城", "社区党员+物业党员+工作人员进苑区。"),
    ("银海樱花语“小樱花”红色管家", ProjectLevel.CITY, 2020, "银海樱花语", "每名红管家与10户居民结对。"),
    ("幸福邻里“红旗广场”", ProjectLevel.CITY, 2019, "幸福邻里", "住房保障局、社区、巨和物业党支部、租户党小组共建。"),
    ("东华路社区“先锋管家”服务中心", ProjectLevel.DISTRICT, 2019, "东华小区", "一核多维立体式自治，七项制度。"),
]

# (name, complex, services)
NAMED_STATIONS = [
    ("曙光小区红色物业党群活动服务驿站", "曙光小区", "党群活动、医疗健康、爱心食堂、社会事务"),
    ("百大城市理想物业党群活动服务驿站", "百大城市理想", "社区服务下沉、物业议事"),
    ("百大城市理想小区业主党群活动驿站", "百大城市理想", "社区医疗、法律援助、书法绘画"),
    ("幸福邻里党群活动服务驿站“红旗广场”", "幸福邻里", "协商民主室、党员活动室、居家养老"),
    ("世纪城物业党群服务驿站", "世纪城", "品质观察员—业主交流会"),
    ("银海樱花语红管家驿站", "银海樱花语", "红管家志愿服务"),
]


def build(ctx):
    rng = ctx.rng
    projects = [
        RedPropertyProject(
            name=name, level=level, year_designated=year, complex=ctx.complex_by_name[where],
            community=ctx.complex_by_name[where].community, description=description,
        )
        for name, level, year, where, description in NAMED_PROJECTS
    ]
    named = {p.complex.name for p in projects}
    district_level = sum(1 for p in projects if p.level == ProjectLevel.DISTRICT)
    showcase = [c for c in ctx.complexes if c.id in ctx.contracts and c.name not in named]
    for complex_ in rng.sample(showcase, DISTRICT_PROJECTS - district_level):
        projects.append(
            RedPropertyProject(
                name=f"{complex_.name}红色物业示范小区", level=ProjectLevel.DISTRICT,
                year_designated=rng.randint(2019, 2025), community=complex_.community, complex=complex_,
            )
        )
    RedPropertyProject.objects.bulk_create(projects)

    stations = [
        ServiceStation(
            name="官渡区物业行业党群服务中心", kind=StationKind.DISTRICT_CENTRE, district=ctx.district,
            address="昆明市官渡区关上街道", opened_on=datetime.date(2019, 10, 1), services="物业行业党员教育、从业人员培训、矛盾调处",
        )
    ]
    stations += [
        ServiceStation(
            name=name, kind=StationKind.COMPLEX_STATION, district=ctx.district, complex=ctx.complex_by_name[where],
            address=ctx.complex_by_name[where].address, opened_on=datetime.date(rng.randint(2019, 2022), rng.randint(1, 12), 1),
            services=services,
        )
        for name, where, services in NAMED_STATIONS
    ]
    for complex_ in rng.sample([p.complex for p in projects[len(NAMED_PROJECTS):]], COMPLEX_STATIONS - len(NAMED_STATIONS)):
        stations.append(
            ServiceStation(
                name=f"{complex_.name}物业党群服务驿站", kind=StationKind.COMPLEX_STATION, district=ctx.district,
                complex=complex_, address=complex_.address, opened_on=datetime.date(rng.randint(2020, 2025), rng.randint(1, 12), 1),
                services="党员亮身份、居民议事、便民服务",
            )
        )
    ServiceStation.objects.bulk_create(stations)
