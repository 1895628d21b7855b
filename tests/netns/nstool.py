#!/usr/bin/env python3
"""Test helpers that would cost one process per packet in shell.

  nstool.py echo-server ADDR PORT            TCP and UDP echo, forever
  nstool.py tcp-echo ADDR PORT NBYTES        connect, send, expect it back
  nstool.py udp-echo ADDR PORT NBYTES [N]    N datagrams without DF, sent once
                                             each, back whole
  nstool.py udp-from SPORT ADDR PORT [T]     one datagram from port SPORT, echoed
  nstool.py udp-mesh PORT NS=ADDR ...        all-pairs UDP reachability
  nstool.py tap-wire TAP NS IFNAME           a tap relayed to IFNAME in NS
  nstool.py genl OP ATTRS                    one raw podswitch request, by
                                             the YNL spec's names:
                                             genl port-del '[("ifname", "psw0"),
                                               ("port", [("ifindex", u32(5))])]'
                                             prints OK or ERR errno message
                                             [attr port.ifindex]
  nstool.py genl-dump-intr DOP DATTRS COP CATTRS
                                             a dump changed between its parts:
                                             "N messages, K interrupted"
  nstool.py genl-server                      the same for each line
                                             "TAG<TAB>OP<TAB>ATTRS" of stdin:
                                             one line "TAG ANSWER" each (a
                                             process costs a second in the
                                             debug VM)
  nstool.py spec-ops                         the spec's commands and the
                                             attributes each takes
  nstool.py spec-foreign NESTS               requests with an attribute the
                                             command does not take, each
  nstool.py spec-uapi HEADER                 where the uapi header and the
                                             spec disagree

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


def udp_echo(addr, port, nbytes, count="1"):
    """COUNT datagrams of NBYTES, one at a time, each sent once: every one
    must come back whole within 3 s."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # No DF: the datagram may be fragmented on the way.
    s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER = IP_PMTUDISC_DONT
    s.settimeout(3)
    for i in range(int(count)):
        payload = os.urandom(int(nbytes))
        s.sendto(payload, (addr, int(port)))
        try:
            data, _ = s.recvfrom(65536)
        except socket.timeout:
            sys.exit(f"udp-echo: datagram {i + 1} of {count} not echoed within 3 s")
        if data != payload:
            sys.exit(f"udp-echo: datagram {i + 1}: got {len(data)} bytes back, "
                     f"not the {len(payload)} sent")
    print(f"udp-echo: {count} datagrams of {nbytes} bytes echoed")


def tap_wire(tap, ns, ifname):
    """Create tap TAP here (gone when this process ends) and relay its
    frames to and from IFNAME in netns NS: the far end of the wire is a
    pod with its own stack, attached to the switch by a tap."""
    import fcntl
    TUNSETIFF, IFF_TAP, IFF_NO_PI = 0x400454CA, 0x0002, 0x1000
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", tap.encode(), IFF_TAP | IFF_NO_PI))
    with netns(ns):
        p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        p.bind((ifname, 0))
    print(f"tap-wire: {tap} <-> {ns}/{ifname}", flush=True)
    while True:
        r, _, _ = select.select([fd, p], [], [])
        # A frame either side cannot take (a tap still down: EIO) is lost,
        # as on a wire.
        try:
            if fd in r:
                p.send(os.read(fd, 65536))
            if p in r:
                data, addr = p.recvfrom(65536)
                if addr[2] != socket.PACKET_OUTGOING:
                    os.write(fd, data)
        except OSError as e:
            print(f"tap-wire: frame lost: {e}", flush=True)


def udp_from(sport, addr, port, timeout="2"):
    """One datagram from source port SPORT to an echo server: exit 0 when
    it comes back."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", int(sport)))
    s.settimeout(float(timeout))
    s.sendto(b"ping", (addr, int(port)))
    try:
        s.recv(100)
    except OSError as e:
        sys.exit(f"udp-from :{sport} to {addr}:{port}: {e.__class__.__name__}: {e}")
    print(f"udp-from :{sport} to {addr}:{port}: answered")


def tcp_try(addr, port, timeout="2"):
    """Connect and exchange a few bytes: exit 0 if that works, 1 if not."""
    try:
        s = socket.create_connection((addr, int(port)), timeout=float(timeout))
        s.sendall(b"ping")
        if s.recv(4) != b"ping":
            raise OSError("no echo")
        s.close()
    except OSError as e:
        print(f"tcp-try {addr}:{port}: {e.__class__.__name__}: {e}")
        sys.exit(1)
    print(f"tcp-try {addr}:{port}: connected")


def udp_try(addr, port, timeout="2"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(float(timeout))
    # Connected, so that an ICMP error comes back as ConnectionRefusedError.
    s.connect((addr, int(port)))
    try:
        s.send(b"ping")
        data = s.recv(100)
    except OSError as e:
        print(f"udp-try {addr}:{port}: {e.__class__.__name__}: {e}")
        sys.exit(1)
    print(f"udp-try {addr}:{port}: answered")


def tcp_streams(addr, port, n, seconds, stop=None):
    """N connections echoing without pause for SECONDS, or until the file
    STOP appears; any stall fails."""
    conns = [socket.create_connection((addr, int(port)), timeout=5) for _ in range(int(n))]
    end = time.time() + float(seconds)
    rounds = 0
    while time.time() < end and not (stop and os.path.exists(stop)):
        for i, c in enumerate(conns):
            msg = os.urandom(1000)
            c.sendall(msg)
            got = b""
            while len(got) < len(msg):
                try:
                    chunk = c.recv(len(msg) - len(got))
                except OSError as e:
                    sys.exit(f"tcp-streams: stream {i} broke after {rounds} rounds: {e}")
                if not chunk:
                    sys.exit(f"tcp-streams: stream {i} closed after {rounds} rounds")
                got += chunk
            if got != msg:
                sys.exit(f"tcp-streams: stream {i} echoed different bytes")
        rounds += 1
    print(f"tcp-streams: {n} streams, {rounds} rounds each")


def id_server(addr, port, name):
    """TCP: send "NAME PEER-ADDRESS PEER-PORT\n" on accept, then echo.
    UDP: answer each datagram with the same line."""
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, int(port)))
    tcp.listen(128)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((addr, int(port)))

    def serve(conn, peer):
        with conn:
            conn.sendall(f"{name} {peer[0]} {peer[1]}\n".encode())
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                conn.sendall(data)

    def udp_loop():
        while True:
            _, peer = udp.recvfrom(65536)
            udp.sendto(f"{name} {peer[0]} {peer[1]}\n".encode(), peer)

    threading.Thread(target=udp_loop, daemon=True).start()
    while True:
        conn, peer = tcp.accept()
        threading.Thread(target=serve, args=(conn, peer), daemon=True).start()


def read_line(s):
    line = b""
    while not line.endswith(b"\n"):
        chunk = s.recv(100)
        if not chunk:
            raise OSError("closed before a line")
        line += chunk
    return line.decode().split()


def tcp_who(addr, port, n):
    """N connections in turn to an id-server: print how many each name
    answered, and the peer addresses the servers saw."""
    names, peers = {}, set()
    for _ in range(int(n)):
        s = socket.create_connection((addr, int(port)), timeout=10)
        name, peer = read_line(s)[:2]
        s.close()
        names[name] = names.get(name, 0) + 1
        peers.add(peer)
    for name in sorted(names):
        print(f"{name} {names[name]}")
    print("peers " + " ".join(sorted(peers)))


def udp_who(addr, port, n):
    """N datagrams from as many sockets (so many source ports) to an
    id-server; every answer must come from ADDR:PORT. Prints as tcp-who."""
    names, peers = {}, set()
    for _ in range(int(n)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(5)
        s.sendto(b"who", (addr, int(port)))
        data, src = s.recvfrom(100)
        s.close()
        if src != (addr, int(port)):
            sys.exit(f"udp-who: answer from {src[0]}:{src[1]}, not {addr}:{port}")
        name, peer = data.decode().split()[:2]
        names[name] = names.get(name, 0) + 1
        peers.add(peer)
    for name in sorted(names):
        print(f"{name} {names[name]}")
    print("peers " + " ".join(sorted(peers)))


def tcp_from(addr, port, first, n):
    """N connections in turn to an id-server, from source ports FIRST,
    FIRST+1, ...: print the address and port the server saw, one a line."""
    for i in range(int(n)):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(10)
        s.bind(("0.0.0.0", int(first) + i))
        s.connect((addr, int(port)))
        _, peer, pport = read_line(s)
        s.close()
        print(f"{peer}:{pport}")


def crr_server(addr, port):
    """One transaction per connection: read a byte, answer it, close."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(512)
    while True:
        conn, _ = srv.accept()
        try:
            if conn.recv(1):
                conn.sendall(b"y")
        except OSError:
            pass
        conn.close()


def crr(addr, port, seconds):
    """Connect, one byte each way, close, for SECONDS (like netperf
    TCP_CRR): print the transactions per second."""
    n, start = 0, time.time()
    end = start + float(seconds)
    while time.time() < end:
        s = socket.create_connection((addr, int(port)), timeout=5)
        s.sendall(b"x")
        if s.recv(1) != b"y":
            sys.exit("crr: no answer")
        s.close()
        n += 1
    print(n / (time.time() - start))


def tcp_hold(addr, port, n, stop):
    """N connections to an id-server kept echoing until the file STOP
    appears; then print, per connection, its server's name and whether it
    still works."""
    conns = []
    for _ in range(int(n)):
        s = socket.create_connection((addr, int(port)), timeout=5)
        conns.append([s, read_line(s)[0], True])
    while not os.path.exists(stop):
        for c in conns:
            if not c[2]:
                continue
            try:
                c[0].sendall(b"x" * 100)
                got = b""
                while len(got) < 100:
                    chunk = c[0].recv(100 - len(got))
                    if not chunk:
                        raise OSError("closed")
                    got += chunk
            except OSError:
                c[2] = False
        time.sleep(0.05)
    for s, name, alive in conns:
        print(f"{name} {'alive' if alive else 'broken'}")


def udp_mesh(port, pods):
    """Every pod sends one datagram to every other; each must arrive.

    A warm-up ring (each pod to the next, resent until it arrives, 30 s at
    most) lets the pods resolve their gateway and the switch resolve every
    pod, whose first packets wait in bounded ARP queues. Then every pair is
    sent exactly once, 256 at a time, and none may be lost."""
    port = int(port)
    socks = {}
    for spec in pods:
        ns, addr = spec.split("=")
        with netns(ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, port))
            s.setblocking(False)
        socks[addr] = s
    addrs = list(socks)

    def receive(got, seconds):
        end = time.time() + seconds
        while time.time() < end:
            r, _, _ = select.select(list(socks.values()), [], [], 0.05)
            for s in r:
                while True:
                    try:
                        data, _ = s.recvfrom(100)
                    except BlockingIOError:
                        break
                    got.add(tuple(data.decode().split(">")))

    def send(pairs):
        for a, b in pairs:
            socks[a].sendto(f"{a}>{b}".encode(), (b, port))

    ring = {(a, addrs[(i + 1) % len(addrs)]) for i, a in enumerate(addrs)}
    got = set()
    deadline = time.time() + 30
    while ring - got and time.time() < deadline:
        send(ring - got)
        receive(got, 0.5)
    if ring - got:
        sys.exit(f"udp-mesh: warm-up ring incomplete, e.g. {sorted(ring - got)[:5]}")

    want = sorted((a, b) for a in addrs for b in addrs if a != b)
    got = set()
    for i in range(0, len(want), 256):
        send(want[i:i + 256])
        receive(got, 0.2)
    pending = set(want) - got
    end = time.time() + 5
    while pending and time.time() < end:
        receive(got, 0.2)
        pending = set(want) - got
    if pending:
        sys.exit(f"udp-mesh: {len(pending)} of {len(want)} datagrams lost, "
                 f"e.g. {sorted(pending)[:5]}")
    print(f"udp-mesh: all {len(want)} pairs reachable, each datagram sent once")


# --- raw generic netlink, for requests pswctl would refuse to build ---

NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 16, 3, 1, 2
NETLINK_EXT_ACK, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 11, 1, 2
NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MISS_NEST = 5, 6
NLA_F_NESTED = 0x8000
SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "../../Documentation/netlink/specs/podswitch.yaml")


class Spec:
    """Commands and attributes by their names in the YNL spec: requests
    are written as [("ifname", "psw0"), ("port", [("ifindex", u32(5))])],
    and answers name attributes by their path ("port.type")."""

    def __init__(self, path=SPEC):
        # -S leaves Debian's packages off the path.
        sys.path.append("/usr/lib/python3/dist-packages")
        import yaml
        with open(path) as f:
            y = yaml.safe_load(f)
        self.sets = {}
        for aset in y["attribute-sets"]:
            attrs, value = {}, 1
            for a in aset["attributes"]:
                value = a.get("value", value)
                attrs[a["name"]] = dict(a, value=value)
                value += 1
            self.sets[aset["name"]] = attrs
        self.ops = {}
        for value, op in enumerate(y["operations"]["list"], 1):
            self.ops[op["name"]] = dict(op, value=op.get("value", value))

    def encode(self, aset, attrs):
        out = b""
        for name, val in attrs:
            if isinstance(name, int):  # a type the spec does not have
                t, sub = name, None
            else:
                spec = self.sets[aset][name]
                t, sub = spec["value"], spec.get("nested-attributes")
            if isinstance(val, list):
                out += nla(t | NLA_F_NESTED, self.encode(sub, val))
            else:
                out += nla(t, val)
        return out

    def locate(self, aset, data, target, pos=0):
        """The attribute at byte TARGET of DATA: its path of names
        ("port.type") and the attribute set it nests, or (None, None)."""
        while pos + 4 <= len(data):
            alen, atype = struct.unpack_from("=HH", data, pos)
            if alen < 4:
                break
            t = atype & 0x3fff
            spec = next((a for a in self.sets.get(aset, {}).values()
                         if a["value"] == t), {})
            name, sub = spec.get("name", str(t)), spec.get("nested-attributes")
            if pos == target:
                return name, sub
            if pos < target < pos + alen and atype & NLA_F_NESTED:
                inner, inner_set = self.locate(sub, data[:pos + alen], target, pos + 4)
                return (f"{name}.{inner}", inner_set) if inner else (None, None)
            pos += (alen + 3) & ~3
        return None, None

    def name(self, aset, t):
        return next((a["name"] for a in self.sets.get(aset, {}).values()
                     if a["value"] == t), str(t))


def u8(v):
    return struct.pack("B", v)


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def ip(a):
    return socket.inet_aton(a)


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def nla(t, payload):
    if isinstance(payload, str):
        payload = payload.encode() + b"\0"
    hdr = struct.pack("=HH", 4 + len(payload), t)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def genl_request(sock, family, spec, op, attrs, seq):
    """Send OP (a do, or a dump when it has no do; "OP:do" or "OP:dump"
    says which, a number is a command the spec does not have) and read
    its answer: (errno, text), the text naming a bad or missing attribute."""
    op, _, kind = op.partition(":")
    if op.isdigit():
        opspec = {"value": int(op), "attribute-set": "switch", "do": {}}
    else:
        opspec = spec.ops[op]
    aset = opspec["attribute-set"]
    kind = kind or ("do" if "do" in opspec else "dump")
    flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if kind == "dump" else 0)
    body = struct.pack("BBH", opspec["value"], 2, 0) + spec.encode(aset, attrs)
    msg = struct.pack("=IHHII", 16 + len(body), family, flags, seq, 0) + body
    sock.send(msg)
    while True:
        data = sock.recv(1 << 20)
        off = 0
        while off < len(data):
            length, mtype, mflags, rseq, _ = struct.unpack_from("=IHHII", data, off)
            if rseq == seq and mtype == NLMSG_DONE:
                return 0, ""
            if mtype == NLMSG_ERROR and rseq == seq:
                err = struct.unpack_from("=i", data, off + 16)[0]
                text, bad, miss, nest = "", None, None, None
                # TLVs follow the error and the echoed request header
                # (capped: header only).
                inner = struct.unpack_from("=I", data, off + 20)[0]
                pos = off + 20 + (16 if mflags & 0x100 else inner)
                while pos + 4 <= off + length:
                    alen, atype = struct.unpack_from("=HH", data, pos)
                    if alen < 4:
                        break
                    val = data[pos + 4:pos + alen]
                    if atype == NLMSGERR_ATTR_MSG:
                        text = val.split(b"\0")[0].decode()
                    elif atype == NLMSGERR_ATTR_OFFS:
                        # The bad attribute's offset in the request: name it.
                        bad, _ = spec.locate(aset, msg[20:], struct.unpack("=I", val)[0] - 20)
                    elif atype == NLMSGERR_ATTR_MISS_TYPE:
                        miss = struct.unpack("=I", val)[0]
                    elif atype == NLMSGERR_ATTR_MISS_NEST:
                        nest = struct.unpack("=I", val)[0] - 20
                    pos += (alen + 3) & ~3
                if miss is not None:
                    path, where = "", aset
                    if nest is not None:
                        path, where = spec.locate(aset, msg[20:], nest)
                        path += "."
                    text += f"missing {path}{spec.name(where, miss)}"
                if bad:
                    text += f" [attr {bad}]"
                return -err, text
            off += (length + 3) & ~3


def genl_socket():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    sock.setsockopt(270, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    # Resolve the family id through the controller.
    body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + nla(CTRL_ATTR_FAMILY_NAME, "podswitch")
    sock.send(struct.pack("=IHHII", 16 + len(body), GENL_ID_CTRL, NLM_F_REQUEST, 1, 0) + body)
    data = sock.recv(65536)
    pos, family = 20, None
    while pos + 4 <= len(data):
        alen, atype = struct.unpack_from("=HH", data, pos)
        if atype == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack_from("=H", data, pos + 4)[0]
        pos += (alen + 3) & ~3
    if family is None:
        sys.exit("genl: no podswitch family")
    return sock, family


def genl_answer(sock, family, spec, op, attrs, seq):
    err, text = genl_request(sock, family, spec, op, eval(attrs), seq)
    return "OK" if err == 0 else f"ERR {os.strerror(err)}: {text}"


def genl(op, attrs):
    sock, family = genl_socket()
    print(genl_answer(sock, family, Spec(), op, attrs, 2))


def genl_dump_intr(dop, dattrs, cop, cattrs):
    """Dump DOP; between its first part (built as the request is sent)
    and the rest, make the change COP on another socket. Print how many
    messages came and how many carried NLM_F_DUMP_INTR."""
    spec = Spec()
    sock, family = genl_socket()
    other, _ = genl_socket()
    opspec = spec.ops[dop]
    body = struct.pack("BBH", opspec["value"], 2, 0) + \
        spec.encode(opspec["attribute-set"], eval(dattrs))
    sock.send(struct.pack("=IHHII", 16 + len(body), family, NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    err, text = genl_request(other, family, spec, cop, eval(cattrs), 2)
    if err:
        sys.exit(f"genl-dump-intr: the change failed: {os.strerror(err)}: {text}")
    n = intr = 0
    while True:
        data = sock.recv(65536)
        off = 0
        while off < len(data):
            length, mtype, flags, _, _ = struct.unpack_from("=IHHII", data, off)
            if mtype in (NLMSG_ERROR, NLMSG_DONE):
                print(f"{n} messages, {intr} interrupted")
                return
            n += 1
            intr += bool(flags & 0x10)  # NLM_F_DUMP_INTR
            off += (length + 3) & ~3


def genl_server():
    spec = Spec()
    sock, family = genl_socket()
    seq = 1
    # readline, not iteration: answer each line as soon as it arrives.
    while line := sys.stdin.readline():
        seq += 1
        try:
            tag, op, attrs = line.rstrip("\n").split("\t", 2)
            answer = genl_answer(sock, family, spec, op, attrs, seq)
        except Exception as e:  # a bad request line is the test's bug: say so
            tag, answer = line.split("\t", 1)[0], f"BAD REQUEST {e!r}"
        # The tag lets the caller tell this answer from a late one.
        print(tag, answer.replace("\n", " "), flush=True)


def spec_ops():
    """For each command: "OP do|dump admin|read ATTR..." with the
    top-level attributes it takes, then "- SET ATTR..." for every
    attribute set."""
    spec = Spec()
    for name, op in spec.ops.items():
        kind = "do" if "do" in op else "dump"
        req = op[kind].get("request", {}).get("attributes", [])
        perm = "admin" if "uns-admin-perm" in op.get("flags", []) else "read"
        print(name, kind, perm, *req)
    for name, attrs in spec.sets.items():
        print("-", name, *attrs)


def spec_foreign(nests_file):
    """Requests that give each command one attribute it does not take:
    "TAG<TAB>OP<TAB>ATTRS<TAB>PATH" for genl-server, PATH the attribute's.
    NESTS_FILE has "OP NEST[.NEST]: ATTR..." for each nest a command takes
    (its attributes the command uses); a nest without a line is an error."""
    spec = Spec()
    nests = {}
    with open(nests_file) as f:
        for line in f:
            if line.strip():
                head, attrs = line.split(":")
                op, path = head.split()
                nests[op, path] = attrs.split()
    zero = "b'\\0\\0\\0\\0'"
    tag = 0

    def emit(op, attrs, path):
        nonlocal tag
        tag += 1
        print(f"{tag}\t{op}\t{attrs}\t{path}")

    def walk(op, aset, path, wrap):
        """Foreign attributes of the nest at PATH (set ASET) and below."""
        if (op, path) not in nests:
            sys.exit(f"spec-foreign: no line for the nest {path} of {op}")
        taken = nests[op, path]
        for name, a in spec.sets[aset].items():
            if name not in taken:
                emit(op, wrap(f"[('{name}', {zero})]"), f"{path}.{name}")
            elif a["type"] == "nest" and len(spec.sets[a["nested-attributes"]]) > 1:
                walk(op, a["nested-attributes"], f"{path}.{name}",
                     lambda inner, n=name: wrap(f"[('{n}', {inner})]"))

    for name, op in spec.ops.items():
        kind = "do" if "do" in op else "dump"
        taken = op[kind].get("request", {}).get("attributes", [])
        aset = op["attribute-set"]
        for attr, a in spec.sets[aset].items():
            if attr not in taken:
                emit(name, f"[('{attr}', {zero})]", attr)
            elif a["type"] == "nest":
                walk(name, a["nested-attributes"], attr,
                     lambda inner, n=attr: f"[('{n}', {inner})]")


def spec_uapi(header):
    """Where the uapi header and the spec disagree: one line each."""
    import re
    sys.path.append("/usr/lib/python3/dist-packages")
    import yaml
    with open(SPEC) as f:
        y = yaml.safe_load(f)
    with open(header) as f:
        text = f.read()
    enums = {m[0]: [e.split("=")[0].strip() for e in m[1].split(",") if e.strip()]
             for m in re.findall(r"enum (\w+) \{([^}]*)\}", re.sub(r"/\*.*?\*/", "", text, flags=re.S))}

    def c(name):
        return name.upper().replace("-", "_")

    def check(enum, want):
        got = [e for e in enums.get(c(enum).lower(), []) if not e.startswith("__")]
        if got != want:
            print(f"enum {c(enum).lower()}: header {got}, spec {want}")

    for d in y["definitions"]:
        check(d["enum-name"], [c(d["name-prefix"] + e) for e in d["entries"]])
    for aset in y["attribute-sets"]:
        p = aset["name-prefix"]
        check(aset["enum-name"], [c(p + "unspec")] + [c(p + a["name"]) for a in aset["attributes"]])
    p = y["operations"]["name-prefix"]
    check(y["operations"]["enum-name"],
          [c(p + "unspec")] + [c(p + op["name"]) for op in y["operations"]["list"]])
    version = re.search(r"#define PSW_GENL_VERSION (\d+)", text)
    if not version or int(version[1]) != y["version"]:
        print(f"PSW_GENL_VERSION: header {version and version[1]}, spec {y['version']}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "echo-server":
        echo_server(*args)
    elif cmd == "tcp-echo":
        tcp_echo(*args)
    elif cmd == "genl":
        genl(args[0], args[1])
    elif cmd == "genl-server":
        genl_server()
    elif cmd == "genl-dump-intr":
        genl_dump_intr(*args)
    elif cmd == "spec-ops":
        spec_ops()
    elif cmd == "spec-foreign":
        spec_foreign(*args)
    elif cmd == "spec-uapi":
        spec_uapi(*args)
    elif cmd == "udp-echo":
        udp_echo(*args)
    elif cmd == "tcp-try":
        tcp_try(*args)
    elif cmd == "udp-try":
        udp_try(*args)
    elif cmd == "udp-from":
        udp_from(*args)
    elif cmd == "tap-wire":
        tap_wire(*args)
    elif cmd == "tcp-streams":
        tcp_streams(*args)
    elif cmd == "id-server":
        id_server(*args)
    elif cmd == "tcp-who":
        tcp_who(*args)
    elif cmd == "udp-who":
        udp_who(*args)
    elif cmd == "crr-server":
        crr_server(*args)
    elif cmd == "crr":
        crr(*args)
    elif cmd == "tcp-from":
        tcp_from(*args)
    elif cmd == "tcp-hold":
        tcp_hold(*args)
    elif cmd == "udp-mesh":
        udp_mesh(args[0], args[1:])
    else:
        sys.exit(f"nstool: unknown command {cmd}")
