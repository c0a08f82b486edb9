#!/usr/bin/env python3
"""The floor for one endpoint: one DNS round trip (an A query over UDP) plus
one TCP handshake, timed in-process (no process start, no parsing), as the
median and minimum over many repetitions.

usage: probe_floor.py DNS_IP DNS_PORT NAME PORT [REPEATS]
Run it inside the benchmark's client namespace (bench/probe.sh does).
"""
import socket
import statistics
import struct
import sys
import time


def query(name: str, qid: int) -> bytes:
    header = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split("."))
    return header + labels + b"\x00" + struct.pack(">HH", 1, 1)


def first_a(reply: bytes) -> str:
    # Skip the header and the question, then read the first A record.
    i = 12
    while reply[i] != 0:
        i += reply[i] + 1
    i += 5
    while i < len(reply):
        if reply[i] & 0xC0 == 0xC0:
            i += 2
        else:
            while reply[i] != 0:
                i += reply[i] + 1
            i += 1
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", reply[i:i + 10])
        i += 10
        if rtype == 1 and rdlen == 4:
            return socket.inet_ntoa(reply[i:i + 4])
        i += rdlen
    raise SystemExit("no A record in the reply")


def main() -> None:
    dns_ip, dns_port, name, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    dns_ms, tcp_ms = [], []
    for n in range(repeats):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        t0 = time.perf_counter()
        s.sendto(query(name, n & 0xFFFF), (dns_ip, dns_port))
        reply, _ = s.recvfrom(4096)
        t1 = time.perf_counter()
        s.close()
        ip = first_a(reply)
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.settimeout(2)
        t2 = time.perf_counter()
        c.connect((ip, port))
        t3 = time.perf_counter()
        c.close()
        dns_ms.append((t1 - t0) * 1000)
        tcp_ms.append((t3 - t2) * 1000)
    total = [a + b for a, b in zip(dns_ms, tcp_ms)]
    print(
        f"floor: dns median {statistics.median(dns_ms):.3f} ms, tcp median {statistics.median(tcp_ms):.3f} ms, "
        f"total median {statistics.median(total):.3f} ms, min {min(total):.3f} ms ({repeats} runs)"
    )


if __name__ == "__main__":
    main()
