"""Health probe for the web container: GET /healthz the way a request through the TLS proxy arrives.

Django answers only the host names in DJANGO_ALLOWED_HOSTS, so a bare
`curl http://127.0.0.1:8000/healthz` gets a 400; the probe names an allowed host. It also sends the
proxy's X-Forwarded-Proto, so that with DJANGO_SECURE_HTTPS=1 the request counts as HTTPS and is never
redirected. Exit status 0 only for a 200 answer: database and broker both up.

    python docker/healthcheck.py http://127.0.0.1:8000/healthz
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect means the proxy headers were not honoured: report it rather than follow it.
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def probe_host(allowed_hosts: str) -> str:
    """The first concrete name in DJANGO_ALLOWED_HOSTS (".example.go.id" also allows "example.go.id")."""
    for entry in allowed_hosts.split(","):
        host = entry.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000/healthz"
    request = urllib.request.Request(  # noqa: S310 - the URL is the container's own loopback address
        url,
        headers={"Host": probe_host(os.environ.get("DJANGO_ALLOWED_HOSTS", "")), "X-Forwarded-Proto": "https"},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            status = response.status
            body = response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read(500).decode(errors="replace")
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"unhealthy: HTTP {status} {body}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
