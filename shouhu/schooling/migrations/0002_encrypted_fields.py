"""Encrypted columns (core.crypto): the schema, then every existing row rewritten as ciphertext
(and its blind indexes computed), a chunk at a time (core.rekey). Backwards: the values in clear again."""
from django.db import migrations

import shouhu.core.fields
from shouhu.core.rekey import rekey_migration


class Migration(migrations.Migration):

    dependencies = [
        ('schooling', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='rosterentry',
            name='id_number_index',
            field=shouhu.core.fields.BlindIndexField(db_index=True, editable=False, max_length=32, null=True, source='id_number'),
        ),
        migrations.AlterField(
            model_name='rosterentry',
            name='id_number',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=18, verbose_name='公民身份号码'),
        ),
        migrations.AlterField(
            model_name='rosterentry',
            name='student_no',
            field=shouhu.core.fields.EncryptedCharField(blank=True, max_length=32, verbose_name='学籍号'),
        ),
        migrations.RunPython(rekey_migration('schooling', 'RosterEntry'), rekey_migration('schooling', 'RosterEntry', decrypt=True)),
    ]
