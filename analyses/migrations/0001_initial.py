"""The school analyses move from the schools app to this app (issue 13), keeping their rows.

The tables were created by ``schools.0003_school_analyses``. This migration only tells Django's
migration state that the models now belong to ``analyses`` (still on their old tables); it
touches no table. ``schools.0005`` then drops them from the schools state, and ``0002`` renames
the tables and the content types.
"""

import core.uploads
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import analyses.models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cycles', '0001_initial'),
        ('municipalities', '0005_auditlogentry_event_role_changed'),
        ('schools', '0004_pupilcount_year_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='AnalysisIntake',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('token', models.CharField(default=analyses.models._intake_token, editable=False, max_length=40, unique=True)),
                        ('file', models.FileField(max_length=300, upload_to=core.uploads.GeneratedName('analysis-intake/{municipality_id}'), verbose_name='bestand')),
                        ('file_name', models.CharField(max_length=200, verbose_name='bestandsnaam')),
                        ('rows', models.JSONField(default=list, verbose_name='ingelezen regels')),
                        ('error_count', models.PositiveIntegerField(default=0, verbose_name='aantal fouten')),
                        ('status', models.CharField(choices=[('preview', 'Voorbeeld'), ('imported', 'Ingelezen')], default='preview', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geüpload op')),
                        ('imported_at', models.DateTimeField(blank=True, null=True, verbose_name='ingelezen op')),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cycles.cycle', verbose_name='cyclus')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='municipalities.municipality', verbose_name='gemeente')),
                        ('uploaded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='geüpload door')),
                    ],
                    options={
                        'db_table': 'schools_analysisintake',
                        'verbose_name': 'bulkinvoer schoolanalyses',
                        'verbose_name_plural': 'bulkinvoer schoolanalyses',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='SchoolAnalysis',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('concept', 'Concept'), ('ingediend', 'Ingediend'), ('teruggestuurd', 'Teruggestuurd'), ('opnieuw_ingediend', 'Opnieuw ingediend'), ('geaccepteerd', 'Geaccepteerd')], default='concept', max_length=20, verbose_name='status')),
                        ('delay_taal', models.CharField(blank=True, choices=[('geen', 'Geen vertraging'), ('klein', 'Kleine vertraging'), ('groot', 'Grote vertraging')], max_length=5, verbose_name='vertraging taal/lezen')),
                        ('share_taal', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='aandeel leerlingen taal/lezen (%)')),
                        ('delay_rekenen', models.CharField(blank=True, choices=[('geen', 'Geen vertraging'), ('klein', 'Kleine vertraging'), ('groot', 'Grote vertraging')], max_length=5, verbose_name='vertraging rekenen')),
                        ('share_rekenen', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='aandeel leerlingen rekenen (%)')),
                        ('delay_sociaal_emotioneel', models.CharField(blank=True, choices=[('geen', 'Geen vertraging'), ('klein', 'Kleine vertraging'), ('groot', 'Grote vertraging')], max_length=5, verbose_name='vertraging sociaal-emotioneel')),
                        ('share_sociaal_emotioneel', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='aandeel leerlingen sociaal-emotioneel (%)')),
                        ('delay_welbevinden', models.CharField(blank=True, choices=[('geen', 'Geen vertraging'), ('klein', 'Kleine vertraging'), ('groot', 'Grote vertraging')], max_length=5, verbose_name='vertraging welbevinden')),
                        ('share_welbevinden', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='aandeel leerlingen welbevinden (%)')),
                        ('delay_executief', models.CharField(blank=True, choices=[('geen', 'Geen vertraging'), ('klein', 'Kleine vertraging'), ('groot', 'Grote vertraging')], max_length=5, verbose_name='vertraging executieve functies')),
                        ('share_executief', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='aandeel leerlingen executieve functies (%)')),
                        ('own_budget', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='eigen NPO-budget van de school')),
                        ('review_comment', models.TextField(blank=True, verbose_name='opmerking bij terugsturen')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='ingediend op')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='beoordeeld op')),
                        ('imported', models.BooleanField(default=False, help_text='Ingevoerd door de gemeente met het sjabloon.', verbose_name='via bulkinvoer')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='aangemaakt op')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='gewijzigd op')),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='school_analyses', to='cycles.cycle', verbose_name='cyclus')),
                        ('interventions', models.ManyToManyField(blank=True, related_name='+', to='schools.intervention', verbose_name='gekozen interventies (NPO-menukaart)')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='municipalities.municipality', verbose_name='gemeente')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='beoordeeld door')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='analyses', to='schools.school', verbose_name='school')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='ingediend door')),
                    ],
                    options={
                        'db_table': 'schools_schoolanalysis',
                        'verbose_name': 'schoolanalyse',
                        'verbose_name_plural': 'schoolanalyses',
                        'ordering': ['cycle', 'school__name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AnalysisNeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('inhalen', 'Bovenschoolse maatregelen om vertragingen in te halen'), ('voorschool', 'Activiteiten in de voorschoolse periode'), ('jeugdhulp', 'Extra jeugdhulp in school, schoolmaatschappelijk werk, zorg en welzijn'), ('samenwerking', 'Bevorderen van samenwerking in de gemeente'), ('thuiszitters', 'Ondersteuning voor thuiszitters'), ('ondersteunend', 'Ondersteunende maatregelen')], max_length=20, verbose_name='bestedingsdoel')),
                        ('explanation', models.TextField(verbose_name='toelichting')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='municipalities.municipality', verbose_name='gemeente')),
                        ('analysis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='needs', to='analyses.schoolanalysis', verbose_name='analyse')),
                    ],
                    options={
                        'db_table': 'schools_analysisneed',
                        'verbose_name': 'behoefte',
                        'verbose_name_plural': 'behoeften',
                        'ordering': ['analysis', 'category'],
                    },
                ),
                migrations.CreateModel(
                    name='AnalysisAttachment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=300, upload_to=core.uploads.GeneratedName('analyses/{municipality_id}'), verbose_name='bestand')),
                        ('name', models.CharField(max_length=200, verbose_name='bestandsnaam')),
                        ('kind', models.CharField(max_length=10, verbose_name='soort')),
                        ('content_type', models.CharField(max_length=100, verbose_name='inhoudstype')),
                        ('size', models.PositiveBigIntegerField(verbose_name='grootte (bytes)')),
                        ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='geüpload op')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='municipalities.municipality', verbose_name='gemeente')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='geüpload door')),
                        ('analysis', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attachments', to='analyses.schoolanalysis', verbose_name='analyse')),
                    ],
                    options={
                        'db_table': 'schools_analysisattachment',
                        'verbose_name': 'bijlage bij schoolanalyse',
                        'verbose_name_plural': 'bijlagen bij schoolanalyses',
                        'ordering': ['analysis', 'uploaded_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='AnalysisReminder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recipients', models.PositiveSmallIntegerField(verbose_name='aantal ontvangers')),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='verstuurd op')),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='cycles.cycle', verbose_name='cyclus')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='municipalities.municipality', verbose_name='gemeente')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.school', verbose_name='school')),
                        ('sent_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='verstuurd door')),
                    ],
                    options={
                        'db_table': 'schools_analysisreminder',
                        'verbose_name': 'herinnering schoolanalyse',
                        'verbose_name_plural': 'herinneringen schoolanalyse',
                        'ordering': ['-sent_at'],
                        'indexes': [models.Index(fields=['cycle', 'school', '-sent_at'], name='schools_ana_cycle_i_dc9f1e_idx')],
                    },
                ),
                migrations.AddIndex(
                    model_name='schoolanalysis',
                    index=models.Index(fields=['municipality', 'cycle', 'status'], name='schools_sch_municip_780d2b_idx'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.UniqueConstraint(fields=('school', 'cycle'), name='analysis_one_per_school_cycle'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('share_taal__isnull', True), models.Q(('share_taal__gte', 0), ('share_taal__lte', 100)), _connector='OR'), name='analysis_share_taal_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('share_rekenen__isnull', True), models.Q(('share_rekenen__gte', 0), ('share_rekenen__lte', 100)), _connector='OR'), name='analysis_share_rekenen_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('share_sociaal_emotioneel__isnull', True), models.Q(('share_sociaal_emotioneel__gte', 0), ('share_sociaal_emotioneel__lte', 100)), _connector='OR'), name='analysis_share_sociaal_emotioneel_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('share_welbevinden__isnull', True), models.Q(('share_welbevinden__gte', 0), ('share_welbevinden__lte', 100)), _connector='OR'), name='analysis_share_welbevinden_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('share_executief__isnull', True), models.Q(('share_executief__gte', 0), ('share_executief__lte', 100)), _connector='OR'), name='analysis_share_executief_0_100'),
                ),
                migrations.AddConstraint(
                    model_name='schoolanalysis',
                    constraint=models.CheckConstraint(condition=models.Q(('own_budget__isnull', True), ('own_budget__gte', 0), _connector='OR'), name='analysis_own_budget_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='analysisneed',
                    constraint=models.UniqueConstraint(fields=('analysis', 'category'), name='analysisneed_one_per_category'),
                ),
            ],
        ),
    ]
