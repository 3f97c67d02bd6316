#!/usr/bin/env python3
"""Writes a libFuzzer seed corpus for one fuzz target, read from the shared sample clues.

    seed_corpus.py KIND SHARED_DIR OUT_DIR      KIND: clue_json validators screening http_request

The seeds are made at run time from ../shared/data/clues/sample.jsonl (never copied into the
repository), so they follow the samples; a few hand-written edge cases are added per kind.
"""
import json
import os
import sys


def samples(shared):
    with open(os.path.join(shared, "data", "clues", "sample.jsonl"), encoding="utf-8") as f:
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
    else:
        raise SystemExit(f"seed_corpus.py: unknown kind {kind}")


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    kind, shared, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    for n, seed in enumerate(seeds(kind, samples(shared))):
        with open(os.path.join(out, f"seed-{n:03d}"), "wb") as f:
            f.write(seed)


main()
