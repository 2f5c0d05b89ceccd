"""The address students type or scan to join a class: one that their phones can open.

A lecturer who opened the app at ``http://localhost:8501`` would otherwise project a QR code for ``localhost``, which
on a phone is the phone. When the page's host is a loopback address, the join address uses this machine's address
on the room's network instead (what Streamlit prints as its "Network URL"), found by reading the network interfaces,
without connecting anywhere; ``ONESHOT_PUBLIC_URL`` overrides both (a balancer, a proxy, a tunnel, HTTPS).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

PUBLIC_URL_ENV = "ONESHOT_PUBLIC_URL"
# Interfaces of containers and virtual machines on the laptop itself: no phone in the room can reach them.
VIRTUAL_INTERFACES = ("docker", "br-", "veth", "virbr", "vboxnet", "vmnet", "lxcbr", "lxdbr", "podman", "cni", "zt",
                      "utun", "awdl", "llw")
LOOPBACK_HOSTS = ("localhost", "0.0.0.0", "::")


@dataclass(frozen=True)
class JoinAddress:
    """``url``: the class page's address for students; ``source``: where its host came from (``public``: the
    environment variable; ``network``: this machine's network address, put in place of a loopback host; ``page``:
    the address the projector's browser used; ``loopback``: a loopback address no phone can open, for lack of a
    network address)."""

    url: str
    source: str

    @property
    def reachable(self) -> bool:
        return self.source != "loopback"


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def choose_network_address(interfaces: Mapping[str, tuple[bool, Iterable[str]]]) -> str | None:
    """The IPv4 address phones in the room most likely reach, from ``{name: (is_up, addresses)}``: an interface that
    is up and not a container's or a VM's; a private address (192.168/16, then 10/8, then 172.16/12) before any
    other; never loopback or link-local (169.254/16, which means no network gave the laptop an address)."""
    ranked = []
    for name, (up, addresses) in sorted(interfaces.items()):
        if not up or name.lower().startswith(VIRTUAL_INTERFACES):
            continue
        for text in addresses:
            try:
                address = ipaddress.IPv4Address(text)
            except ValueError:
                continue
            if address.is_loopback or address.is_link_local or address.is_multicast or address.is_unspecified:
                continue
            private = [ipaddress.ip_network(n) for n in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")]
            rank = next((i for i, network in enumerate(private) if address in network), len(private))
            ranked.append((rank, name, text))
    return min(ranked)[2] if ranked else None


def network_interfaces() -> dict[str, tuple[bool, list[str]]]:
    """This machine's interfaces and IPv4 addresses, as the operating system lists them (psutil; nothing is sent)."""
    import socket

    import psutil

    stats = psutil.net_if_stats()
    return {name: (bool(stats.get(name) and stats[name].isup),
                   [a.address for a in addresses if a.family == socket.AF_INET])
            for name, addresses in psutil.net_if_addrs().items()}


def network_address() -> str | None:
    try:
        return choose_network_address(network_interfaces())
    except (OSError, RuntimeError):  # an operating system that will not list its interfaces
        return None


def class_page_url(base_url: str, code: str) -> str:
    """The class page of the server at ``base_url`` (any page's address there) with the class's code."""
    parts = urlsplit(base_url or "")
    path = parts.path if parts.path.rstrip("/").endswith("class") else parts.path.rstrip("/") + "/class"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode({"class": code}), ""))


def join_address(page_url: str, code: str, public_url: str | None = None,
                 lan_address: str | None = None) -> JoinAddress:
    """Where students join: ``public_url`` when set; else the page's own address, with ``lan_address`` (this machine
    on the room's network) in place of a loopback host, keeping the scheme and the port."""
    if public_url and public_url.strip():
        return JoinAddress(class_page_url(public_url.strip(), code), "public")
    parts = urlsplit(page_url or "")
    host = parts.hostname or ""
    if not is_loopback(host):
        return JoinAddress(class_page_url(page_url, code), "page")
    if lan_address is None:
        return JoinAddress(class_page_url(page_url, code), "loopback")
    netloc = lan_address + (f":{parts.port}" if parts.port else "")
    return JoinAddress(class_page_url(urlunsplit((parts.scheme, netloc, parts.path, "", "")), code), "network")


def students_join_address(page_url: str, code: str) -> JoinAddress:
    """:func:`join_address` with ``$ONESHOT_PUBLIC_URL`` and this machine's network address."""
    public = os.environ.get(PUBLIC_URL_ENV, "")
    host = urlsplit(page_url or "").hostname or ""
    return join_address(page_url, code, public, network_address() if not public and is_loopback(host) else None)
