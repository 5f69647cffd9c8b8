"""Import rows' values, diffs and cells encrypted (core.crypto), existing rows rewritten a chunk at a
time (core.rekey). Backwards: in clear again."""
from django.db import migrations

import shouhu.core.fields
from shouhu.core.rekey import rekey_migration


class Migration(migrations.Migration):

    dependencies = [
        ('intake', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='importrow',
            name='cells',
            field=shouhu.core.fields.EncryptedJSONField(default=list),
        ),
        migrations.AlterField(
            model_name='importrow',
            name='diff',
            field=shouhu.core.fields.EncryptedJSONField(default=list),
        ),
        migrations.AlterField(
            model_name='importrow',
            name='values',
            field=shouhu.core.fields.EncryptedJSONField(default=dict),
        ),
        migrations.RunPython(rekey_migration('intake', 'ImportRow'), rekey_migration('intake', 'ImportRow', decrypt=True)),
    ]
