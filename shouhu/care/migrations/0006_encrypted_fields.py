"""Encrypted columns (core.crypto): the schema, then every existing row rewritten as ciphertext
(and its blind indexes computed), a chunk at a time (core.rekey). Backwards: the values in clear again."""
from django.db import migrations

import shouhu.core.fields
from shouhu.core.rekey import rekey_migration


class Migration(migrations.Migration):

    dependencies = [
        ('care', '0005_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='counsellingsession',
            name='notes',
            field=shouhu.core.fields.EncryptedTextField(verbose_name='辅导记录'),
        ),
        migrations.RunPython(rekey_migration('care', 'CounsellingSession'), rekey_migration('care', 'CounsellingSession', decrypt=True)),
    ]
