"""A JSON client that sends a bearer token for one of the cast."""

import json

import pytest
from django.test import Client

from zhicun.api.services import token_issue


class ApiClient:
    def __init__(self, token: str | None = None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self.headers)

    def _send(self, method, path, data):
        return getattr(self.client, method)(
            f"/api/v1{path}",
            json.dumps(data),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path, data=None):
        return self._send("post", path, data or {})

    def patch(self, path, data):
        return self._send("patch", path, data)

    def delete(self, path):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


@pytest.fixture
def api():
    """api(user) → a client carrying a fresh token of that user; api() → no token."""

    def make(user=None):
        if user is None:
            return ApiClient()
        _, raw = token_issue(user=user)
        return ApiClient(raw)

    return make
