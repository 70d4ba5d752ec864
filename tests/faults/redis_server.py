"""A redis-server of the test's own on a free port, to stop and start at will: the
machine's Redis (6379) serves other suites and is never touched."""

import shutil
import subprocess
import time

import redis

from tests.conftest import running_in_ci

from .server import free_port


def redis_server_binary() -> str | None:
    binary = shutil.which("redis-server")
    assert binary or not running_in_ci(), "CI needs redis-server on PATH to start and stop a Redis."
    return binary


class RedisServer:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        """As when Redis crashes: SIGKILL, nothing saved; the port then refuses connections."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
