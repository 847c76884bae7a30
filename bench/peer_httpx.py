"""The Python floor of the peer comparison: an httpx client doing the benchmark's checkout create.

ottu-py (the official Python SDK) sends its requests with httpx, but cannot be installed here
(PyPI is unreachable; only Debian's python3-httpx is), so this measures what every ottu-py call
costs at least: the same POST (headers and JSON body of bench/fixture.ts, as the orchestrator
passes them) on one `httpx.Client` one at a time, then 32 at a time on one `httpx.AsyncClient`,
then `response.json()`. Prints one JSON line shaped like bench/latency.ts's `LatencyResult`.

    python3 bench/peer_httpx.py <url> <JSON of headers> <JSON body> <session id> <requests> <concurrent> <warmup>
"""

import asyncio
import json
import math
import resource
import socket
import sys
import time

import httpx

CONCURRENCY = 32


def no_delay(create_connection):
    """httpcore 0.16 (Debian's) leaves Nagle's algorithm on and writes the headers and the body
    separately: every call would then wait ~40 ms for a delayed ACK. curl and the JavaScript
    runtimes set TCP_NODELAY; so does this floor (newer httpcore takes it as a socket option)."""

    def connect(*args, **kwargs):
        sock = create_connection(*args, **kwargs)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    return connect


def quantile(values, q):
    ordered = sorted(values)
    rank = min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))
    return ordered[rank]


def figures(latencies, elapsed, cpu, total):
    return {
        "p50": quantile(latencies, 0.5),
        "p99": quantile(latencies, 0.99),
        "throughput": total / elapsed,
        "cpuMicros": cpu * 1e6 / total,
    }


def check(response, session_id):
    if response.status_code != 201 or response.json()["session_id"] != session_id:
        raise RuntimeError(f"unexpected answer {response.status_code}")


def sequential(client, url, body, total, session_id):
    latencies = []
    cpu, start = time.process_time(), time.perf_counter()
    for _ in range(total):
        sent = time.perf_counter()
        check(client.post(url, content=body), session_id)
        latencies.append((time.perf_counter() - sent) * 1000)
    elapsed = time.perf_counter() - start
    return figures(latencies, elapsed, time.process_time() - cpu, total)


async def concurrent(url, headers, body, total, session_id):
    latencies = []
    started = 0
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(headers=headers, limits=limits) as client:

        async def worker():
            nonlocal started
            while started < total:
                started += 1
                sent = time.perf_counter()
                check(await client.post(url, content=body), session_id)
                latencies.append((time.perf_counter() - sent) * 1000)

        cpu, start = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        elapsed = time.perf_counter() - start
    return figures(latencies, elapsed, time.process_time() - cpu, total)


def main():
    if "--nagle" not in sys.argv:
        socket.create_connection = no_delay(socket.create_connection)
    url, headers, body, session_id = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4]
    requests, in_flight, warmup = (int(value) for value in sys.argv[5:8])
    body = body.encode()
    with httpx.Client(headers=headers) as client:
        sequential(client, url, body, warmup, session_id)
        one_at_a_time = sequential(client, url, body, requests, session_id)
    asyncio.run(concurrent(url, headers, body, warmup, session_id))
    many = asyncio.run(concurrent(url, headers, body, in_flight, session_id))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"sequential": one_at_a_time, "concurrent": many, "peakRssMb": peak}))


main()
