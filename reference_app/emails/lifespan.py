"""Run the outbox sender as a background task of the service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar

from reference_app.emails.sender import OutboxSender
from reference_app.emails.transport import transport_for
from reference_app.settings import Settings


def outbox_sender_lifespan(settings: Settings) -> Any:
    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not settings.email_sender_enabled:
            yield
            return
        sender = OutboxSender(app.state.pool, settings, transport_for(settings))
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop), name="outbox-sender")
        try:
            yield
        finally:
            stop.set()
            await task

    return lifespan
