"""The usual property-service categories. Names are data (Chinese); codes are English slugs.

Urgent categories (elevators, water and power) must be answered within 2 hours; complex cases
(fees and contracts) get 15 days to resolve."""
from django.db import migrations

CATEGORIES = [
    # code, name, description, response_hours, resolve_days, is_urgent
    ("shared-facilities", "公共设施维修", "楼道灯、门禁、单元门、公共管道等共用部位和设施设备维修", 24, 7, False),
    ("elevators", "电梯", "电梯故障、困人、异响和年检", 2, 3, True),
    ("water-power", "水电", "停水停电、漏水、二次供水和公共用电", 2, 3, True),
    ("sanitation", "环境卫生", "垃圾清运、楼道保洁、化粪池和病媒防治", 24, 7, False),
    ("greening", "绿化", "绿地养护、树木修剪和毁绿占绿", 24, 7, False),
    ("security", "安全秩序", "门岗值守、消防通道、高空抛物和可疑人员", 24, 7, False),
    ("parking", "停车", "车位管理、乱停乱放和充电设施", 24, 7, False),
    ("noise", "噪音", "装修、设备和经营噪音扰民", 24, 7, False),
    ("fees-contracts", "收费与合同", "物业费、公共收益公示、合同履行和物业交接", 24, 15, False),
    ("service-attitude", "服务态度", "物业人员服务态度和工作作风", 24, 7, False),
    ("other", "其他", "以上类别以外的诉求", 24, 7, False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (code, name, description, hours, days, urgent) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name, "description": description, "response_hours": hours,
                "resolve_days": days, "is_urgent": urgent, "is_active": True, "sort_order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0003_lifecycle_stamps_and_rates_snapshot")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
