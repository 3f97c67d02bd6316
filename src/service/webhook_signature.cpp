#include "clue_router/service/webhook_signature.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>

#include "clue_router/domain/base64.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {

constexpr std::string_view kPrefix = "whsec_";
// A header longer than this is not a list of a few signatures; refusing it early bounds
// the work an unauthenticated caller can ask for.
constexpr std::size_t kMaxSignatureHeader = 4096;

}  // namespace

std::string new_webhook_secret() {
    return std::string(kPrefix) + domain::base64_encode(random_bytes(32));
}

std::optional<std::string> webhook_secret_key(std::string_view secret) {
    if (!secret.starts_with(kPrefix)) return std::nullopt;
    auto key = domain::base64_decode(secret.substr(kPrefix.size()));
    // Standard Webhooks keys are 24-64 bytes.
    if (!key || key->size() < 24 || key->size() > 64) return std::nullopt;
    return key;
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
    std::string content;
    content.reserve(id.size() + body.size() + 24);
    content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
    return "v1," + domain::base64_encode(hmac_sha256(key, content));
}

std::string_view to_string(WebhookVerdict v) {
    switch (v) {
        case WebhookVerdict::ok:
            return "ok";
        case WebhookVerdict::missing_header:
            return "missing_header";
        case WebhookVerdict::malformed_timestamp:
            return "malformed_timestamp";
        case WebhookVerdict::timestamp_out_of_range:
            return "timestamp_out_of_range";
        case WebhookVerdict::bad_signature:
            return "bad_signature";
    }
    return "unknown";
}

WebhookVerdict verify_webhook(std::span<const std::string> keys, const WebhookHeaders& headers,
                              std::string_view body, domain::Timestamp now,
                              std::chrono::seconds tolerance) {
    if (headers.id.empty() || headers.timestamp.empty() || headers.signature.empty()) {
        return WebhookVerdict::missing_header;
    }
    std::int64_t seconds = 0;
    const auto* first = headers.timestamp.data();
    const auto* last = first + headers.timestamp.size();
    if (headers.timestamp.size() > 12 ||
        !std::all_of(first, last, [](char c) { return c >= '0' && c <= '9'; })) {
        return WebhookVerdict::malformed_timestamp;
    }
    if (auto [end, ec] = std::from_chars(first, last, seconds); ec != std::errc{} || end != last) {
        return WebhookVerdict::malformed_timestamp;
    }
    const auto sent = domain::Timestamp(std::chrono::seconds(seconds));
    if (sent < now - tolerance || sent > now + tolerance) {
        return WebhookVerdict::timestamp_out_of_range;
    }
    if (headers.signature.size() > kMaxSignatureHeader) return WebhookVerdict::bad_signature;

    // Every candidate is compared with every key, whatever matches first, so the time taken
    // does not tell which of them matched.
    bool matched = false;
    for (const auto& key : keys) {
        const std::string expected = webhook_signature(key, headers.id, seconds, body);
        std::string_view rest = headers.signature;
        while (!rest.empty()) {
            const auto space = rest.find(' ');
            const std::string_view candidate = rest.substr(0, space);
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
            if (!candidate.starts_with("v1,")) continue;  // other schemes (v1a) are not ours
            matched = constant_time_equal(candidate, expected) || matched;
        }
    }
    return matched ? WebhookVerdict::ok : WebhookVerdict::bad_signature;
}

}  // namespace clue_router::service
