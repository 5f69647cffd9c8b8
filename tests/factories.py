"""Test data builders. Children are registered through the service, like real ones."""
import itertools
from datetime import date

import factory
from django.utils import timezone

from shouhu.accounts.models import Assignment, User
from shouhu.registry.models import Child
from shouhu.rules.idcard import make_id

PASSWORD = "shouhu2026"
_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def make_user(username: str, role: str, **node) -> User:
    user = UserFactory(username=username)
    Assignment.objects.create(user=user, role=role, **node)
    return user


def years_ago(n: int, *, days: int = 0, today: date | None = None) -> date:
    from datetime import timedelta

    t = today or timezone.localdate()
    try:
        d = t.replace(year=t.year - n)
    except ValueError:
        d = t.replace(year=t.year - n, day=28)
    return d - timedelta(days=days)


def months_ago(n: int, today: date | None = None) -> date:
    t = today or timezone.localdate()
    y, m = divmod(t.month - 1 - n, 12)
    return date(t.year + y, m + 1, min(t.day, 28))


def child_values(village, **over) -> dict:
    """A valid, left-behind (both parents away 2 years) 8-year-old girl in `village`."""
    birth = over.pop("birth_date", years_ago(8, days=40))
    sex = over.get("sex", "女")
    seq = next(_seq) * 2 % 1000 + (1 if sex == "男" else 0)
    values = dict(
        name="陆金兰", sex=sex, birth_date=birth, id_number=make_id("421088", birth, seq), village=village,
        schooling="小学", father_name="陆大军", father_situation="外出务工", father_work_province="广东",
        father_work_city="东莞", father_since=months_ago(24), father_phone="13812345678",
        mother_name="王小芳", mother_situation="外出务工", mother_work_province="浙江", mother_work_city="宁波",
        mother_since=months_ago(24), mother_phone="13912345678", carer_name="陆国华", carer_relation="祖父",
        carer_phone="13712345678", guardianship="监护情况一般",
    )
    values.update(over)
    return values


def own_sitting(child: Child) -> Child:
    """The record as if entered in a sitting of its own (another day, another sheet): the duplicate
    finder reads two names entered together as twins, not a copy (docs/domain.md, 重复登记)."""
    child.entered_in = f"test:{child.pk}"
    Child.objects.filter(pk=child.pk).update(entered_in=child.entered_in)
    return child


def make_child(actor, village, **over) -> Child:
    from shouhu.registry.services import child_register

    return child_register(actor=actor, child=Child(**child_values(village, **over)))
