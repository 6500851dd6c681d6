"""Once started, the service keeps its startup heap out of the cyclic collector's full passes
(which otherwise stall every request on the server; see docs/benchmarks.md, the hot path)."""

from __future__ import annotations

import gc

from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.settings import Settings


def test_startup_freezes_the_heap(settings: Settings) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app(settings)
    assert gc.get_freeze_count() == 0  # building the app is not starting it
    with TestClient(app) as client:
        assert gc.get_freeze_count() > 0
        assert client.get("/health").status_code == 200
