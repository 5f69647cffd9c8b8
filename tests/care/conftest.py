"""Fixtures of the care tests: two children of 光荣村 and a helper of the village."""
import pytest

from shouhu.care.helpers.services import helper_save
from shouhu.care.models import Helper
from tests.factories import make_child


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def girl(world):
    """Left-behind pupil of 金星小学 三年级1班, living in 光荣村."""
    return make_child(world.admin, world.guangrong, name="陆金兰", school=world.jinxing, school_class=world.c31)


@pytest.fixture
def orphan(world):
    return make_child(world.admin, world.guangrong, name="张小军", sex="男", father_situation="死亡", mother_situation="死亡")


@pytest.fixture
def helper(world):
    return helper_save(actor=world.zhuren, helper=Helper(name="王志愿", region=world.guangrong, phone="13800000001"))
