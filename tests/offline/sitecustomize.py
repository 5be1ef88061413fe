"""Cut the network off for every Python process of a test run, loopback excepted.

``make test`` puts this folder on ``PYTHONPATH`` and sets ``RNNLAB_OFFLINE=1``, so Python
imports this file at start-up in pytest itself and in every process it starts: the
notebooks' kernels (nbval, the browser test's JupyterLab), nbgrader, the benchmarks. A
connection or a name lookup for anything but this machine raises :class:`NetworkBlocked`,
which names what was asked for, so a notebook that tried to download a data set or weights
fails its test with that message. Loopback stays open: Jupyter talks to its kernels and the
browser to JupyterLab through it. (Installing happens before, in ``make setup``.)
"""
import ipaddress
import os
import socket

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


class NetworkBlocked(OSError):
    """Raised for a connection or lookup that would leave this machine while tests run."""


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).split("%")[0]
    if host.lower() in LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name other than localhost: resolving it would ask a DNS server
    return address.is_loopback or address.is_unspecified


def _is_address(host) -> bool:
    try:
        ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host).split("%")[0])
    except ValueError:
        return False
    return True


def _allowed(sock, address) -> bool:
    if sock.family not in (socket.AF_INET, socket.AF_INET6):
        return True  # Unix sockets, netlink: local by nature
    return _is_local(address[0] if isinstance(address, tuple) else address)


def _install() -> None:
    connect, connect_ex, getaddrinfo = socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo

    def guarded_connect(self, address):
        if not _allowed(self, address):
            raise NetworkBlocked(f"network access is blocked while the tests run (RNNLAB_OFFLINE=1): "
                                 f"connect to {address!r}. The course must not download anything.")
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if not _allowed(self, address):
            raise NetworkBlocked(f"network access is blocked while the tests run (RNNLAB_OFFLINE=1): "
                                 f"connect to {address!r}. The course must not download anything.")
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not (_is_local(host) or _is_address(host)):  # an address needs no lookup; connect() decides
            raise NetworkBlocked(f"network access is blocked while the tests run (RNNLAB_OFFLINE=1): "
                                 f"name lookup of {host!r}. The course must not download anything.")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo
    socket.NetworkBlocked = NetworkBlocked  # reachable by tests without importing this file


if os.environ.get("RNNLAB_OFFLINE") == "1":
    _install()
