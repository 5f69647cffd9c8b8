"""shouhu export-register OUT.xlsx|OUT.csv [--node r:CODE|s:SCHOOL_ID|c:CLASS_ID] [--user NAME]"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from shouhu.accounts.scope import scope_of
from shouhu.audit.services import log_access
from shouhu.core.files import private_file
from shouhu.intake.export import resolve_node, write_register
from shouhu.regions.models import code_range
from shouhu.registry.models import Child
from shouhu.registry.selectors import children_visible_to


class Command(BaseCommand):
    help = "导出《摸底排查登记表》：村簿、校册、乡镇档或县数据库"

    def add_arguments(self, parser):
        parser.add_argument("out")
        parser.add_argument("--node", help="r:区划代码 / s:学校ID / c:班级ID；默认全县")
        parser.add_argument("--user", help="以该用户的管辖范围导出（默认全县）")

    def handle(self, *args, out, node, user, **opts):
        fmt = "csv" if out.lower().endswith(".csv") else "xlsx"
        if user:
            try:
                actor = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"没有用户 {user}") from None
            qs = children_visible_to(actor)
            if node:
                qs = qs.filter(resolve_node(actor, node)[1])
            who, show_id = f"{actor.username}（命令行）", scope_of(actor).show_id
        else:
            actor, qs, who, show_id = None, Child.objects.all(), "系统（命令行）", None
            kind, _, key = (node or "").partition(":")
            if kind == "r":
                qs = qs.filter(village_code__range=code_range(key))
            elif kind in ("s", "c"):
                qs = qs.filter(Q(school_id=int(key)) if kind == "s" else Q(school_class_id=int(key)))
        private_file(out)  # the whole register: the operator's account alone reads it
        n = write_register(qs, out, fmt=fmt, who=who, when=timezone.localtime(), label=node or "全县", show_id=show_id)
        log_access(actor=actor, action="export", scope=node or "全县", detail=f"命令行导出登记表 {n} 人")
        self.stdout.write(f"已导出 {n} 名儿童到 {out}")
