#!/usr/bin/env python3
"""Test helpers that would cost one process per packet in shell.

  nstool.py echo-server ADDR PORT            TCP and UDP echo, forever
  nstool.py tcp-echo ADDR PORT NBYTES        connect, send, expect it back
  nstool.py udp-mesh PORT NS=ADDR ...        all-pairs UDP reachability
  nstool.py genl CASE                        raw genetlink requests (bad input)

Sockets are opened inside network namespaces with setns(2) from one
process (Python 3.11 has no os.setns: ctypes).
"""
import ctypes
import os
import select
import socket
import struct
import sys
import threading
import time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


class netns:
    """with netns("pod1"): sockets made inside belong to pod1."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        fd = os.open(f"/run/netns/{self.name}", os.O_RDONLY)
        try:
            if libc.setns(fd, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns {self.name}")
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        libc.setns(self.home, CLONE_NEWNET)
        os.close(self.home)


def echo_server(addr, port):
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, int(port)))
    tcp.listen(64)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, int(port)))

    def serve(conn):
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)

    def udp_loop():
        while True:
            data, peer = udp.recvfrom(65536)
            udp.sendto(data, peer)

    threading.Thread(target=udp_loop, daemon=True).start()
    while True:
        conn, _ = tcp.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


def tcp_echo(addr, port, nbytes):
    nbytes = int(nbytes)
    payload = os.urandom(nbytes)
    s = socket.create_connection((addr, int(port)), timeout=30)
    got = bytearray()

    def reader():
        while len(got) < nbytes:
            chunk = s.recv(65536)
            if not chunk:
                break
            got.extend(chunk)

    t = threading.Thread(target=reader)
    t.start()
    s.sendall(payload)
    t.join(60)
    s.close()
    if bytes(got) != payload:
        sys.exit(f"tcp-echo: sent {nbytes} bytes, got {len(got)} back"
                 f"{' (different)' if len(got) == nbytes else ''}")
    print(f"tcp-echo: {nbytes} bytes echoed")


def udp_mesh(port, pods):
    """Every pod sends one datagram to every other; each must arrive."""
    port = int(port)
    socks = {}
    for spec in pods:
        ns, addr = spec.split("=")
        with netns(ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, port))
            s.setblocking(False)
        socks[addr] = s
    want = {(a, b) for a in socks for b in socks if a != b}
    got = set()
    deadline = time.time() + 120
    pending = set(want)
    while pending and time.time() < deadline:
        for (a, b) in list(pending)[:512]:
            try:
                socks[a].sendto(f"{a}>{b}".encode(), (b, port))
            except BlockingIOError:
                pass
        end = time.time() + 1.0
        while time.time() < end:
            r, _, _ = select.select(list(socks.values()), [], [], 0.1)
            for s in r:
                while True:
                    try:
                        data, _ = s.recvfrom(100)
                    except BlockingIOError:
                        break
                    a, b = data.decode().split(">")
                    got.add((a, b))
        pending = want - got
    if pending:
        sys.exit(f"udp-mesh: {len(pending)} of {len(want)} pairs unreachable, "
                 f"e.g. {sorted(pending)[:5]}")
    print(f"udp-mesh: all {len(want)} pairs reachable")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "echo-server":
        echo_server(*args)
    elif cmd == "tcp-echo":
        tcp_echo(*args)
    elif cmd == "udp-mesh":
        udp_mesh(args[0], args[1:])
    else:
        sys.exit(f"nstool: unknown command {cmd}")
