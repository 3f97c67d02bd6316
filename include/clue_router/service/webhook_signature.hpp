#pragma once
// Standard Webhooks v1 (standardwebhooks.com): the signature both directions use.
//   webhook-id: msg_…            stable across retries of one message
//   webhook-timestamp: 1732… Unix seconds of this attempt
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "id.timestamp.body")> [v1,<…> …]
// Secrets are "whsec_" + base64 of the key bytes. During a rotation a sender signs with the
// new and the old key, space-separated, and a receiver accepts either.
//
// verify_webhook is a pure function of (keys, headers, body, now): no clock, no I/O, so it
// can be fuzzed and unit-tested exhaustively.
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "clue_router/domain/time.hpp"

namespace clue_router::service {

// A new secret: "whsec_" + base64 of 32 random bytes.
std::string new_webhook_secret();
// The key bytes of "whsec_<base64>"; nullopt when the text is not such a secret.
std::optional<std::string> webhook_secret_key(std::string_view secret);

// "v1,<base64>" for one key.
std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

struct WebhookHeaders {
    std::string_view id;
    std::string_view timestamp;
    std::string_view signature;
};

enum class WebhookVerdict {
    ok,
    missing_header,          // an empty webhook-id, webhook-timestamp or webhook-signature
    malformed_timestamp,     // not Unix seconds
    timestamp_out_of_range,  // further than the tolerance from now, either way
    bad_signature,           // no v1 signature matches any key
};
std::string_view to_string(WebhookVerdict v);

// keys: raw key bytes (webhook_secret_key), newest first. Signatures are compared in
// constant time, every one of them against every key.
WebhookVerdict verify_webhook(std::span<const std::string> keys, const WebhookHeaders& headers,
                              std::string_view body, domain::Timestamp now,
                              std::chrono::seconds tolerance = std::chrono::minutes(5));

}  // namespace clue_router::service
