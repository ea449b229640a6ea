"""The NPO window starts on 1 July 2021 (DOMAIN.md), not on 1 August 2021 as it was seeded.

Only a stream row still at the old seeded start is changed: a window that staff have set to another
date in the admin is theirs and stays. The dates are written here, not imported, so that this
migration keeps meaning the same thing whatever the constants become.
"""

import datetime

from django.db import migrations

CODE = "npo-gemeenten"
OLD_START = datetime.date(2021, 8, 1)
NEW_START = datetime.date(2021, 7, 1)


def forwards(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    FundingStream.objects.filter(code=CODE, window_start=OLD_START).update(window_start=NEW_START)


def backwards(apps, schema_editor):
    FundingStream = apps.get_model("budgets", "FundingStream")
    FundingStream.objects.filter(code=CODE, window_start=NEW_START).update(window_start=OLD_START)


class Migration(migrations.Migration):
    dependencies = [("budgets", "0004_stream_money_per_period")]

    operations = [migrations.RunPython(forwards, backwards)]
