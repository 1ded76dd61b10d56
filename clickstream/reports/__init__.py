"""`clickstream report`: named sets of view queries (definitions.py) shown as a table, CSV,
JSON or a PNG chart."""

from clickstream.reports.definitions import REPORTS
from clickstream.reports.model import Report, Section

__all__ = ["REPORTS", "Report", "Section"]
