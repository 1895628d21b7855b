#!/usr/bin/env python3
"""Fuzzers, run by tests/netns/fuzz-genl.sh and fuzz-frames.sh.

  fuzz.py genl N SEED
      N podswitch requests built from the policy the kernel reports
      (CTRL_CMD_GETPOLICY): every command, do and dump, with random
      subsets of its attributes at their bounds, past them, of wrong
      lengths, nested as the policy nests them, and one in five mutated
      (bytes flipped, cut short); every 20th a valid change of the
      configuration, so that the random ones meet ports, ACLs and services.
      Each answer is read whole; one that does not come is a failure.
  fuzz.py frames N SEED NS IFACE DMAC SRC [NS IFACE DMAC SRC ...]
      N frames, random and mutated, into the switch from each (netns,
      interface) in turn: valid IPv4 (UDP, TCP, ICMP, fragments, ICMP
      errors quoting ICMP errors, options), broken lengths and headers,
      VLAN tags, ARP, and GSO packets with virtio-net headers (a packet
      socket's PACKET_VNET_HDR). DMAC is the switch's MAC on that link,
      SRC the sender's own address (most frames use it, so that they pass
      anti-spoofing and reach deeper). N counts frames that left their
      sender (not those its own kernel refused). Prints "sent N by
      NS/IFACE ... (M built)".

  fuzz.py churn SECONDS SEED PORT=ADDR ... -- UPLINK
      valid changes, as fast as they are answered, for SECONDS: the
      ports named (pods, PORT=ADDR) deleted and added again, routes, ACLs
      set, bound and unbound on them, services to them, SNAT pools on
      UPLINK, NAT sessions flushed; the ports not named are never touched.
      Meanwhile a reader dumps the ACLs, ports, services and sessions
      without pause, so that dumps meet what the changes free (an ACL
      unbound, then deleted, while a dump reads it). Prints how many
      changes of each kind were made, and how many dumps.

Same SEED, same requests and frames (Python's random).
"""
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frames  # noqa: E402
import nstool  # noqa: E402

CTRL_CMD_GETPOLICY, CTRL_ATTR_POLICY, CTRL_ATTR_OP_POLICY = 10, 8, 9
CTRL_ATTR_POLICY_DO, CTRL_ATTR_POLICY_DUMP = 1, 2
(NL_POLICY_TYPE_ATTR_TYPE, NL_POLICY_TYPE_ATTR_MIN_VALUE_S, NL_POLICY_TYPE_ATTR_MAX_VALUE_S,
 NL_POLICY_TYPE_ATTR_MIN_VALUE_U, NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
 NL_POLICY_TYPE_ATTR_MIN_LENGTH, NL_POLICY_TYPE_ATTR_MAX_LENGTH,
 NL_POLICY_TYPE_ATTR_POLICY_IDX) = range(1, 9)
(T_FLAG, T_U8, T_U16, T_U32, T_U64, T_S8, T_S16, T_S32, T_S64, T_BINARY, T_STRING,
 T_NUL_STRING, T_NESTED, T_NESTED_ARRAY, T_BITFIELD32) = range(1, 16)
INT_SIZE = {T_U8: 1, T_U16: 2, T_U32: 4, T_U64: 8, T_S8: 1, T_S16: 2, T_S32: 4, T_S64: 8}


def attrs_of(data):
    """{type: payload} of a run of netlink attributes."""
    out, pos = {}, 0
    while pos + 4 <= len(data):
        alen, atype = struct.unpack_from("=HH", data, pos)
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[pos + 4:pos + alen]
        pos += (alen + 3) & ~3
    return out


def messages(sock):
    """The messages of one recv."""
    data, off = sock.recv(1 << 20), 0
    while off + 16 <= len(data):
        length, mtype, flags, seq, _ = struct.unpack_from("=IHHII", data, off)
        yield mtype, flags, seq, data[off + 16:off + length]
        off += (length + 3) & ~3


def get_policy(sock, family):
    """ops {cmd: (do policy, dump policy)}, policies {idx: {type: {...}}}."""
    body = struct.pack("BBH", CTRL_CMD_GETPOLICY, 1, 0) + \
        nstool.nla(nstool.CTRL_ATTR_FAMILY_ID, struct.pack("=H", family))
    sock.send(struct.pack("=IHHII", 16 + len(body), nstool.GENL_ID_CTRL,
                          nstool.NLM_F_REQUEST | nstool.NLM_F_DUMP, 1, 0) + body)
    ops, policies = {}, {}
    while True:
        for mtype, _, _, payload in messages(sock):
            if mtype == nstool.NLMSG_DONE:
                return ops, policies
            if mtype == nstool.NLMSG_ERROR:
                sys.exit(f"fuzz: GETPOLICY: {struct.unpack_from('=i', payload)[0]}")
            a = attrs_of(payload[4:])
            if CTRL_ATTR_OP_POLICY in a:
                for cmd, pol in attrs_of(a[CTRL_ATTR_OP_POLICY]).items():
                    p = {k: struct.unpack("=I", v)[0] for k, v in attrs_of(pol).items()}
                    ops[cmd] = (p.get(CTRL_ATTR_POLICY_DO), p.get(CTRL_ATTR_POLICY_DUMP))
            if CTRL_ATTR_POLICY in a:
                for idx, types in attrs_of(a[CTRL_ATTR_POLICY]).items():
                    for t, desc in attrs_of(types).items():
                        d = attrs_of(desc)
                        policies.setdefault(idx, {})[t] = {
                            k: (struct.unpack("=q" if k in (2, 3) else "=Q", v)[0]
                                if len(v) == 8 else struct.unpack("=I", v)[0])
                            for k, v in d.items()}


class Genl:
    def __init__(self, rnd):
        self.rnd = rnd
        self.sock, self.family = nstool.genl_socket()
        self.sock.settimeout(10)
        self.ops, self.policies = get_policy(self.sock, self.family)
        self.seq = 100
        names = ["psw0", "veth-pod1", "veth-pod2", "veth-up", "lo", "nosuchdev", "x" * 15, "x" * 16]
        self.strings = [n.encode() for n in names]
        self.ifindexes = [0, 1, 2, 0xFFFFFFFF] + [
            socket.if_nametoindex(n) for n in ("psw0", "veth-pod1", "veth-pod2", "veth-up")
            if os.path.exists(f"/sys/class/net/{n}")]

    def value(self, d):
        r = self.rnd
        t = d.get(NL_POLICY_TYPE_ATTR_TYPE, T_BINARY)
        if t == T_FLAG:
            return b"" if r.random() < 0.9 else b"\x01\0\0\0"
        if t in INT_SIZE:
            size = INT_SIZE[t]
            signed = t >= T_S8
            lo = d.get(NL_POLICY_TYPE_ATTR_MIN_VALUE_S if signed else NL_POLICY_TYPE_ATTR_MIN_VALUE_U, 0)
            hi = d.get(NL_POLICY_TYPE_ATTR_MAX_VALUE_S if signed else NL_POLICY_TYPE_ATTR_MAX_VALUE_U,
                       (1 << (8 * size)) - 1)
            v = r.choice([lo, hi, lo - 1, hi + 1, 0, 1, r.randint(lo, hi),
                          r.choice(self.ifindexes), r.getrandbits(8 * size)])
            v &= (1 << (8 * size)) - 1
            data = v.to_bytes(size, "little")
            if r.random() < 0.05:  # a wrong length
                data = data[:r.randint(0, size)] + bytes(r.randint(0, 4))
            return data
        if t in (T_STRING, T_NUL_STRING):
            s = r.choice(self.strings + [os.urandom(r.randint(0, 40))])
            return s + (b"\0" if r.random() < 0.9 else b"")
        if t in (T_NESTED, T_NESTED_ARRAY):
            return None  # built by the caller, which knows the depth
        lo = d.get(NL_POLICY_TYPE_ATTR_MIN_LENGTH, 0)
        hi = d.get(NL_POLICY_TYPE_ATTR_MAX_LENGTH, 64)
        n = max(0, r.choice([lo, hi, lo - 1, hi + 1, r.randint(lo, max(lo, hi))]))
        return bytes(r.getrandbits(8) for _ in range(min(n, 256)))

    def attrs(self, idx, depth=0):
        r, out = self.rnd, b""
        pol = self.policies.get(idx, {})
        types = list(pol) or [1]
        for _ in range(r.choice([0, 1, 1, 2, 2, 3, 4, 6])):
            t = r.choice(types) if r.random() < 0.95 else r.randint(1, 40)
            d = pol.get(t, {})
            v = self.value(d)
            if v is None:
                sub = d.get(NL_POLICY_TYPE_ATTR_POLICY_IDX)
                if depth >= 3 or sub is None:
                    v = b""
                elif d[NL_POLICY_TYPE_ATTR_TYPE] == T_NESTED_ARRAY:
                    v = b"".join(nstool.nla(i + 1, self.attrs(sub, depth + 1))
                                 for i in range(r.randint(0, 3)))
                else:
                    v = self.attrs(sub, depth + 1)
            out += nstool.nla(t, v)
        # A switch to address, most of the time.
        if depth == 0 and r.random() < 0.8:
            out = nstool.nla(2, "psw0") + out
        return out

    def request(self):
        r = self.rnd
        cmd = r.choice(list(self.ops)) if r.random() < 0.97 else r.randint(0, 40)
        do, dump = self.ops.get(cmd, (None, None))
        dumping = dump is not None and (do is None or r.random() < 0.5)
        body = struct.pack("BBH", cmd, r.choice([2, 2, 2, 1, 0, 3]), 0) + \
            self.attrs(dump if dumping else do)
        flags = nstool.NLM_F_REQUEST | nstool.NLM_F_ACK | (nstool.NLM_F_DUMP if dumping else 0)
        msg = bytearray(struct.pack("=IHHII", 16 + len(body), self.family, flags, 0, 0) + body)
        if r.random() < 0.2:
            for _ in range(r.randint(1, 4)):
                i = r.randrange(20, len(msg)) if len(msg) > 20 else 16
                if i < len(msg):
                    msg[i] ^= 1 << r.randrange(8)
            if r.random() < 0.3:
                msg = msg[:r.randint(20, len(msg))]
                struct.pack_into("=I", msg, 0, len(msg))
        return bytes(msg)

    def send(self, msg):
        """Send @msg and read its whole answer: (errno, messages)."""
        self.seq += 1
        msg = bytearray(msg)
        struct.pack_into("=I", msg, 8, self.seq)
        self.sock.send(bytes(msg))
        n = 0
        while True:
            for mtype, _, seq, payload in messages(self.sock):
                if seq != self.seq:
                    continue
                if mtype == nstool.NLMSG_DONE:
                    return 0, n
                if mtype == nstool.NLMSG_ERROR:
                    return -struct.unpack_from("=i", payload)[0], n
                n += 1


# Valid changes interleaved with the random requests: they keep the
# switch populated (ports, routes, ACLs, services, pools) as it churns.
VALID = [
    ("port-new", '[("ifname", "psw0"), ("port", [("ifindex", u32(IDX["veth-pod2"])), ("addrs", [("addr", ip("10.1.1.7"))])])]'),
    ("route-new", '[("ifname", "psw0"), ("route", [("dst", ip("10.9.0.0")), ("prefixlen", u8(16)), ("type", u8(3))])]'),
    ("acl-set", '[("ifname", "psw0"), ("acl", [("num", u32(7))]), ("rule", [("action", u8(2)), ("proto", u8(6))]), ("rule", [("action", u8(0))])]'),
    ("acl-bind", '[("ifname", "psw0"), ("port", [("ifindex", u32(IDX["veth-pod2"])), ("acl-in", [("num", u32(7))])])]'),
    ("service-new", '[("ifname", "psw0"), ("service", [("proto", u8(6)), ("vip", ip("10.96.0.10")), ("port", u16(80)), ("backend", [("addr", ip("10.1.1.7")), ("port", u16(8080)), ("weight", u32(1))])])]'),
    ("port-del", '[("ifname", "psw0"), ("port", [("ifindex", u32(IDX["veth-pod2"]))])]'),
    ("session-flush", '[("ifname", "psw0")]'),
    ("trace-add", '[("ifname", "psw0"), ("trace", [("count", u32(5))])]'),
]


def fuzz_genl(n, seed):
    rnd = random.Random(int(seed))
    g = Genl(rnd)
    spec = nstool.Spec()
    idx = {name: socket.if_nametoindex(name) for name in ("veth-pod2",)}
    env = {"u8": nstool.u8, "u16": nstool.u16, "u32": nstool.u32, "ip": nstool.ip, "IDX": idx}
    counts = {}
    start = time.monotonic()
    for i in range(int(n)):
        if i % 20 == 0:
            op, attrs = VALID[(i // 20) % len(VALID)]
            opspec = spec.ops[op]
            body = struct.pack("BBH", opspec["value"], 2, 0) + \
                spec.encode(opspec["attribute-set"], eval(attrs, env))
            msg = struct.pack("=IHHII", 16 + len(body), g.family,
                              nstool.NLM_F_REQUEST | nstool.NLM_F_ACK, 0, 0) + body
        else:
            msg = g.request()
        try:
            err, _ = g.send(msg)
        except socket.timeout:
            sys.exit(f"fuzz genl: no answer to request {i}: {msg.hex()}")
        counts[err] = counts.get(err, 0) + 1
    took = time.monotonic() - start
    summary = " ".join(f"{os.strerror(e) if e else 'OK'}={c}" for e, c in sorted(counts.items()))
    print(f"{n} requests in {took:.0f} s, {len(g.ops)} commands: {summary}")


def vnet_socket(ns, iface):
    with nstool.netns(ns):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.setsockopt(263, 15, 1)  # SOL_PACKET, PACKET_VNET_HDR
        s.bind((iface, 0))
    return s


def template(rnd, src, dst):
    """A frame's fields (frames.py's words): something worth mutating."""
    kind = rnd.choice(["udp", "tcp", "icmp", "frag", "err", "errerr", "arp", "opts"])
    f = {"src": src if rnd.random() < 0.8 else rnd.choice(["10.9.9.9", "127.0.0.1", "0.0.0.0",
                                                             "224.0.0.1", "255.255.255.255"]),
         "dst": rnd.choice([dst, "10.1.1.7", "10.1.1.6", "169.254.1.1", "10.96.0.10",
                            "192.168.50.2", "172.30.1.2", "127.0.0.1", "10.1.255.255"]),
         "ttl": str(rnd.choice([64, 1, 0, 2, 255])), "len": str(rnd.choice([0, 8, 100, 1400, 1480, 3000])),
         "sport": str(rnd.choice([1024, 53, 80, rnd.randint(1, 65535)])),
         "dport": str(rnd.choice([8080, 80, 7000, 53, rnd.randint(0, 65535)]))}
    if kind == "arp":
        return {"arp": rnd.choice(["request", "reply"]), "spa": f["src"], "tpa": f["dst"]}
    if kind in ("udp", "tcp", "icmp"):
        f["proto"] = kind
    if kind == "tcp":
        f["flags"] = rnd.choice(["S", "SA", "A", "R", "F", "FA", "RA", "SF", "PA"])
    if kind == "icmp":
        f["type"], f["code"] = str(rnd.choice([8, 0, 3, 11, 5, 13])), str(rnd.randint(0, 15))
    if kind == "frag":
        f["proto"] = rnd.choice(["udp", "tcp", "icmp"])
        f["mf"] = rnd.choice(["1", "0"])
        f["frag"] = str(rnd.choice([0, 8, 1480, 65528]))
        f["id"] = str(rnd.randint(0, 65535))
    if kind in ("err", "errerr"):
        f.update({"proto": "icmp", "type": str(rnd.choice([3, 11, 12, 4])), "code": str(rnd.randint(0, 15)),
                  "q.src": f["dst"], "q.dst": f["src"], "q.proto": rnd.choice(["udp", "tcp", "icmp"]),
                  "q.sport": f["dport"], "q.dport": f["sport"], "q.len": str(rnd.choice([0, 8, 500]))})
        if kind == "errerr":
            f["q.proto"], f["q.type"] = "icmp", str(rnd.choice([3, 11]))
    if rnd.random() < 0.3:
        f["df"] = "1"
    return f


def mutate(rnd, frame):
    b = bytearray(frame)
    r = rnd.random()
    if r < 0.3:
        for _ in range(rnd.randint(1, 6)):
            i = rnd.randrange(12, len(b))
            b[i] ^= 1 << rnd.randrange(8)
    elif r < 0.45:
        b = b[:rnd.randint(14, len(b))]
    elif r < 0.55:
        b += bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 64)))
    elif r < 0.65:  # a VLAN tag
        b = b[:12] + struct.pack("!HH", 0x8100, rnd.randint(0, 4095)) + b[12:]
    elif r < 0.72:  # the IP header's length fields
        if len(b) > 18:
            struct.pack_into("!H", b, 16, rnd.choice([0, 19, 20, len(b), 65535]))
            b[14] = 0x40 | rnd.randint(0, 15)
    return bytes(b)


def gso_header(rnd, frame):
    """A virtio-net header for @frame: GSO TCPv4/UDP, plausible or not."""
    flags = rnd.choice([0, 1])  # VIRTIO_NET_HDR_F_NEEDS_CSUM
    gso = rnd.choice([0, 1, 3, 4])  # none, TCPV4, UDP, TCPV6
    return struct.pack("=BBHHHH", flags, gso, rnd.choice([14, 34, 54]),
                       rnd.choice([0, 1, 536, 1448, 65535]), rnd.choice([14, 34]),
                       rnd.choice([6, 16, 40]))


def fuzz_frames(n, seed, *links):
    rnd = random.Random(int(seed))
    socks = []
    for i in range(0, len(links), 4):
        ns, iface, dmac, src = links[i:i + 4]
        with nstool.netns(ns):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((iface, 0))
        socks.append((s, vnet_socket(ns, iface), f"{ns}/{iface}", frames.mac(dmac), src, [0]))
    dst = "10.1.1.7"
    # N frames that left their senders: one their own kernel refuses (too
    # short for the link, a virtio header it cannot take) is not counted.
    i = tries = 0
    while i < int(n):
        tries += 1
        if tries > 4 * int(n):
            sys.exit(f"fuzz frames: {i} of {n} sent in {tries - 1} tries")
        s, vs, iface, dmac, src, sent = socks[tries % len(socks)]
        f = template(rnd, src, dst)
        f["dmac"] = ":".join(f"{x:02x}" for x in dmac)
        smac = s.getsockname()[4]
        frame = frames.frame(f, smac)
        if rnd.random() < 0.5:
            frame = mutate(rnd, frame)
        try:
            if rnd.random() < 0.1:
                vs.send(gso_header(rnd, frame) + frame)
            else:
                s.send(frame)
            sent[0] += 1
            i += 1
        except OSError:
            pass  # refused by the sender's own kernel: it never left
    print(" ".join(f"sent {x[5][0]} by {x[2]}" for x in socks) + f" ({tries} built)")


def fuzz_churn(seconds, seed, *args):
    rnd = random.Random(int(seed))
    i = args.index("--")
    pods = [a.split("=") for a in args[:i]]
    uplink = socket.if_nametoindex(args[i + 1])
    spec = nstool.Spec()
    sock, family = nstool.genl_socket()
    sock.settimeout(10)
    sw = ("ifname", "psw0")
    u8, u16, u32, ip = nstool.u8, nstool.u16, nstool.u32, nstool.ip

    def port_of(name):
        return ("ifindex", u32(socket.if_nametoindex(name)))

    def change():
        name, addr = rnd.choice(pods)
        k = rnd.randrange(9)
        if k == 0:
            return "port-del", [sw, ("port", [port_of(name)])]
        if k == 1:
            return "port-new", [sw, ("port", [port_of(name), ("addrs", [("addr", ip(addr))])])]
        if k == 2:
            net = f"10.9.{rnd.randrange(256)}.0"
            return rnd.choice(["route-new", "route-del"]), \
                [sw, ("route", [("dst", ip(net)), ("prefixlen", u8(24))] +
                      ([("type", u8(3))] if rnd.random() < 0.5 else []))]
        if k == 3:
            rules = [("rule", [("action", u8(rnd.choice([0, 1, 2]))), ("proto", u8(rnd.choice([6, 17, 1])))])
                     for _ in range(rnd.randint(1, 20))]
            return "acl-set", [sw, ("acl", [("num", u32(rnd.randint(1, 8)))])] + rules
        if k == 4:
            nums = [("num", u32(n)) for n in rnd.sample(range(1, 9), rnd.randint(0, 3))]
            return "acl-bind", [sw, ("port", [port_of(name), (rnd.choice(["acl-in", "acl-out"]), nums)])]
        if k == 5:
            vip = ("vip", ip(f"10.96.1.{rnd.randrange(1, 255)}"))
            svc = [("proto", u8(rnd.choice([6, 17]))), vip, ("port", u16(80))]
            if rnd.random() < 0.3:
                return "service-del", [sw, ("service", svc)]
            backends = [("backend", [("addr", ip(a)), ("port", u16(8080)), ("weight", u32(rnd.randint(1, 5)))])
                        for _, a in rnd.sample(pods, rnd.randint(1, len(pods)))]
            return "service-new", [sw, ("service", svc + backends)]
        if k == 6:
            first = rnd.randrange(1, 200)
            pool = [("port", u32(uplink)), ("first", ip(f"192.0.2.{first}")),
                    ("last", ip(f"192.0.2.{first + rnd.randrange(0, 50)}"))]
            return rnd.choice(["snat-new", "snat-del"]), [sw, ("snat", pool if rnd.random() < 0.7 else pool[:1])]
        if k == 7:
            return "acl-del", [sw, ("acl", [("num", u32(rnd.randint(1, 8)))])]
        return "session-flush", [sw, ("session", [("table", u8(1))])]

    done, seq, end = {}, 10, time.monotonic() + float(seconds)
    dumps, failed = {}, []

    def reader():
        rsock, _ = nstool.genl_socket()
        rsock.settimeout(10)
        rseq = 1 << 20
        while time.monotonic() < end:
            for op in ("acl-get:dump", "port-get:dump", "service-get:dump", "session-get:dump"):
                rseq += 1
                try:
                    err, text = nstool.genl_request(rsock, family, spec, op, [sw], rseq)
                except socket.timeout:
                    failed.append(f"no answer to a dump of {op}")
                    return
                if err:
                    failed.append(f"{op} dump: error {err} {text}")
                    return
                dumps[op] = dumps.get(op, 0) + 1

    thread = threading.Thread(target=reader)
    thread.start()
    while time.monotonic() < end:
        op, attrs = change()
        seq += 1
        try:
            err, _ = nstool.genl_request(sock, family, spec, op, attrs, seq)
        except socket.timeout:
            sys.exit(f"fuzz churn: no answer to {op}")
        key = op + ("" if err == 0 else "!")
        done[key] = done.get(key, 0) + 1
    thread.join()
    total = sum(done.values())
    print(f"{total} changes in {seconds} s: " + " ".join(f"{k}={v}" for k, v in sorted(done.items())) +
          "; dumps meanwhile: " + " ".join(f"{k}={v}" for k, v in sorted(dumps.items())))
    if failed or not dumps:
        sys.exit(f"fuzz churn: {failed or 'no dump made'}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "churn":
        fuzz_churn(*args)
    elif cmd == "genl":
        fuzz_genl(*args)
    elif cmd == "frames":
        fuzz_frames(*args)
    else:
        sys.exit(f"fuzz: unknown command {cmd}")
