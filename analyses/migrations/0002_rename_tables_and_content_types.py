"""The moved tables get this app's names, and the existing content types follow the models.

Renaming the ``django_content_type`` rows (rather than letting Django create new ones) keeps the
audit trail, permissions and anything else that points at a content type id attached to the
same models.
"""

from django.db import migrations

MODELS = ["schoolanalysis", "analysisneed", "analysisattachment", "analysisreminder", "analysisintake"]


def move_content_types(old_label: str, new_label: str):
    def run(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            # A row under the new label exists only if contenttypes' post_migrate ran between the
            # two steps (never in one migrate run); it has nothing pointing at it yet, so it goes.
            old = content_type.objects.using(db).filter(app_label=old_label, model=model)
            if old.exists():
                content_type.objects.using(db).filter(app_label=new_label, model=model).delete()
                old.update(app_label=new_label)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('analyses', '0001_initial'),
        ('schools', '0005_move_school_analyses'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.AlterModelTable(name='schoolanalysis', table=None),
        migrations.AlterModelTable(name='analysisneed', table=None),
        migrations.AlterModelTable(name='analysisattachment', table=None),
        migrations.AlterModelTable(name='analysisreminder', table=None),
        migrations.AlterModelTable(name='analysisintake', table=None),
        migrations.RunPython(
            move_content_types("schools", "analyses"), move_content_types("analyses", "schools")
        ),
    ]
