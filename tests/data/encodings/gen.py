#!/usr/bin/env python3
"""Writes the same documents in each encoding users' tools write.

Run from anywhere: python3 tests/data/encodings/gen.py

The source is the describe-subnets document of the nat-gateway scenario
(tests/data/validate/nat-gateway/) with non-ASCII Name tags (in the Latin-1
range, outside it, and outside the Basic Multilingual Plane, which UTF-16
writes as a surrogate pair), printed as the AWS CLI prints JSON (4-space
indent, non-ASCII as is); it is validated beside that scenario's other
documents (UTF-8). tests/data/documents/ip-ranges.json is the --ip-ranges
document. cases.json lists what must read as the UTF-8 file reads and what
must be refused, with which message; native/tests/validate_encodings.rs
and web/tests/browser/encodings.test.mjs replay it through the CLI and the
page.
"""
import gzip
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent

SCENARIO = "tests/data/validate/nat-gateway"
doc = json.loads((ROOT / SCENARIO / "describe-subnets.json").read_text(encoding="utf-8"))
names = {
    "subnet-0ccc000000000003": "privé-a Zürich ☕",
    "subnet-0ddd000000000004": "private-b 𝄞 東京",
}
for s in doc["Subnets"]:
    if s["SubnetId"] in names:
        s["Tags"] = [{"Key": "Name", "Value": names[s["SubnetId"]]}]
text = json.dumps(doc, indent=4, ensure_ascii=False) + "\n"
ip_ranges = (ROOT / "tests/data/documents/ip-ranges.json").read_text(encoding="utf-8")

BOM8 = b"\xef\xbb\xbf"


def write(name, data):
    (HERE / name).write_bytes(data)


# Read alike: the same text in every encoding netready reads.
write("subnets.utf-8.json", text.encode("utf-8"))
write("subnets.utf-8-bom.json", BOM8 + text.encode("utf-8"))
# Windows PowerShell 5.1's `>` (Out-File's default "Unicode"): UTF-16 LE with a BOM.
write("subnets.utf-16le-bom.json", b"\xff\xfe" + text.encode("utf-16-le"))
write("subnets.utf-16be-bom.json", b"\xfe\xff" + text.encode("utf-16-be"))
write("subnets.utf-16le.json", text.encode("utf-16-le"))
write("subnets.utf-16be.json", text.encode("utf-16-be"))
write("ip-ranges.utf-16le-bom.json", b"\xff\xfe" + ip_ranges.encode("utf-16-le"))
write("ip-ranges.utf-8-bom.json", BOM8 + ip_ranges.encode("utf-8"))

# Refused, each with a message that says what the bytes look like.
write("subnets.utf-32le-bom.json", b"\xff\xfe\x00\x00" + text.encode("utf-32-le"))
latin1 = text.encode("latin-1", errors="replace")
write("subnets.latin-1.json", latin1)
write("subnets.json.gz", gzip.compress(text.encode("utf-8"), mtime=0))
cut = (b"\xff\xfe" + text.encode("utf-16-le"))[:-1]
write("subnets.utf-16le-cut.json", cut)

first_bad = next(i for i, b in enumerate(latin1) if b >= 0x80)
cases = {
    "scenario": SCENARIO,
    "replaces": "describe-subnets.json",
    "reference": "subnets.utf-8.json",
    "decode": [
        "subnets.utf-8-bom.json",
        "subnets.utf-16le-bom.json",
        "subnets.utf-16be-bom.json",
        "subnets.utf-16le.json",
        "subnets.utf-16be.json",
    ],
    "ip_ranges_reference": "../documents/ip-ranges.json",
    "ip_ranges": ["ip-ranges.utf-16le-bom.json", "ip-ranges.utf-8-bom.json"],
    "refuse": {
        "subnets.utf-32le-bom.json": "UTF-32 LE text, which is not read: save it as UTF-8 (or UTF-16)",
        "subnets.latin-1.json": f"not UTF-8 text: byte {first_bad} (0x{latin1[first_bad]:02X}) is not valid UTF-8 (no UTF-8 or UTF-16 byte-order mark either): save it as UTF-8 (or UTF-16)",
        "subnets.json.gz": "gzip-compressed data (it starts 1F 8B), not text: decompress it first",
        "subnets.utf-16le-cut.json": f"UTF-16 LE text with an odd number of bytes ({len(cut)}): is the file cut short?",
    },
}
(HERE / "cases.json").write_text(json.dumps(cases, indent=2) + "\n", encoding="utf-8")
