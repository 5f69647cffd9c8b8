"""Helpers the API tests share."""
from rest_framework.test import APIClient


def api(user=None) -> APIClient:
    """A client, authenticated as `user` when one is given."""
    c = APIClient()
    if user is not None:
        c.force_authenticate(user)
    return c


def ids(response) -> list:
    """The `id`s of a 200 list answer, paginated or not."""
    assert response.status_code == 200, response.content
    body = response.json()
    return [r["id"] for r in (body["results"] if isinstance(body, dict) else body)]
