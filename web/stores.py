"""A Litestar store backed by the database, so sessions and rate limits are shared by every worker."""

from __future__ import annotations

from datetime import timedelta

import anyio
from litestar.stores.base import Store

from jobbridge.accounts.kvstore import kv_delete, kv_expires_in, kv_get, kv_set
from jobbridge.db import get_engine


def _seconds(value: int | timedelta | None) -> int | None:
    if value is None:
        return None
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


class DatabaseStore(Store):
    """Keeps values in the kv_entry table under one namespace."""

    def __init__(self, *, namespace: str) -> None:
        self.namespace = namespace

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        await anyio.to_thread.run_sync(
            lambda: kv_set(
                engine=get_engine(), namespace=self.namespace, key=key, value=data, expires_in=_seconds(expires_in)
            )
        )

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await anyio.to_thread.run_sync(
            lambda: kv_get(engine=get_engine(), namespace=self.namespace, key=key, renew_for=_seconds(renew_for))
        )

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(lambda: kv_delete(engine=get_engine(), namespace=self.namespace, key=key))

    async def delete_all(self) -> None:
        await anyio.to_thread.run_sync(lambda: kv_delete(engine=get_engine(), namespace=self.namespace))

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        return await anyio.to_thread.run_sync(
            lambda: kv_expires_in(engine=get_engine(), namespace=self.namespace, key=key)
        )
