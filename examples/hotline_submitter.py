#!/usr/bin/env python3
"""Submit hotline clues to clue-router, safely re-runnable.

Usage:
    hotline_submitter.py --url http://127.0.0.1:8080 --key crk_... clues.jsonl [more.jsonl ...]
    CLUE_ROUTER_KEY=crk_... hotline_submitter.py clues.jsonl

Each line of a file is one clue, either bare or wrapped as {"clue": {...}, ...} (the format of
tests/fixtures/clues.jsonl). Every clue is POSTed to /v1/clues with an Idempotency-Key
derived from its source.reference, so running the same file again creates nothing twice: the
server replays its first answer.

Connection errors, 503 (nothing was stored) and 409 (the same key is still being processed)
are retried with exponential backoff and jitter, a bounded number of times.

One line is printed per clue: reference, HTTP status, clue id, clue status, and either the
ticket recipients or the review reason; for a refused clue the problem type and the JSON
pointers of the fields to fix. Personal data (names, ID numbers, phones, narratives) is never
printed. The exit status is 0 when every clue was accepted, 1 when any failed, 2 on bad usage.

Python 3 standard library only.
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request

PROBLEM_PREFIX = "urn:clue-router:problem:"
RETRY_STATUSES = {409, 503}


def idempotency_key(reference):
    """A stable Idempotency-Key for a clue: its reference when that is a usable header value,
    otherwise a digest of it. The same reference always gives the same key."""
    if reference and len(reference) <= 200 and all(33 <= ord(ch) <= 126 for ch in reference):
        return "ref:" + reference
    return "ref-sha256:" + hashlib.sha256(reference.encode("utf-8")).hexdigest()


def read_clues(path):
    """Yields (line number, clue or None, error text or None) for each non-blank line."""
    stream = sys.stdin if path == "-" else open(path, encoding="utf-8")
    try:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, "not JSON (column %d)" % exc.colno
                continue
            if isinstance(doc, dict) and isinstance(doc.get("clue"), dict):
                doc = doc["clue"]
            if not isinstance(doc, dict):
                yield number, None, "not a JSON object"
                continue
            yield number, doc, None
    finally:
        if stream is not sys.stdin:
            stream.close()


def reference_of(clue):
    source = clue.get("source")
    if isinstance(source, dict) and isinstance(source.get("reference"), str):
        return source["reference"]
    return None


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None


def post_once(url, key, body, idem_key, timeout):
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Authorization": "Bearer " + key,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Idempotency-Key": idem_key,
            "User-Agent": "clue-router-hotline-submitter/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Reply(error.code, error.headers, error.read())


def retry_delay(attempt, base, cap, headers):
    """Seconds to wait before attempt+1: Retry-After when the server says, otherwise
    exponential backoff with full jitter."""
    if headers is not None:
        after = headers.get("Retry-After")
        if after and after.strip().isdigit():
            return min(float(after.strip()), cap)
    return random.uniform(0, min(cap, base * (2 ** attempt)))


def retryable(reply):
    """503: nothing was stored. 409: only "request-in-progress" (the first try with this
    Idempotency-Key is still being committed) is worth waiting for."""
    if reply.status == 409:
        doc = reply.json()
        kind = doc.get("type", "") if isinstance(doc, dict) else ""
        return kind in ("", PROBLEM_PREFIX + "request-in-progress")
    return True


def submit(url, key, clue, idem_key, args):
    """POSTs with retries. Returns (Reply or None, error text or None, attempts)."""
    body = json.dumps(clue, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    last_error = None
    for attempt in range(args.max_attempts):
        reply = None
        try:
            reply = post_once(url, key, body, idem_key, args.timeout)
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last_error = "connection failed: %s" % type(reason).__name__
        else:
            if reply.status not in RETRY_STATUSES or not retryable(reply):
                return reply, None, attempt + 1
            last_error = None
        if attempt + 1 < args.max_attempts:
            time.sleep(retry_delay(attempt, args.backoff, args.max_backoff,
                                   reply.headers if reply is not None else None))
    if reply is not None:
        return reply, None, args.max_attempts
    return None, last_error, args.max_attempts


def describe_success(reply):
    doc = reply.json() or {}
    clue = doc.get("clue") or {}
    status = clue.get("status", "?")
    text = "%s %s" % (clue.get("id", "?"), status)
    tickets = doc.get("tickets") or []
    if tickets:
        text += " -> " + ", ".join(t.get("recipient_agency", "?") for t in tickets)
    else:
        reason = clue.get("review_reason") or doc.get("review_reason")
        if reason:
            text += " (" + reason + ")"
    priority = clue.get("priority")
    if priority:
        text += " priority=" + priority
    if reply.headers is not None and reply.headers.get("Idempotent-Replayed") == "true":
        text += " [replayed]"
    return text


def describe_problem(reply):
    """The problem type, title and field pointers. Problem texts never repeat submitted
    values (docs/api.md), so they are safe to print; the body itself is never printed."""
    doc = reply.json()
    if not isinstance(doc, dict):
        return "no problem details"
    kind = str(doc.get("type", ""))
    if kind.startswith(PROBLEM_PREFIX):
        kind = kind[len(PROBLEM_PREFIX):]
    text = "%s: %s" % (kind or "problem", doc.get("title", ""))
    errors = doc.get("errors")
    if isinstance(errors, list) and errors:
        parts = []
        for error in errors:
            if isinstance(error, dict):
                parts.append("%s %s" % (error.get("pointer", "?"), error.get("detail", "")))
        text += "; " + "; ".join(p.strip() for p in parts)
    request_id = reply.headers.get("X-Request-Id") if reply.headers is not None else None
    if request_id:
        text += " (request %s)" % request_id
    return text


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Submit JSONL clues to clue-router (POST /v1/clues), idempotently.")
    parser.add_argument("files", nargs="+", metavar="FILE.jsonl", help="'-' reads stdin")
    parser.add_argument("--url", default=os.environ.get("CLUE_ROUTER_URL", "http://127.0.0.1:8080"),
                        help="server base URL (env CLUE_ROUTER_URL)")
    parser.add_argument("--key", default=os.environ.get("CLUE_ROUTER_KEY"),
                        help="API key of an intake or staff role (env CLUE_ROUTER_KEY)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--max-attempts", type=int, default=6,
                        help="tries per clue on connection errors, 503 and 409")
    parser.add_argument("--backoff", type=float, default=0.25, help="first retry delay, seconds")
    parser.add_argument("--max-backoff", type=float, default=8.0, help="longest retry delay")
    args = parser.parse_args(argv)
    if not args.key:
        parser.error("an API key is needed: --key or CLUE_ROUTER_KEY")
    if args.max_attempts < 1:
        parser.error("--max-attempts must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    url = args.url.rstrip("/") + "/v1/clues"
    accepted = failed = 0
    for path in args.files:
        try:
            clues = list(read_clues(path))
        except OSError as exc:
            print("%s: cannot read: %s" % (path, exc.strerror), file=sys.stderr)
            failed += 1
            continue
        for number, clue, error in clues:
            label = "%s:%d" % (os.path.basename(path), number)
            if error:
                print("%s - %s" % (label, error))
                failed += 1
                continue
            reference = reference_of(clue)
            if reference is None:
                print("%s - no source.reference: cannot make an idempotency key" % label)
                failed += 1
                continue
            reply, error, attempts = submit(url, args.key, clue, idempotency_key(reference), args)
            tries = "" if attempts == 1 else " after %d attempts" % attempts
            if reply is None:
                print("%s - %s%s" % (reference, error, tries))
                failed += 1
            elif 200 <= reply.status < 300:
                print("%s %d %s%s" % (reference, reply.status, describe_success(reply), tries))
                accepted += 1
            else:
                print("%s %d %s%s" % (reference, reply.status, describe_problem(reply), tries))
                failed += 1
            sys.stdout.flush()
    print("%d accepted, %d failed" % (accepted, failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
