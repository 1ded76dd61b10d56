"""Dashboard variables substituted the way Grafana's frontend does it for the ClickHouse data
source, before the query goes to the plugin's backend (which then expands the macros,
tests/support/grafana_macros.py).

Re-implemented from grafana/grafana (public/app/features/templating/template_srv.ts `replace`,
formatRegistry.ts, variables/utils.ts `variableRegex`) and grafana/clickhouse-datasource
(src/data/CHDatasource.ts `applyTemplateVariables`: ad hoc filters, `$__conditionalAll`, then
`templateSrv.replace(rawSql, scopedVars, this.format)`, where `format` joins a multi-value
variable as 'a','b' and passes a single value through unchanged):

- references: `$name`, `${name}`, `${name:format}`, `[[name]]`, `[[name:format]]`;
- a reference to an unknown name is left as written (that is how `$__fromTime` and the other
  backend macros survive this step);
- formats implemented: the data source's default, `raw`, `singlequote` ('v', ' escaped as \\'),
  `sqlstring` ('v', ' doubled), `doublequote`, `csv`. An unknown format raises (Grafana would
  fall back to glob with a console error; here the dashboard test should fail instead).

Ad hoc filters and `$__conditionalAll` are not used by our dashboards and not implemented: a
query that contains them raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

VARIABLE_REFERENCE = re.compile(
    r"\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^\}]+))?(?::([^\}]+))?}",
    flags=re.ASCII,  # JavaScript's \w
)

Value = str | Sequence[str]


def _quote_each(value: Value, quote: str, escaped: str) -> str:
    values = [value] if isinstance(value, str) else list(value)
    return ",".join(f"{quote}{v.replace(quote, escaped)}{quote}" for v in values)


def format_value(value: Value, format_id: str | None) -> str:
    if format_id is None:  # the ClickHouse data source's own format function
        return value if isinstance(value, str) else "'" + "','".join(value) + "'"
    if format_id == "raw":
        return value if isinstance(value, str) else ",".join(value)
    if format_id == "singlequote":
        return _quote_each(value, "'", "\\'")
    if format_id == "sqlstring":
        return _quote_each(value, "'", "''")
    if format_id == "doublequote":
        return _quote_each(value, '"', '\\"')
    if format_id == "csv":
        return value if isinstance(value, str) else ",".join(value)
    raise ValueError(f"variable format {format_id!r} is not implemented here")


def references(text: str) -> list[str]:
    """The variable names `text` refers to (macros such as __fromTime included)."""
    return [m.group(1) or m.group(2) or m.group(4) for m in VARIABLE_REFERENCE.finditer(text)]


def replace(
    text: str, variables: Mapping[str, Value], scoped: Mapping[str, Value] | None = None
) -> str:
    """templateSrv.replace(text, scopedVars, clickhouseFormat): `variables` are the dashboard
    variables' current values, `scoped` the request's scoped variables (__interval, ...)."""
    if "$__conditionalAll" in text:
        raise NotImplementedError("$__conditionalAll")

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(4)
        if match.group(5):
            raise NotImplementedError(f"field path in {match.group(0)}")
        format_id = match.group(3) or match.group(6)
        if scoped and name in scoped:
            return format_value(scoped[name], format_id)
        if name not in variables:
            return match.group(0)
        return format_value(variables[name], format_id)

    return VARIABLE_REFERENCE.sub(substitute, text)
