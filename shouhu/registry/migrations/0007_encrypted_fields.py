"""Encrypted columns (core.crypto): the schema, then every existing row rewritten as ciphertext
(and its blind indexes computed), a chunk at a time (core.rekey). Backwards: the values in clear again."""
from django.db import migrations

import shouhu.core.fields
from shouhu.core.rekey import rekey_migration


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='child',
            name='id_number_index',
            field=shouhu.core.fields.BlindIndexField(editable=False, max_length=32, null=True, source='id_number', unique=True),
        ),
        migrations.AddField(
            model_name='child',
            name='id_tail_index',
            field=shouhu.core.fields.BlindIndexField(db_index=True, editable=False, max_length=16, null=True, source='id_number', tail=4),
        ),
        migrations.AlterField(
            model_name='child',
            name='carer_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='委托照护人身份号码'),
        ),
        migrations.AlterField(
            model_name='child',
            name='father_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='父亲身份号码'),
        ),
        migrations.AlterField(
            model_name='child',
            name='id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, null=True, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='child',
            name='mother_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='母亲身份号码'),
        ),
        migrations.AlterField(
            model_name='historicalchild',
            name='carer_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='委托照护人身份号码'),
        ),
        migrations.AlterField(
            model_name='historicalchild',
            name='father_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='父亲身份号码'),
        ),
        migrations.AlterField(
            model_name='historicalchild',
            name='id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, null=True, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='historicalchild',
            name='mother_id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='母亲身份号码'),
        ),
        migrations.RunPython(rekey_migration('registry', 'Child', 'HistoricalChild'), rekey_migration('registry', 'Child', 'HistoricalChild', decrypt=True)),
    ]
