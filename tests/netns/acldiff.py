#!/usr/bin/env python3
"""The differential ACL test's half in Python (tests/netns/acl-diff.sh).

  acldiff.py gen SEED NRULES NPACKETS DIR
      a random ACL of NRULES rules and NPACKETS random packets aimed at
      it: DIR/acl.psw (pswctl), DIR/acl.nft (the same rules for nftables'
      forward chain), DIR/packets (one per line)
  acldiff.py run DIR NS IFACE DMAC RECV_NS RECV_IFACE
      send every packet from IFACE in NS, each with its number as IP id,
      and print the numbers of those that reached RECV_IFACE in RECV_NS
  acldiff.py compare DIR PSW_FILE NFT_FILE
      the packets on which the two verdicts differ, with the rules

Rules use what both sides mean alike: ports and TCP flags with tcp or
udp, type and code with icmp. Every packet has its own source address,
so that no session a reflect rule makes lets another packet through.
"""
import json
import os
import random
import select
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import frames  # noqa: E402
import nstool  # noqa: E402

BASE = 0x0AC80000  # 10.200.0.0/16: every address of the test


def addr(n):
    return socket.inet_ntoa(struct.pack("!I", n))


def rand_prefix(rnd):
    plen = rnd.choice([8, 16, 17, 20, 24, 28, 30, 32])
    a = BASE + rnd.getrandbits(16)
    mask = (0xFFFFFFFF << (32 - plen)) & 0xFFFFFFFF
    return addr(a & mask), plen


def rand_range(rnd, hi):
    a = rnd.randint(0, hi)
    if rnd.random() < 0.5:
        return a, a
    b = rnd.randint(a, min(hi, a + rnd.choice([1, 10, 1000, hi])))
    return a, b


def gen_rule(rnd):
    r = {"action": rnd.choice(["permit", "permit", "deny", "deny", "reflect"])}
    r["proto"] = rnd.choice([None, "tcp", "udp", "icmp", 47])
    if rnd.random() < 0.6:
        r["src"] = rand_prefix(rnd)
    if rnd.random() < 0.6:
        r["dst"] = rand_prefix(rnd)
    if r["proto"] in ("tcp", "udp"):
        if rnd.random() < 0.5:
            r["sport"] = rand_range(rnd, 65535)
        if rnd.random() < 0.6:
            r["dport"] = rand_range(rnd, 65535)
    if r["proto"] == "tcp" and rnd.random() < 0.3:
        mask = rnd.getrandbits(8) or 0x12
        r["tcp-flags"] = (rnd.getrandbits(8) & mask, mask)
    if r["proto"] == "icmp":
        if rnd.random() < 0.6:
            r["type"] = rand_range(rnd, 255)
        if rnd.random() < 0.4:
            r["code"] = rand_range(rnd, 255)
    return r


def psw_rule(r):
    w = [r["action"]]
    if r["proto"] is not None:
        w += ["proto", str(r["proto"])]
    for k in ("src", "dst"):
        if k in r:
            w += [k, f"{r[k][0]}/{r[k][1]}"]
    for k in ("sport", "dport", "type", "code"):
        if k in r:
            lo, hi = r[k]
            w += [k, str(lo) if lo == hi else f"{lo}-{hi}"]
    if "tcp-flags" in r:
        w += ["tcp-flags", f"0x{r['tcp-flags'][0]:02x}/0x{r['tcp-flags'][1]:02x}"]
    return " ".join(w)


def nft_rule(r):
    w = []
    if r["proto"] is not None:
        w += ["meta l4proto", {"tcp": "tcp", "udp": "udp", "icmp": "icmp"}.get(r["proto"], str(r["proto"]))]
    for k, field in (("src", "ip saddr"), ("dst", "ip daddr")):
        if k in r:
            w += [field, f"{r[k][0]}/{r[k][1]}"]
    for k, field in (("sport", "th sport"), ("dport", "th dport"),
                     ("type", "icmp type"), ("code", "icmp code")):
        if k in r:
            lo, hi = r[k]
            w += [field, str(lo) if lo == hi else f"{lo}-{hi}"]
    if "tcp-flags" in r:
        v, m = r["tcp-flags"]
        w += [f"tcp flags & 0x{m:02x} == 0x{v:02x}"]
    w.append("drop" if r["action"] == "deny" else "accept")
    return " ".join(w)


def gen_packet(rnd, rules, src):
    """A packet near a random rule's edges, from @src."""
    r = rnd.choice(rules)
    p = {"src": addr(src), "proto": r["proto"] or rnd.choice(["tcp", "udp", "icmp", 47])}
    if "dst" in r and rnd.random() < 0.8:
        net, plen = r["dst"]
        n = struct.unpack("!I", socket.inet_aton(net))[0]
        p["dst"] = addr(n | (rnd.getrandbits(32 - plen) if plen < 32 else 0))
    else:
        p["dst"] = addr(BASE + rnd.getrandbits(16))

    def near(k, hi):
        if k in r and rnd.random() < 0.8:
            lo, up = r[k]
            return max(0, min(hi, rnd.choice([lo, up, lo - 1, up + 1, rnd.randint(lo, up)])))
        return rnd.randint(0, hi)
    if p["proto"] in ("tcp", "udp"):
        p["sport"], p["dport"] = near("sport", 65535), near("dport", 65535)
        if p["proto"] == "tcp":
            if "tcp-flags" in r and rnd.random() < 0.7:
                v, m = r["tcp-flags"]
                p["flags"] = v | (rnd.getrandbits(8) & ~m & 0xFF) if rnd.random() < 0.5 else rnd.getrandbits(8)
            else:
                p["flags"] = rnd.getrandbits(8)
    elif p["proto"] == "icmp":
        p["type"], p["code"] = near("type", 255), near("code", 255)
    return p


def gen(seed, nrules, npackets, out):
    rnd = random.Random(int(seed))
    rules = [gen_rule(rnd) for _ in range(int(nrules))]
    srcs = rnd.sample(range(BASE + 1, BASE + 0xFFFF), int(npackets))
    packets = [gen_packet(rnd, rules, s) for s in srcs]
    with open(f"{out}/acl.psw", "w") as f:
        f.write("acl set psw0 1 " + ", ".join(psw_rule(r) for r in rules) + "\n")
    with open(f"{out}/acl.nft", "w") as f:
        f.write("table ip acldiff {\n  chain acl {\n    type filter hook forward priority 0; policy drop;\n")
        for r in rules:
            f.write(f"    {nft_rule(r)}\n")
        f.write("  }\n}\n")
    with open(f"{out}/rules", "w") as f:
        json.dump(rules, f)
    with open(f"{out}/packets", "w") as f:
        json.dump(packets, f)


def ip_of(p, ident):
    """The packet @p as bytes, IP id @ident, no payload checks to fail."""
    proto = {"tcp": 6, "udp": 17, "icmp": 1}.get(p["proto"], p["proto"])
    src, dst = socket.inet_aton(p["src"]), socket.inet_aton(p["dst"])
    if proto == 6:
        l4 = struct.pack("!HHIIBBHHH", p["sport"], p["dport"], 1, 0, 5 << 4, p["flags"], 1024, 0, 0)
        c = frames.csum(src + dst + struct.pack("!BBH", 0, 6, len(l4)) + l4)
        l4 = l4[:16] + struct.pack("!H", c) + l4[18:]
    elif proto == 17:
        l4 = struct.pack("!HHHH", p["sport"], p["dport"], 8, 0)
    elif proto == 1:
        l4 = struct.pack("!BBHI", p["type"], p["code"], 0, 0)
        l4 = l4[:2] + struct.pack("!H", frames.csum(l4)) + l4[4:]
    else:
        l4 = bytes(8)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, 0, 64, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", frames.csum(hdr)) + hdr[12:] + l4


def run(out, ns, iface, dmac, rns, riface):
    with open(f"{out}/packets") as f:
        packets = json.load(f)
    with nstool.netns(rns):
        r = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
        r.bind((riface, 0))
        # Past rmem_max (root may): a frame dropped here would read as denied.
        r.setsockopt(socket.SOL_SOCKET, 33, 1 << 26)  # SO_RCVBUFFORCE
    with nstool.netns(ns):
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
    smac, dm = s.getsockname()[4], frames.mac(dmac)
    wire = [socket.inet_aton(p["src"]) + socket.inet_aton(p["dst"]) for p in packets]
    got = set()

    def drain(quiet):
        """Read what came, until nothing more for @quiet seconds."""
        while True:
            if not select.select([r], [], [], quiet)[0]:
                return
            data, a = r.recvfrom(65535)
            if a[2] == socket.PACKET_OUTGOING or len(data) < 34:
                continue
            # Ours only: the id, and the addresses it was sent with.
            i = struct.unpack_from("!H", data, 18)[0]
            if i < len(packets) and data[26:34] == wire[i]:
                got.add(i)
    for i, p in enumerate(packets):
        s.send(dm + smac + b"\x08\x00" + ip_of(p, i))
        if i % 50 == 49:
            drain(0)
    drain(2)
    _, dropped = struct.unpack("=II", r.getsockopt(263, 6, 8))  # PACKET_STATISTICS
    if dropped:
        sys.exit(f"acldiff: the receiver dropped {dropped} frames")
    print(" ".join(str(i) for i in sorted(got)))


def compare(out, psw_file, nft_file):
    with open(f"{out}/packets") as f:
        packets = json.load(f)
    with open(f"{out}/rules") as f:
        rules = json.load(f)
    a = {int(x) for x in open(psw_file).read().split()}
    b = {int(x) for x in open(nft_file).read().split()}
    diff = sorted(a ^ b)
    print(f"{len(packets)} packets, {len(rules)} rules: {len(a & b)} passed both, "
          f"{len(packets) - len(a | b)} neither, {len(diff)} disagreements")
    for i in diff[:20]:
        print(f"  packet {i} {json.dumps(packets[i])}: podswitch "
              f"{'permits' if i in a else 'denies'}, nftables {'permits' if i in b else 'denies'}")
    if diff:
        for n, r in enumerate(rules):
            print(f"  rule {n}: {psw_rule(r)}  |  {nft_rule(r)}")
        sys.exit(1)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"gen": gen, "run": run, "compare": compare}[cmd](*args)
