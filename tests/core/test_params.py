"""Request parameters: absent is the default, malformed is a 400 (never a silently wider list)."""
import pytest
from django.core.exceptions import BadRequest

from shouhu.core.params import choice_param, code_param, int_param, page_param


@pytest.mark.parametrize("params, kw, want", [
    ({}, {}, None),
    ({"n": ""}, {}, None),
    ({"n": " "}, {"default": 7}, 7),
    ({"n": "12"}, {}, 12),
    ({"n": " 3 "}, {}, 3),
    ({"n": "30"}, {"choices": (10, 30, 100)}, 30),
    ({"n": "1"}, {"min_value": 1}, 1),
])
def test_int_param(params, kw, want):
    assert int_param(params, "n", **kw) == want


@pytest.mark.parametrize("params, kw", [
    ({"n": "abc"}, {}), ({"n": "1x"}, {}), ({"n": "1.5"}, {}),
    ({"n": "0"}, {"min_value": 1}), ({"n": "20"}, {"choices": (10, 30, 100)}),
])
def test_int_param_refuses_malformed(params, kw):
    with pytest.raises(BadRequest):
        int_param(params, "n", **kw)


def test_page_code_choice():
    assert page_param({}) == 1 and page_param({"page": "4"}) == 4
    with pytest.raises(BadRequest):
        page_param({"page": "0"})
    assert code_param({"region": "421088"}) == "421088" and code_param({}) == ""
    with pytest.raises(BadRequest):
        code_param({"region": "4210x"})
    assert choice_param({"k": "a"}, "k", {"a", "b"}) == "a" and choice_param({}, "k", {"a"}, default="a") == "a"
    with pytest.raises(BadRequest):
        choice_param({"k": "c"}, "k", {"a", "b"})


def test_a_malformed_filter_is_a_400_page(client, world):
    client.force_login(world.admin)
    assert client.get("/children/?school=abc").status_code == 400
    assert client.get("/children/?per=7").status_code == 400
    assert client.get("/children/?school=").status_code == 200
