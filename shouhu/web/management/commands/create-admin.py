"""`shouhu create-admin NAME`: the first county administrator of a new installation. Django's
`createsuperuser` makes a user without an assignment, who sees no child: scope comes from the
assignment (docs/domain.md, "Users and scopes"), so the first admin gets one on the county."""
import getpass
import os

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shouhu.accounts.models import Assignment, User
from shouhu.regions.models import Region


class Command(BaseCommand):
    help = "Create a county administrator (县级管理员) assigned to the county region; asks for the password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--region", help="the county's division code (default SHOUHU_ROOT_REGION)")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--staff", action="store_true", help="also a Django superuser (the /admin/ site)")

    def handle(self, *args, **opts):
        code = opts["region"] or settings.SHOUHU["ROOT_REGION"]
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"区划 {code} 不存在：请先运行 shouhu load-regions {code}")
        if User.objects.filter(username=opts["username"]).exists():
            raise CommandError(f"用户 {opts['username']} 已存在")
        # from the environment for scripted installs; never from argv, which `ps` shows to everyone
        password = os.environ.get("SHOUHU_ADMIN_PASSWORD") or self._ask()
        user = User(username=opts["username"], display_name=opts["display_name"], is_staff=opts["staff"], is_superuser=opts["staff"])
        try:
            validate_password(password, user)
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from e
        with transaction.atomic():
            user.set_password(password)
            user.save()
            assignment = Assignment(user=user, role="county_admin", region=region)
            assignment.full_clean()
            assignment.save()
        self.stdout.write(f"已创建县级管理员 {user.username}（{region.name}）")

    def _ask(self) -> str:
        first = getpass.getpass("密码：")
        if first != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致")
        return first
