"""The test run is offline: no process it starts can reach beyond this machine.

``make test`` sets ``RNNLAB_OFFLINE=1`` and puts ``tests/offline`` on ``PYTHONPATH`` (see
its ``sitecustomize.py``). These tests check the cut holds here and in a child process (as
the notebooks' kernels are), and that loopback, which Jupyter needs, stays open.
"""
import os
import socket
import subprocess
import sys
import threading

import pytest

ACTIVE = os.environ.get("RNNLAB_OFFLINE") == "1"
if not ACTIVE:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("CI must run the tests offline: run them with `make test` (RNNLAB_OFFLINE=1)",
                    pytrace=False)
    pytest.skip("the network guard is on under `make test` only (RNNLAB_OFFLINE=1)", allow_module_level=True)


def test_connections_beyond_this_machine_are_refused():
    with pytest.raises(OSError, match=r"blocked while the tests run.*connect to \('1\.1\.1\.1', 443\)"):
        socket.create_connection(("1.1.1.1", 443), timeout=1)
    with pytest.raises(OSError, match="name lookup of 'pypi.org'"):
        socket.getaddrinfo("pypi.org", 443)


def test_urllib_download_fails_with_the_message():
    import urllib.request
    with pytest.raises(OSError, match="blocked while the tests run"):
        urllib.request.urlopen("https://example.com/data.csv", timeout=1)


def test_a_child_process_is_offline_too():
    code = ("import socket\n"
            "try:\n    socket.create_connection(('8.8.8.8', 53), timeout=1)\n"
            "except OSError as e:\n    print(type(e).__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "NetworkBlocked"


def test_loopback_stays_open():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=lambda: server.accept()[0].sendall(b"ok"), daemon=True).start()
    with socket.create_connection(("localhost", port), timeout=5) as client:
        assert client.recv(2) == b"ok"
    server.close()
