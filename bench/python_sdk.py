"""Times the Python SDK (PyPI phala-cloud==0.2.0, Python 3.10) on get_cvm_info
against the same local server the Rust client bench uses.

Usage: python bench/python_sdk.py BASE_URL CALLS [CONCURRENCY]
  without CONCURRENCY: the sync client, one call after another;
  with it: the async client, CONCURRENCY tasks sharing CALLS calls.
Prints "CALLS SECONDS".
Set up once: python3.10 -m venv bench/.venv && bench/.venv/bin/pip install phala-cloud==0.2.0
"""
import asyncio
import sys
import time

from phala_cloud import AsyncPhalaCloud, PhalaCloud

base, calls = sys.argv[1], int(sys.argv[2])
concurrency = int(sys.argv[3]) if len(sys.argv) > 3 else 0
request = {"id": "cvm_bench"}


def sync_run():
    client = PhalaCloud(api_key="phak_bench", base_url=base + "/api/v1")
    client.get_cvm_info(request)  # warm-up: connection and model caches
    start = time.perf_counter()
    for _ in range(calls):
        client.get_cvm_info(request)
    return time.perf_counter() - start


async def async_run():
    client = AsyncPhalaCloud(api_key="phak_bench", base_url=base + "/api/v1")
    await asyncio.gather(*(client.get_cvm_info(request) for _ in range(concurrency)))

    async def worker():
        for _ in range(calls // concurrency):
            await client.get_cvm_info(request)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start


seconds = asyncio.run(async_run()) if concurrency else sync_run()
print(calls // concurrency * concurrency if concurrency else calls, seconds)
