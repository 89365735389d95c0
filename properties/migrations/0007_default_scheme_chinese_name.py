"""The default evaluation scheme gets a Chinese name (issue 8): its note named it "Default
scheme" in English on every staff page. Only the untouched seeded note is replaced."""
from django.db import migrations

OLD_NOTE = "Default scheme: city credit-scoring schemes and red-property demonstration scoring tables."
NEW_NOTE = "官渡区物业服务企业评价方案（默认）：依据市级物业服务企业信用评价办法和红色物业示范点评分表。"


def name_in_chinese(apps, schema_editor):
    apps.get_model("properties", "EvaluationScheme").objects.filter(note=OLD_NOTE).update(note=NEW_NOTE)


def name_in_english(apps, schema_editor):
    apps.get_model("properties", "EvaluationScheme").objects.filter(note=NEW_NOTE).update(note=OLD_NOTE)


class Migration(migrations.Migration):
    dependencies = [("properties", "0006_constraint_messages")]

    operations = [migrations.RunPython(name_in_chinese, name_in_english)]
