"""Service errors: a code, a Chinese sentence and the field — on a page and over the API."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from shouhu.core.errors import Conflict, ErrorCode, Forbidden, NotFound, ServiceError
from shouhu.core.middleware import ServiceErrorMiddleware
from tests.api_util import api


def test_kinds_and_statuses():
    e = ServiceError("请填写培训内容", code=ErrorCode.REQUIRED, field="topic")
    assert e.as_dict() == {"code": "required", "detail": "请填写培训内容", "field": "topic"} and e.status == 400
    assert NotFound("x").status == 404 and NotFound("x").code == ErrorCode.NOT_FOUND
    assert Forbidden("x").status == 403 and Conflict("x").status == 409 and Conflict("x").code == ErrorCode.CONFLICT
    # Django's own handlers answer these as for any missing or forbidden page
    assert isinstance(NotFound("x"), Http404) and isinstance(Forbidden("x"), PermissionDenied)


def test_an_uncaught_error_is_a_page_with_its_sentence(world):
    request = RequestFactory().get("/")
    request.user = world.admin
    response = ServiceErrorMiddleware(lambda r: None).process_exception(request, Conflict("这一对已处理"))
    assert response.status_code == 409 and "这一对已处理" in response.content.decode()
    assert ServiceErrorMiddleware(lambda r: None).process_exception(request, NotFound("x")) is None  # Django's 404


def test_the_api_answers_code_detail_field(world):
    from shouhu.care.wishes.services import wish_create
    from tests.factories import make_child

    child = make_child(world.admin, world.guangrong)
    wish = wish_create(actor=world.zhuren, child=child, text="一个书包")
    r = api(world.zhuren).post(f"/api/v1/wishes/{wish.pk}/fulfil/", {}, format="json")
    assert r.status_code == 409
    body = r.json()
    assert set(body) == {"code", "detail", "field"} and body["code"] == "wish_not_claimed" and body["detail"]
