"""Who may query: one user and password, sent the ways ClickHouse's HTTP interface accepts them
(X-ClickHouse-User/X-ClickHouse-Key headers, HTTP Basic auth, `user`/`password` parameters)."""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from clickstream.sql_endpoint.errors import ClickHouseError

DEFAULT_USER = "analyst"
PASSWORD_FILE = "sql-password"


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def check(self, user: str, password: str) -> None:
        """Raises AUTHENTICATION_FAILED unless both match (compared in constant time)."""
        same_user = hmac.compare_digest(user.encode(), self.user.encode())
        same_password = hmac.compare_digest(password.encode(), self.password.encode())
        if not (same_user and same_password):
            raise ClickHouseError(
                "AUTHENTICATION_FAILED",
                f"{user}: Authentication failed: password is incorrect, "
                "or there is no user with such name",
            )


def sent_credentials(headers: Mapping[str, str], parameters: Mapping[str, str]) -> tuple[str, str]:
    """(user, password) as the request sent them; ClickHouse's `default` user with no password
    when it sent none."""
    if "x-clickhouse-user" in headers:
        return headers["x-clickhouse-user"], headers.get("x-clickhouse-key", "")
    authorization = headers.get("authorization", "")
    if authorization[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as error:
            raise ClickHouseError(
                "AUTHENTICATION_FAILED", "Malformed Basic authorization"
            ) from error
        user, _, password = decoded.partition(":")
        return user, password
    return parameters.get("user", "default"), parameters.get("password", "")


def credentials_for(data_dir: Path, user: str, password: str) -> Credentials:
    """The configured credentials; without a password, one made on first start and kept in
    <data dir>/sql-password (readable by the owner only)."""
    if password:
        return Credentials(user or DEFAULT_USER, password)
    path = data_dir / PASSWORD_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(12) + "\n")
    return Credentials(user or DEFAULT_USER, path.read_text().strip())
