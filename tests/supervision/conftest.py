import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shouhu.supervision import services as V
from tests.factories import make_child

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def png(name="整改照片.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def kids(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return [make_child(world.zhuren, world.guangrong, name=n) for n in ("陆金兰", "陈小明", "王丽")]


@pytest.fixture
def inspection(world):
    return V.inspection_create(actor=world.inspector, region=world.maoshi, kind="unannounced", planned_on=world.today,
                               units=[world.guangrong])
