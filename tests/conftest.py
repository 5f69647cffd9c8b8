import os
from types import SimpleNamespace

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

# A property is about values, not speed: on a loaded two-core machine a case can take over
# Hypothesis's 200 ms default, which failed runs at random. Speed is the benchmarks' business.
hypothesis_settings.register_profile("shouhu", deadline=None)
hypothesis_settings.load_profile("shouhu")

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from tests.factories import make_child, make_user, years_ago  # noqa: E402


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background jobs run inline in tests (the database worker is exercised by the CLI)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Job progress lives in the cache: a test must not write the developer's file cache (the demo
    server once showed a test's "500 / 2000"), nor read a previous test's."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """PBKDF2 at production strength costs ~0.5 s a user; the `world` has fourteen."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def plain_sign_in(settings):
    """Most tests sign in with `client.login`, which passes no request: the lockout (django-axes)
    and the second factor are off here and switched on by the tests of sign-in (tests/accounts/test_signin.py)."""
    settings.AXES_ENABLED = False
    settings.SHOUHU_SECOND_FACTOR = False


@pytest.fixture
def oc(django_capture_on_commit_callbacks):
    """Run a service and then what it left for after the commit (signals: care and quality refresh)."""
    def run(fn, *a, **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*a, **kw)
    return run


@pytest.fixture
def world(db):
    """A small real-coded county: 监利市 with 毛市镇 (two villages) and 朱河镇 (one village);
    金星小学 (two classes) in 毛市镇 and 朱河小学 (one class) in 朱河镇; one user per role."""
    from shouhu.regions.models import Region, School, SchoolClass

    prov = Region.objects.create(code="42", name="湖北省", short_name="湖北省", level=1)
    city = Region.objects.create(code="4210", name="荆州市", short_name="荆州市", level=2, parent=prov)
    county = Region.objects.create(code="421088", name="监利市", short_name="监利市", level=3, parent=city)
    maoshi = Region.objects.create(code="421088109", name="毛市镇", short_name="毛市镇", level=4, parent=county)
    zhuhe = Region.objects.create(code="421088101", name="朱河镇", short_name="朱河镇", level=4, parent=county)
    guangrong = Region.objects.create(code="421088109200", name="光荣村民委员会", short_name="光荣村", level=5, parent=maoshi)
    lianfu = Region.objects.create(code="421088109202", name="莲福村民委员会", short_name="莲福村", level=5, parent=maoshi)
    hongxing = Region.objects.create(code="421088101201", name="红星村民委员会", short_name="红星村", level=5, parent=zhuhe)
    jinxing = School.objects.create(name="金星小学", township=maoshi)
    zhuhe_school = School.objects.create(name="朱河小学", township=zhuhe)
    c31 = SchoolClass.objects.create(school=jinxing, grade=3, name="1班")
    c32 = SchoolClass.objects.create(school=jinxing, grade=3, name="2班")
    z41 = SchoolClass.objects.create(school=zhuhe_school, grade=4, name="1班")
    w = SimpleNamespace(
        prov=prov, city=city, county=county, maoshi=maoshi, zhuhe=zhuhe, guangrong=guangrong, lianfu=lianfu,
        hongxing=hongxing, jinxing=jinxing, zhuhe_school=zhuhe_school, c31=c31, c32=c32, z41=z41, today=timezone.localdate(),
    )
    w.admin = make_user("admin", "county_admin", region=county)
    w.edu = make_user("jiaoyu", "county_education", region=county)
    w.partner = make_user("fulian", "county_partner", region=county)
    w.dudao = make_user("dudao", "township_supervisor", region=maoshi)
    w.dudao_zhuhe = make_user("dudao2", "township_supervisor", region=zhuhe)
    w.zhuren = make_user("zhuren", "village_director", region=guangrong)
    w.zhuren_lianfu = make_user("zhuren2", "village_director", region=lianfu)
    w.zhuren_hongxing = make_user("zhuren3", "village_director", region=hongxing)
    w.xiaozhang = make_user("xiaozhang", "school_staff", school=jinxing)
    w.xiaozhang_zhuhe = make_user("xiaozhang2", "school_staff", school=zhuhe_school)
    w.banzhuren = make_user("banzhuren", "head_teacher", school_class=c31)
    w.banzhuren_c32 = make_user("banzhuren2", "head_teacher", school_class=c32)
    w.inspector = make_user("ducha", "inspector", region=maoshi)
    w.volunteer = make_user("zhiyuanzhe", "helper")
    return w


@pytest.fixture
def alone(world, django_capture_on_commit_callbacks):
    """An 11-year-old in 光荣村 living alone (a red alert: 无人监护或独居), saved and committed."""
    with django_capture_on_commit_callbacks(execute=True):
        return make_child(world.zhuren, world.guangrong, living_alone=True, birth_date=years_ago(11))


@pytest.fixture
def baohu(world):
    """The county's protection role (县未成年人救助保护机构)."""
    return make_user("baohu", "protection", region=world.county)
