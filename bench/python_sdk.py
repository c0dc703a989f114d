"""Times the Python SDK's sync client (PyPI phala-cloud==0.2.0, Python 3.10)
on get_cvm_info against the same local server the Rust client bench uses.

Usage: python bench/python_sdk.py BASE_URL CALLS   -> prints "CALLS SECONDS"
Set up once: python3.10 -m venv bench/.venv && bench/.venv/bin/pip install phala-cloud==0.2.0
"""
import sys
import time

from phala_cloud import PhalaCloud

base, calls = sys.argv[1], int(sys.argv[2])
client = PhalaCloud(api_key="phak_bench", base_url=base + "/api/v1")
client.get_cvm_info({"id": "cvm_bench"})  # warm-up: connection and model caches
start = time.perf_counter()
for _ in range(calls):
    client.get_cvm_info({"id": "cvm_bench"})
print(calls, time.perf_counter() - start)
