// Test-only bridge to the npm package `standardwebhooks`, an implementation of Standard
// Webhooks independent of clue-router's. The integration tests use it to check that what
// clue-router signs verifies elsewhere, and to sign what they send to clue-router.
//
//   node standard_webhooks.mjs verify <whsec_…> <messages.jsonl>
//       each line {"id", "timestamp", "signature", "body"}: prints "ok <id>" or
//       "bad <id> <reason>" per line; exits 1 if any is bad.
//   node standard_webhooks.mjs sign <whsec_…> <msg-id> <unix-seconds> <body-file>
//       prints {"webhook-id", "webhook-timestamp", "webhook-signature"} as JSON.
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const [command, secret, ...rest] = process.argv.slice(2);
const wh = new Webhook(secret);

if (command === "verify") {
  const lines = readFileSync(rest[0], "utf8").split("\n").filter((l) => l.trim() !== "");
  let bad = 0;
  for (const line of lines) {
    const m = JSON.parse(line);
    try {
      wh.verify(m.body, {
        "webhook-id": m.id,
        "webhook-timestamp": m.timestamp,
        "webhook-signature": m.signature,
      });
      console.log(`ok ${m.id}`);
    } catch (e) {
      bad += 1;
      console.log(`bad ${m.id} ${e.message}`);
    }
  }
  process.exit(bad === 0 && lines.length > 0 ? 0 : 1);
} else if (command === "sign") {
  const [id, seconds, bodyFile] = rest;
  const body = readFileSync(bodyFile, "utf8");
  const signature = wh.sign(id, new Date(Number(seconds) * 1000), body);
  console.log(JSON.stringify({
    "webhook-id": id,
    "webhook-timestamp": seconds,
    "webhook-signature": signature,
  }));
} else {
  console.error("usage: standard_webhooks.mjs verify|sign …");
  process.exit(2);
}
