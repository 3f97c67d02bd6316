#!/usr/bin/env python3
"""Writes a libFuzzer seed corpus for one fuzz target, read from the project's sample clues.

    seed_corpus.py KIND CLUES_FILE OUT_DIR      KIND: clue_json validators screening http_request
                                                 webhook_signature

CLUES_FILE is a JSON Lines file of {"clue": ..., "expect": ...} (run_fuzzer passes the
repository's tests/fixtures/clues.jsonl). The seeds are made at run time from it, never
stored, so they follow the samples; a few hand-written edge cases are added per kind.
"""
import base64
import hashlib
import json
import os
import struct
import sys


def samples(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["clue"] for line in f if line.strip()]


def http_request(method, target, key=None, body=None, extra=()):
    lines = [f"{method} {target} HTTP/1.1", "Host: fuzz"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    lines.extend(extra)
    payload = b""
    if body is not None:
        payload = body if isinstance(body, bytes) else body.encode("utf-8")
        lines.append("Content-Type: application/json")
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + payload


def provider_input(mode, ts, skew, strings, body):
    """Bytes that FuzzedDataProvider hands back as fuzz_webhook_signature reads them: the
    integers from the end (mode last, then ts in 5 bytes, skew in 2, least significant
    byte first in the file), the strings from the front ('\\' escapes a backslash, '\\' and
    any other byte ends a string), the body what is left."""
    head = b"".join(x.replace(b"\\", b"\\\\") + b"\\|" for x in strings)
    tail = struct.pack("<H", skew + 600) + ts.to_bytes(5, "little") + bytes([mode])
    return head + body + tail


def webhook_seeds(clues):
    # The Standard Webhooks specification's own example, signed (mode 2 adds the signature).
    secret = b"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    key = base64.b64decode(secret[6:])
    yield provider_input(3, 1614265330, 0,
                         [key, b"msg_p5jXN8AQM9LWM0D4loKWxJek", b"1614265330",
                          b"v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", secret],
                         b'{"test": 2432232314}')
    # Payloads shaped like ours (ids only), one per sample clue, keys and skews varied.
    for i, c in enumerate(clues):
        key = hashlib.sha256(c["source"]["reference"].encode("utf-8")).digest()[: 24 + i % 41]
        secret = b"whsec_" + base64.b64encode(key)
        body = json.dumps({"type": "ticket.created", "timestamp": "2026-11-23T06:55:59Z",
                           "data": {"reference": c["source"]["reference"], "status": "pending"}})
        yield provider_input(i % 8, 1763880959 + i, (i * 97) % 1201 - 600,
                             [key, f"msg_{i:026d}".encode(), b"", b"v1,AAAA v1a,abc", secret],
                             body.encode("utf-8"))
    # Edges: no key, a long timestamp, padding, a header of spaces.
    yield provider_input(7, 0, -600, [b"", b"m", b"0000000000001", b"v1,=", b"whsec_===="], b"")
    yield provider_input(6, 999999999999, 600, [b"k" * 64, b"\\", b"999999999999",
                                                 b" " * 40, b"whsec_" + b"A" * 88], b"x")


def seeds(kind, clues):
    if kind == "clue_json":
        for c in clues:
            yield json.dumps(c, ensure_ascii=False).encode("utf-8")
        yield b'{"source":{},"subject":{"region":"511702"},"narrative":"\\ud800"}'
        yield b'{"subject":{"age":1e400,"id_number":12345678901234567890123}}'
    elif kind == "validators":
        for c in clues:
            s = c["subject"]
            for field in ("id_number", "phone", "region"):
                if s.get(field):
                    yield s[field].encode("utf-8")
            yield c["source"]["received_at"].encode("utf-8")
        yield b"+86 (0818) 212-3456"
        yield b"0086-138 0013 0001"
        yield b"2026-02-29T24:00:00.123456789-23:59"
    elif kind == "screening":
        for c in clues:
            flags = (1 if c["subject"].get("rural") else 0) | 2
            yield bytes([flags, 0, 0]) + c["narrative"].encode("utf-8")
        yield bytes([7, 255, 80]) + "他没有打我，但是说要杀了我。".encode("utf-8")
    elif kind == "http_request":
        for i, c in enumerate(clues):
            body = json.dumps(c, ensure_ascii=False)
            yield http_request("POST", "/v1/clues", "@INTAKE@", body,
                               [f"Idempotency-Key: fuzz-{i}"])
        yield http_request("GET", "/v1/tickets?box=inbox&status=pending&limit=5", "@STAFF@")
        yield http_request("GET", "/v1/review-queue?limit=2&cursor=abc", "@STAFF@")
        yield http_request("POST", "/v1/tickets/0192/transitions", "@STAFF@",
                           '{"action":"accept"}', ['If-Match: "1"'])
        yield http_request("GET", "/v1/clues/0192?reveal=true", "@STAFF@")
        yield http_request("POST", "/v1/admin/reload", "@ADMIN@", "{}")
        yield http_request("GET", "/healthz")
        yield http_request("GET", "/readyz")
        yield http_request("POST", "/v1/clues", "@INTAKE@", "[" * 70 + "]" * 70)
    elif kind == "webhook_signature":
        yield from webhook_seeds(clues)
    else:
        raise SystemExit(f"seed_corpus.py: unknown kind {kind}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    kind, clues, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    for n, seed in enumerate(seeds(kind, samples(clues))):
        with open(os.path.join(out, f"seed-{n:03d}"), "wb") as f:
            f.write(seed)


main()
