"""The API tokens of rest_framework.authtoken never expired (and survived logout); `ApiToken`
replaced them. Their table stays behind in a database from before, with a foreign key to the
users: drop it, so every old token is dead and deleting a user or flushing a scratch database
does not trip over it."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0004_protection_role"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
        migrations.RunSQL("DELETE FROM django_migrations WHERE app = 'authtoken'", migrations.RunSQL.noop),
    ]
