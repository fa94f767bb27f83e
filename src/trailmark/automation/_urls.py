"""Which webhook targets are allowed: http(s) only, never link-local or cloud metadata addresses.

Loopback and private addresses are allowed unless the policy denies them (``trailmark
server --webhook-deny-private``). Names are resolved and checked when a hook is added
and again before every send, so a name that later points elsewhere is still caught.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import socket
from urllib.parse import urlsplit

from trailmark.errors import ValidationError

DENY_PRIVATE_ENV = "TRAILMARK_WEBHOOK_DENY_PRIVATE"
_METADATA = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("fe80::/10"),
             ipaddress.ip_network("fd00:ec2::254/128"))

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclasses.dataclass(frozen=True)
class UrlPolicy:
    """The rule for webhook targets."""

    deny_private: bool = False

    @classmethod
    def from_env(cls) -> UrlPolicy:
        return cls(deny_private=os.environ.get(DENY_PRIVATE_ENV, "").strip().lower() in ("1", "true", "yes"))

    def check(self, url: str, *, resolve: bool = True) -> str:
        """``url`` if it may be a webhook target; ValidationError saying why not."""
        if not isinstance(url, str) or not url.strip():
            raise ValidationError("a webhook needs a URL such as https://ci.example/hook")
        url = url.strip()
        try:
            parts = urlsplit(url)
            host = parts.hostname
            parts.port  # noqa: B018  (a bad port raises here)
        except ValueError as exc:
            raise ValidationError(f"cannot read webhook URL {url!r}: {exc}") from exc
        if parts.scheme not in ("http", "https"):
            raise ValidationError(f"a webhook URL must be http:// or https://, not {url!r}")
        if not host:
            raise ValidationError(f"webhook URL {url!r} names no host")
        for address in _addresses(host, resolve=resolve):
            self._check_address(url, address)
        return url

    def _check_address(self, url: str, address: Address) -> None:
        mapped = getattr(address, "ipv4_mapped", None)
        address = mapped or address
        if any(address in network for network in _METADATA if network.version == address.version):
            raise ValidationError(f"webhook URL {url!r} points at a link-local or cloud metadata address ({address})")
        if self.deny_private and (address.is_private or address.is_loopback or address.is_reserved
                                  or address.is_unspecified or address.is_multicast):
            raise ValidationError(f"webhook URL {url!r} points at a private address ({address}), "
                                  "which this server refuses")


def _addresses(host: str, *, resolve: bool) -> list[Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    if not resolve:
        return []
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []  # not resolvable now: checked again before each send
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
