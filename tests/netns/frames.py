#!/usr/bin/env python3
"""Hand-made frames, as a hostile pod or uplink host sends them.

  frames.py SEND_NS IFACE N SPEC... [-- RECV_NS WHERE SECONDS [FILTER...]]

sends N Ethernet frames built from SPEC out of IFACE in netns SEND_NS,
and, after "--", counts what arrives in RECV_NS within SECONDS of the
last frame sent: WHERE is an interface (frames matching FILTER, not
sent by this host) or udp:ADDR:PORT (datagrams a UDP socket bound there
receives). A netns "-" is the caller's own. Prints "sent N received M".

SPEC and FILTER are KEY=VALUE words:
  dmac smac         Ethernet addresses (smac: IFACE's own)
  src dst ttl id    IPv4 header (ttl 64); df=1, mf=1, frag=OFFSET (bytes)
  proto             udp, tcp, icmp or a number (udp)
  sport dport       UDP/TCP ports; flags (TCP, e.g. SA, R), seq, ack
  type code icmpid  ICMP
  len               payload bytes (0)
  q.KEY             the packet an ICMP error quotes (q.src, q.dst, q.proto,
                    q.sport, q.dport, q.len ...), its whole header and
                    payload
  arp               request or reply: an ARP frame instead, of sha (smac),
                    spa, tha (zero), tpa
An address or port ending in "+" grows by one each frame (spa=10.200.0.0+:
N senders).
A FILTER key matches the received frame's field (q. keys: the quoted
packet's); "proto=icmp type=11" counts time-exceeded errors.
Sockets are opened inside netns with setns(2) (nstool.netns).
"""
import os
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nstool import netns  # noqa: E402

PROTOS = {"icmp": 1, "tcp": 6, "udp": 17}
TCP_FLAGS = "FSRPAU"


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(a):
    return socket.inet_aton(a)


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def proto_num(p):
    return PROTOS[p] if p in PROTOS else int(p)


def ip_packet(f):
    """The IPv4 packet (header and payload) fields @f describe."""
    proto = proto_num(f.get("proto", "udp"))
    src, dst = ip4(f.get("src", "0.0.0.0")), ip4(f.get("dst", "0.0.0.0"))
    payload = bytes(int(f.get("len", 0)))
    if proto == 17:
        l4 = struct.pack("!HHHH", int(f.get("sport", 1024)), int(f.get("dport", 9)),
                         8 + len(payload), 0) + payload
        c = csum(src + dst + struct.pack("!BBH", 0, 17, len(l4)) + l4) or 0xFFFF
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
    elif proto == 6:
        flags = sum(1 << TCP_FLAGS.index(c) for c in f.get("flags", "S"))
        l4 = struct.pack("!HHIIBBHHH", int(f.get("sport", 1024)), int(f.get("dport", 80)),
                         int(f.get("seq", 1000)), int(f.get("ack", 0)), 5 << 4, flags,
                         int(f.get("window", 65535)), 0, 0) + payload
        c = csum(src + dst + struct.pack("!BBH", 0, 6, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
    elif proto == 1:
        rest = struct.pack("!HH", int(f.get("icmpid", 0)), int(f.get("seq", 0)))
        quoted = {k[2:]: v for k, v in f.items() if k.startswith("q.")}
        if quoted:
            rest, payload = b"\0" * 4, ip_packet(quoted) + payload
        l4 = struct.pack("!BBH", int(f.get("type", 8)), int(f.get("code", 0)), 0) + rest + payload
        l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
    else:
        l4 = payload
    frag = int(f.get("frag", 0)) // 8
    frag |= (0x4000 if f.get("df") == "1" else 0) | (0x2000 if f.get("mf") == "1" else 0)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), int(f.get("id", 1)), frag,
                      int(f.get("ttl", 64)), proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + l4


def parse_ip(data):
    """The fields of the IPv4 packet @data, as a SPEC would give them."""
    if len(data) < 20 or data[0] >> 4 != 4:
        return None
    ihl = (data[0] & 15) * 4
    f = {"src": socket.inet_ntoa(data[12:16]), "dst": socket.inet_ntoa(data[16:20]),
         "ttl": str(data[8]), "proto": {v: k for k, v in PROTOS.items()}.get(data[9], str(data[9]))}
    l4 = data[ihl:]
    if data[9] in (6, 17) and len(l4) >= 4:
        f["sport"], f["dport"] = (str(p) for p in struct.unpack("!HH", l4[:4]))
    elif data[9] == 1 and len(l4) >= 8:
        f["type"], f["code"] = str(l4[0]), str(l4[1])
        if l4[0] in (3, 4, 5, 11, 12):
            inner = parse_ip(l4[8:])
            if inner:
                f.update({"q." + k: v for k, v in inner.items()})
        else:
            f["icmpid"] = str(struct.unpack("!H", l4[4:6])[0])
    return f


def arp_packet(f, smac):
    op = {"request": 1, "reply": 2}[f["arp"]]
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op,
                       mac(f["sha"]) if "sha" in f else smac, ip4(f.get("spa", "0.0.0.0")),
                       mac(f.get("tha", "00:00:00:00:00:00")), ip4(f.get("tpa", "0.0.0.0")))


def nth(spec, i):
    """Frame @i's fields: "+" values grown by @i."""
    f = {}
    for k, v in spec.items():
        if v.endswith("+"):
            v = v[:-1]
            if "." in v:
                v = socket.inet_ntoa(struct.pack("!I", struct.unpack("!I", ip4(v))[0] + i))
            else:
                v = str(int(v) + i)
        f[k] = v
    return f


def frame(f, smac):
    if "arp" in f:
        return mac(f["dmac"]) + smac + b"\x08\x06" + arp_packet(f, smac)
    return mac(f["dmac"]) + smac + b"\x08\x00" + ip_packet(f)


def words(args):
    return dict(a.split("=", 1) for a in args)


class here:
    """netns "-": the caller's own."""

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        pass


def inside(ns):
    return here() if ns == "-" else netns(ns)


def receiver(ns, where):
    with inside(ns):
        if where.startswith("udp:"):
            _, addr, port = where.split(":")
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, int(port)))
        else:
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.bind((where, 0))
    return s


def count(sock, seconds, want):
    n, end = 0, time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([sock], [], [], left)[0]:
            return n
        data, addr = sock.recvfrom(65535)
        if sock.family == socket.AF_INET:
            n += 1
            continue
        if addr[2] == socket.PACKET_OUTGOING or data[12:14] != b"\x08\x00":
            continue
        f = parse_ip(data[14:])
        if f and all(f.get(k) == v for k, v in want.items()):
            n += 1


def main(argv):
    recv = None
    if "--" in argv:
        i = argv.index("--")
        argv, recv = argv[:i], argv[i + 1:]
    ns, iface, n, spec = argv[0], argv[1], int(argv[2]), words(argv[3:])
    rsock = receiver(recv[0], recv[1]) if recv else None
    with inside(ns):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
    smac = mac(spec["smac"]) if "smac" in spec else s.getsockname()[4]
    grows = any(v.endswith("+") for v in spec.values())
    one = None if grows else frame(spec, smac)
    for i in range(n):
        s.send(frame(nth(spec, i), smac) if grows else one)
    got = count(rsock, float(recv[2]), words(recv[3:])) if rsock else 0
    print(f"sent {n} received {got}")


if __name__ == "__main__":
    main(sys.argv[1:])
