"""Who may talk to the server: Host names (DNS rebinding), Origins (CORS), the API key.

* **Host**: a web page can make a browser reach ``127.0.0.1`` through a DNS name it
  controls (DNS rebinding); the request then carries that name in ``Host``. Only
  ``localhost`` and IP literals, on the port the server listens on, are accepted.
* **Origin**: browsers put the calling page's origin on cross-site requests. Requests
  without one (curl, scripts, other apps) pass; browser extensions
  (``chrome-extension://``, ``moz-extension://``, ``safari-web-extension://``: no web
  page can send these, and Firefox gives each installed extension a random id, so ours
  cannot be pinned) and the origins the user adds get CORS headers; any other origin is
  refused with 403, so no web page can use the server behind the user's back.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable

__all__ = ["EXTENSION_SCHEMES", "host_allowed", "key_matches", "origin_allowed"]

EXTENSION_SCHEMES = ("chrome-extension://", "moz-extension://", "safari-web-extension://")


def host_allowed(host: str | None, port: int) -> bool:
    """True for ``localhost`` or an IP literal, with ``port`` (or none for port 80)."""
    if not host:
        return False
    name, given_port = _split_host(host.strip().lower())
    if given_port is None:
        given_port = 80
    if given_port != port:
        return False
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _split_host(host: str) -> tuple[str, int | None]:
    if host.startswith("["):  # [::1]:5000
        name, _, rest = host.partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        name += "]"
    else:
        name, _, port = host.partition(":")
    if not port:
        return name, None
    return name, int(port) if port.isdigit() else -1


def origin_allowed(origin: str, extra: Iterable[str]) -> bool:
    """True for a browser extension's origin or one the user added."""
    origin = origin.strip().rstrip("/")
    if any(origin.lower().startswith(s) and len(origin) > len(s) for s in EXTENSION_SCHEMES):
        return True
    return origin in {o.rstrip("/") for o in extra}


def key_matches(given: object, expected: str | None) -> bool:
    """True when no key is required or ``given`` is it (compared in constant time)."""
    if not expected:
        return True
    return isinstance(given, str) and hmac.compare_digest(given.encode(), expected.encode())
