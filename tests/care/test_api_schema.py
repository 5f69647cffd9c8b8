"""The care endpoints in the API schema: every endpoint through the caller's scope (out of scope is the same 404 as missing)."""


from tests.api_util import api


def test_schema_lists_care_endpoints(world):
    r = api(world.admin).get("/api/schema/")
    assert r.status_code == 200
    for path in ("helpers", "pairings", "visits", "contacts", "wishes", "counselling", "activities", "campaigns", "tasks"):
        assert f"/api/v1/{path}/".encode() in r.content
