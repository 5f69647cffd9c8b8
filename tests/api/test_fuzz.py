"""A bounded schemathesis run over the whole API: every operation of the OpenAPI schema, a few
generated requests each (fixed seed, derandomized), signed in as a county admin with a token.
It asserts one thing — no answer is a server error (5xx) — because a 500 on input a client can
send is a bug: malformed or huge numbers, odd strings, missing bodies must all be 4xx.

What it covers: every path and method in the schema, query parameters, path parameters and JSON
bodies generated from the schema (schemathesis' "examples" and "fuzzing" phases, 5 examples per
operation, ~15 s). The exhaustive "coverage" phase — about 9,000 requests, 75 s, no 5xx when it
was added — is left out to keep `make test` short. Multipart uploads (rosters) get generated bodies too, not real spreadsheets: their content is tested in
tests/schooling. The data is the small `world` county with one child, so lists are not empty."""
import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator

from shouhu.accounts.models import ApiToken
from shouhu.wsgi import application
from tests.factories import make_child

CONFIG = schemathesis.Config.from_dict({
    "seed": 20260101,
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"max-examples": 5},
})


def _schema():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True), config=CONFIG)
    schema.app = application  # requests go through the WSGI app in-process, no server
    return schema


schema = _schema()


@pytest.fixture(autouse=True)
def _keep_connection():
    """The WSGI handler closes the database connection at the end of each request, as a server
    should; inside a test's transaction that ends the test (PostgreSQL). Django's test client
    disconnects the same receivers."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis.settings(max_examples=5, derandomize=True, deadline=None, database=None,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_server_errors(case, world):
    if not hasattr(world, "token"):
        world.token = ApiToken.issue(world.admin)[1]
        make_child(world.admin, world.guangrong, school=world.jinxing, school_class=world.c31)
    response = case.call(headers={"Authorization": f"Token {world.token}"})
    assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query} → {response.status_code}\n{response.text[:2000]}"
