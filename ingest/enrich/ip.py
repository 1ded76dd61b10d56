"""Client IP -> its network prefix, so the full address is never stored.

IPv4 keeps its /24 and IPv6 its /48 (roughly one site), enough for coarse geography and abuse
counting but not for identifying a household. An IPv4-mapped IPv6 address (::ffff:1.2.3.4, what a
dual-stack socket reports for IPv4 clients) is truncated as the IPv4 address it carries.
"""

from __future__ import annotations

from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Network, ip_address

IPV4_PREFIX = 24
IPV6_PREFIX = 48


@lru_cache(maxsize=65_536)  # one client sends many events: parse its address once
def truncate_ip(address: str | None) -> str:
    """Return the network address of `address`'s /24 (IPv4) or /48 (IPv6); "" if not an IP."""
    if not address or not isinstance(address, str):
        return ""
    try:
        ip = ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(ip, IPv4Address):
        return str(IPv4Network((int(ip), IPV4_PREFIX), strict=False).network_address)
    if ip.ipv4_mapped is not None:
        return str(IPv4Network((int(ip.ipv4_mapped), IPV4_PREFIX), strict=False).network_address)
    # Via int() so an IPv6 zone id ("%eth0") is dropped too.
    return str(IPv6Network((int(ip), IPV6_PREFIX), strict=False).network_address)
