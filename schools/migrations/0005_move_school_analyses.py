"""The school analyses now belong to the analyses app (issue 13).

State only: their tables stay (``analyses.0001`` takes them over, ``analyses.0002`` renames them).
"""

from django.db import migrations

MOVED = ["AnalysisNeed", "AnalysisAttachment", "AnalysisReminder", "AnalysisIntake", "SchoolAnalysis"]


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0004_pupilcount_year_index'),
        ('analyses', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
        ),
    ]
