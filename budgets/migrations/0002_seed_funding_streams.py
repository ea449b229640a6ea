"""The platform's funding streams (regelingen). Staff maintain them in the admin afterwards.

Windows and accountability follow ../shared/DOMAIN.md for the NPO. For the other streams the
window is a starting value: each municipality's beschikking is leading, and staff adjust the
stream in the admin when a regulation changes.
"""

from django.db import migrations

from budgets.streams import STREAMS


def seed(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    for stream in STREAMS:
        FundingStream.objects.update_or_create(
            code=stream["code"], defaults={k: v for k, v in stream.items() if k != "code"}
        )


def unseed(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    FundingStream.objects.filter(code__in=[s["code"] for s in STREAMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("budgets", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
