from typing import Any

from litestar.testing import TestClient

from reference_app.seed import SeedResult


def test_health(client: TestClient[Any]) -> None:
    assert client.get("/health").json() == {"status": "ok", "database": "ok"}


def test_book_callout(client: TestClient[Any], tenant: SeedResult) -> None:
    svc = tenant.services["callout"]
    r = client.post(
        f"/services/{svc}/book",
        json={
            "startTime": "2030-01-10T10:00:00-05:00",
            "contact": {"name": "A", "email": "a@x.io"},
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["job"]["status"] == "scheduled"
