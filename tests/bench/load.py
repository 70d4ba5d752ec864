"""A small closed-loop load generator: N threads, each a client that sends its next request as
soon as the previous answer is read, each signed in as its own user where the target has
enough (locust's model, without its dependencies)."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Target:
    name: str
    path: str
    cookies: tuple[str, ...]  # "sessionid=..." of each user the page is measured for

    def cookie(self, client: int = 0) -> str:
        return self.cookies[client % len(self.cookies)]


@dataclass
class Sample:
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def add(self, other: "Sample") -> "Sample":
        return Sample(
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            self.errors + other.errors,
        )

    def percentile(self, p: float) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else float("nan")
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[int(p) - 1]


def fetch(port: int, target: Target, timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", target.path, headers=_headers(target.cookie()))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _headers(cookie: str) -> dict[str, str]:
    # As behind the TLS-terminating proxy of production (gunicorn trusts it from 127.0.0.1).
    return {"Cookie": cookie, "X-Forwarded-Proto": "https", "Accept": "text/html"}


def _client(
    port: int, target: Target, cookie: str, stop_at: float, sample: Sample, lock: threading.Lock
) -> None:
    latencies, errors = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = _headers(cookie)
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        try:
            conn.request("GET", target.path, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status == 200:
                latencies.append(elapsed)
            else:
                errors.append(f"HTTP {response.status}")
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(type(exc).__name__)
            conn.close()
    conn.close()
    with lock:
        sample.latencies_ms.extend(latencies)
        sample.errors.extend(errors)


def run(port: int, target: Target, *, clients: int, seconds: float) -> Sample:
    sample, lock = Sample(seconds), threading.Lock()
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client, args=(port, target, target.cookie(i), stop_at, sample, lock), daemon=True
        )
        for i in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Requests in flight at the deadline finish late: count the time they really took.
    sample.seconds = time.monotonic() - started
    return sample
