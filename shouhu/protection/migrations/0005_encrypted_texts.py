"""The free texts about a child's harm encrypted at rest (core.crypto), existing rows rewritten a
chunk at a time (core.rekey). Backwards: the values in clear again."""
from django.db import migrations

import shouhu.core.fields
from shouhu.core.rekey import rekey_migration


class Migration(migrations.Migration):

    dependencies = [
        ('protection', '0004_joint_meetings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='alert',
            name='note',
            field=shouhu.core.fields.EncryptedTextField(blank=True, verbose_name='处置说明'),
        ),
        migrations.AlterField(
            model_name='alertevent',
            name='text',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=255),
        ),
        migrations.AlterField(
            model_name='mandatoryreport',
            name='feedback',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=255, verbose_name='反馈内容'),
        ),
        migrations.AlterField(
            model_name='mandatoryreport',
            name='seen',
            field=shouhu.core.fields.EncryptedTextField(verbose_name='发现的情况'),
        ),
        migrations.RunPython(rekey_migration('protection', 'Alert'), rekey_migration('protection', 'Alert', decrypt=True)),
        migrations.RunPython(rekey_migration('protection', 'AlertEvent'), rekey_migration('protection', 'AlertEvent', decrypt=True)),
        migrations.RunPython(rekey_migration('protection', 'MandatoryReport'),
                             rekey_migration('protection', 'MandatoryReport', decrypt=True)),
    ]
