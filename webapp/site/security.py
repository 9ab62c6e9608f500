"""Response security headers, safe redirect targets, requests carrying NUL characters, and the reverse proxies
whose headers are believed."""
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "img-src 'self' data:",
    "style-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def is_safe_redirect(target: str | None) -> bool:
    """True for a path on this site ("/picks?x=1"); false for other hosts, schemes and "//host"."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and not any(ord(c) < 32 for c in target)


def safe_next(default: str) -> str:
    """The request's `next` argument (query or form) if it stays on this site, else `default`."""
    target = request.values.get("next")
    return target if is_safe_redirect(target) else default


def refuse_nul_characters() -> None:
    """A 400 for a query or form field (name or value) holding a NUL character: no input means one, and
    PostgreSQL refuses it in any text it is sent, so a search or sign-in carrying one would be a 500."""
    for fields in (request.args, request.form):
        if any("\x00" in name or "\x00" in value for name, value in fields.items(multi=True)):
            abort(400)


def add_security_headers(response: Response) -> Response:
    """Set the CSP and the usual hardening headers on every response."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def trust_proxies(app: Flask) -> None:
    """Behind `TRUSTED_PROXY_COUNT` reverse proxies, take the client's address and scheme from the last that
    many `X-Forwarded-For`/`-Proto` entries (Werkzeug's ProxyFix), so limits count visitors, not the proxy.
    With 0 (the default) those headers are ignored: anyone could write them."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)
