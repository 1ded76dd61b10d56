"""The embedded mode's read-only SQL endpoint in the shape of ClickHouse's HTTP interface."""

from clickstream.sql_endpoint.app import create_sql_app
from clickstream.sql_endpoint.auth import Credentials, credentials_for

__all__ = ["Credentials", "create_sql_app", "credentials_for"]
