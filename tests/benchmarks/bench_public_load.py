"""Benchmark: the public pages and the office's dashboard under concurrent load.

Serves the portal with gunicorn (several workers, DEBUG off, persistent database
connections) on loopback from a throw-away database seeded by `seed_demo` (the 11
units and the demo content), and loads each page for a fixed time with wrk (Debian's
`wrk`; a Python keep-alive client when it is missing). Every page is measured next
to the framework floor: a minimal view rendering a template of the same size
through the same middleware (tests/benchmarks/public_load_urls.py), in the same
run. `/` and `/units/<slug>/` are measured anonymously with the public page cache on
and again with it off (PUBLIC_CACHE_SECONDS=0); `/office/` signed in as the office.

Environment: LOAD_SECONDS (default 8), LOAD_CONNECTIONS (16), LOAD_WORKERS (4).
Run by `make bench`; takes about two minutes.
"""

import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    override_settings,
    setup_test_environment,
    teardown_test_environment,
)

SECONDS = int(os.environ.get("LOAD_SECONDS", 8))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", 16))
WORKERS = int(os.environ.get("LOAD_WORKERS", 4))
WARM_UP_SECONDS = 2
UNIT = "zhejiang"
ROOT = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ database


def create_database():
    """A throw-away database of its own name, so a test run nearby is untouched."""
    db = connection.settings_dict
    old_name = db["NAME"]
    if connection.vendor == "sqlite":
        db["TEST"]["NAME"] = str(ROOT / "var" / "bench_public_load.sqlite3")
    else:
        db["TEST"]["NAME"] = f"test_{old_name}_public_load"
    name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    return old_name, name


def database_url(name):
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def seed():
    """The 11 units (migration) and the demo content; a signed-in office session."""
    from pilots.models import User

    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    client.force_login(User.objects.get(username="office"))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


# ------------------------------------------------------------------ server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db_url, cache_seconds):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.public_load_settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "DEBUG": "false",
        # The office's session cookie was signed in this process.
        "SECRET_KEY": settings.SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "600",
        "PUBLIC_CACHE_SECONDS": str(cache_seconds),
        "LOG_LEVEL": "WARNING",
    }
    (Path(settings.STATIC_ROOT)).mkdir(parents=True, exist_ok=True)  # for whitenoise
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [
            str(gunicorn),
            "portal.wsgi",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/__floor__/100/", timeout=2).read()  # noqa: S310
            return process, base
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def fetch(url, cookie=None):
    request = urllib.request.Request(url)  # noqa: S310
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, response.read()


# ------------------------------------------------------------------ load


def _seconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]


def load_wrk(url, cookie, seconds):
    command = [
        "wrk",
        "--threads=2",
        f"--connections={CONNECTIONS}",
        f"--duration={seconds}s",
        "--latency",
        "--timeout=30s",
        url,
    ]
    if cookie:
        command[1:1] = ["--header", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError(f"{url} answered with errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = _seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    return rps, p50, p99


def load_python(url, cookie, seconds):
    """Threads over keep-alive connections; slower than wrk, still comparative."""
    parts = urlsplit(url)
    headers = {"Cookie": cookie} if cookie else {}
    latencies = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        http = HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            begin = time.perf_counter()
            http.request("GET", parts.path, headers=headers)
            response = http.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{url} answered {response.status} under load")
            mine.append(time.perf_counter() - begin)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cuts = statistics.quantiles(latencies, n=100)
    return len(latencies) / seconds, cuts[49], cuts[98]


LOAD = load_wrk if shutil.which("wrk") else load_python


def measure(base, path, cookie=None):
    LOAD(base + path, cookie, WARM_UP_SECONDS)  # fills each worker's cache
    return LOAD(base + path, cookie, SECONDS)


def checked_size(base, path, cookie, expect):
    status, body = fetch(base + path, cookie)
    html = body.decode()
    if status != 200 or expect not in html:
        raise RuntimeError(f"{path} did not show {expect!r} (status {status})")
    return len(body)


# ------------------------------------------------------------------ report


def row(page, cache, size, result, floor):
    rps, p50, p99 = result
    f_rps, f_p50, f_p99 = floor
    return (
        f"| `{page}` | {cache} | {size:,} | {rps:,.0f} | {p50 * 1000:.1f} | "
        f"{p99 * 1000:.1f} | {f_rps:,.0f} | {f_p50 * 1000:.1f} | {f_p99 * 1000:.1f} | "
        f"{rps / f_rps:.2f} | {p50 / f_p50:.2f} |"
    )


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main():
    setup_test_environment()
    log("creating the database")
    old_name, name = create_database()
    servers = []
    try:
        log("seeding the demo content")
        cookie = f"{settings.SESSION_COOKIE_NAME}={seed()}"
        db_url = database_url(name)
        pages = [
            ("/", None, "先行先试"),
            (f"/units/{UNIT}/", None, "浙江省水利厅"),
            ("/office/", cookie, "dash-matrix"),
        ]
        lines = []
        floors = {}
        for cache_seconds in (60, 0):
            process, base = serve(db_url, cache_seconds)
            servers.append(process)
            for path, who, expect in pages:
                if who and cache_seconds == 0:
                    continue  # signed-in pages are never cached: measured once
                size = checked_size(base, path, who, expect)
                if path not in floors:
                    floors[path] = measure(base, f"/__floor__/{size}/", who)
                log(f"loading {path} (cache {cache_seconds} s)")
                result = measure(base, path, who)
                if who:
                    cache = "signed in (never cached)"
                else:
                    cache = "cache on" if cache_seconds else "cache off"
                lines.append(row(path, cache, size, result, floors[path]))
            stop(servers.pop())
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"gunicorn {WORKERS} sync workers, {CONNECTIONS} connections, "
            f"{SECONDS} s per URL after {WARM_UP_SECONDS} s warm-up, "
            f"{'wrk' if LOAD is load_wrk else 'Python client'}; database "
            f"{connection.vendor}; cache {backend}; {os.cpu_count()} CPUs"
        )
        print()
        print(
            "| page | | HTML bytes | req/s | p50 ms | p99 ms | floor req/s | "
            "floor p50 ms | floor p99 ms | req/s ÷ floor | p50 ÷ floor |"
        )
        print("| --- | --- |" + " ---: |" * 9)
        for line in lines:
            print(line)
    finally:
        for process in servers:
            stop(process)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
