"""HTTP Basic authentication for the whole web app (`serve --auth USER:PASS`).

One check guards every route: the chat, Gradio's API and files, and the passage pages, so a
teacher's passage link asks for the same password as the chat. Browsers remember the
credentials for the site, so links keep working after one prompt. Basic authentication sends
the password in clear text: beyond 127.0.0.1, put the app behind an HTTPS reverse proxy.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from typing import Any

REALM = "archive-qa"


class AuthError(ValueError):
    pass


def parse_credentials(value: str) -> tuple[str, str]:
    """``USER:PASS`` -> (user, password); the password may itself contain ':'."""
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise AuthError("--auth: expected USER:PASS with a non-empty user and password")
    return user, password


def _matches(header: str, user: str, password: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    given_user, _, given_password = given.partition(":")
    # Both comparisons always run, in constant time, so timing tells nothing.
    ok_user = secrets.compare_digest(given_user.encode(), user.encode())
    ok_password = secrets.compare_digest(given_password.encode(), password.encode())
    return ok_user and ok_password


class BasicAuth:
    """ASGI middleware: requests without the right credentials get 401 (HTTP) or are closed
    (websocket)."""

    def __init__(self, app: Any, user: str, password: str) -> None:
        self.app = app
        self.user = user
        self.password = password

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        header = headers.get(b"authorization", b"").decode("latin-1")
        if _matches(header, self.user, self.password):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = b"Sign in required / \xe9\x9c\x80\xe8\xa6\x81\xe7\x99\xbb\xe5\xbd\x95\n"
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"www-authenticate", f'Basic realm="{REALM}", charset="UTF-8"'.encode()),
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
