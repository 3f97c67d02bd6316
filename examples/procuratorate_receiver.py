#!/usr/bin/env python3
"""A procuratorate's side of clue-router's webhooks, with nothing but the standard library.

It listens for clue-router's outbound webhooks, verifies each one (Standard Webhooks v1:
HMAC-SHA256 over "id.timestamp.body" with the endpoint's whsec_ secret, timestamps within
five minutes, each webhook-id handled once), and closes the loop through clue-router's
inbound webhook: for every new ticket addressed to its agency it accepts the ticket, then
closes it with an outcome and the aid measures granted - as a case system would once the
procurator has decided.

    python3 examples/procuratorate_receiver.py \\
        --listen 127.0.0.1:9100 --clue-router http://127.0.0.1:8080 --agency proc-511702 \\
        --secret "$ENDPOINT_SECRET" --inbound-secret "$INBOUND_SECRET" \\
        [--tls-cert cert.pem --tls-key key.pem]

Secrets may also come from CLUE_ROUTER_WEBHOOK_SECRET and CLUE_ROUTER_INBOUND_SECRET.
Payloads are thin (ids and statuses); a real case system would fetch the clue with its own
API key. This example never prints anything about the person behind a clue.
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import queue
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

TOLERANCE_SECONDS = 5 * 60


def secret_key(secret):
    if not secret.startswith("whsec_"):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len("whsec_"):])


def sign(key, msg_id, timestamp, body):
    mac = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256)
    return "v1," + base64.b64encode(mac.digest()).decode()


def verify(key, headers, body, now=None):
    """Returns None when the message is authentic, else why not."""
    msg_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not msg_id or not timestamp or not signatures:
        return "missing webhook headers"
    if not timestamp.isdigit():
        return "malformed timestamp"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return "timestamp too far from now"
    expected = sign(key, msg_id, timestamp, body)
    # During a secret rotation there are several; any one that matches will do.
    if any(hmac.compare_digest(candidate, expected) for candidate in signatures.split(" ")):
        return None
    return "no matching signature"


class LoopCloser:
    """Works through new tickets one at a time, off the request thread: a webhook is
    acknowledged at once, and the slow part (the case system's decision) happens after."""

    def __init__(self, args):
        self.args = args
        self.inbound_key = secret_key(args.inbound_secret)
        self.work = queue.Queue()
        self.seen = set()
        self.seen_lock = threading.Lock()
        self.closed = 0
        self.done = threading.Event()

    def first_time(self, msg_id):
        with self.seen_lock:
            if msg_id in self.seen:
                return False
            self.seen.add(msg_id)
            return True

    def send(self, body):
        raw = json.dumps(body).encode()
        msg_id = "msg_" + uuid.uuid4().hex
        timestamp = str(int(time.time()))
        url = f"{self.args.clue_router}/v1/hooks/{self.args.agency}"
        # The same message id on every retry: clue-router answers a repeat with the first reply.
        for attempt in range(5):
            request = urllib.request.Request(url, data=raw, method="POST", headers={
                "Content-Type": "application/json",
                "webhook-id": msg_id,
                "webhook-timestamp": timestamp,
                "webhook-signature": sign(self.inbound_key, msg_id, timestamp, raw),
            })
            try:
                with urllib.request.urlopen(request, timeout=15) as reply:
                    return reply.status, json.load(reply)
            except urllib.error.HTTPError as e:
                if e.code < 500:
                    return e.code, json.load(e)
            except OSError:
                pass
            time.sleep(0.5 * 2 ** attempt)
        return None, None

    def run(self):
        while not self.done.is_set():
            try:
                ticket_id = self.work.get(timeout=0.2)
            except queue.Empty:
                continue
            status, _ = self.send({"ticket_id": ticket_id, "action": "accept"})
            print(f"accept {ticket_id} -> {status}", flush=True)
            if status != 200:
                continue
            status, _ = self.send({
                "ticket_id": ticket_id,
                "action": "close",
                "outcome": "assisted",
                "measures": [
                    {"type": "judicial_assistance_fund", "provider_agency": self.args.agency,
                     "status": "provided", "amount_cny": 30000, "disbursement": "lump_sum"},
                    {"type": "legal_aid", "provider_agency": self.args.agency,
                     "status": "in_progress"},
                ],
            })
            print(f"close {ticket_id} -> {status}", flush=True)
            if status == 200:
                self.closed += 1
                if self.args.max_closes and self.closed >= self.args.max_closes:
                    self.done.set()


def make_handler(key, closer, agency):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            if length > 1 << 20:
                return self.answer(413)
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            why = verify(key, headers, body)
            if why is not None:
                print(f"refused: {why}", flush=True)
                return self.answer(401)
            msg_id = headers["webhook-id"]
            if not closer.first_time(msg_id):
                return self.answer(204)  # a retry of something already handled
            event = json.loads(body)
            data = event.get("data", {})
            print(f"received {event.get('type')} ticket={data.get('ticket_id', '-')} "
                  f"status={data.get('status')}", flush=True)
            if (event.get("type") == "ticket.created"
                    and data.get("recipient_agency") == agency):
                closer.work.put(data["ticket_id"])
            self.answer(204)

        def answer(self, status):
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass  # one line per webhook is printed above; nothing else

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", default="127.0.0.1:9100", help="host:port to listen on")
    p.add_argument("--clue-router", default="http://127.0.0.1:8080")
    p.add_argument("--agency", required=True, help="this procuratorate's agency id")
    p.add_argument("--secret", default=os.environ.get("CLUE_ROUTER_WEBHOOK_SECRET"),
                   help="the endpoint's whsec_ secret (verifies deliveries)")
    p.add_argument("--inbound-secret", default=os.environ.get("CLUE_ROUTER_INBOUND_SECRET"),
                   help="the agency's whsec_ inbound secret (signs what it sends)")
    p.add_argument("--max-closes", type=int, default=0,
                   help="exit after closing this many tickets (0: run until interrupted)")
    p.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (chain)")
    p.add_argument("--tls-key", help="the certificate's PEM private key")
    args = p.parse_args()
    if not args.secret or not args.inbound_secret:
        p.error("both --secret and --inbound-secret are needed")
    if bool(args.tls_cert) != bool(args.tls_key):
        p.error("--tls-cert and --tls-key go together")
    args.clue_router = args.clue_router.rstrip("/")

    closer = LoopCloser(args)
    host, port = args.listen.rsplit(":", 1)
    server = http.server.ThreadingHTTPServer(
        (host, int(port)), make_handler(secret_key(args.secret), closer, args.agency))
    scheme = "http"
    if args.tls_cert:
        # Deliveries carry signed but readable payloads: a receiver on a network serves TLS.
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.minimum_version = ssl.TLSVersion.TLSv1_2
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"listening on {scheme}://{host}:{server.server_address[1]}", flush=True)
    try:
        closer.run()
    except KeyboardInterrupt:
        pass
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
