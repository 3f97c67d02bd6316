#include "clue_router/service/webhook_signature.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {

constexpr std::string_view kPrefix = "whsec_";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
// A header longer than this is not a list of a few signatures; refusing it early bounds
// the work an unauthenticated caller can ask for.
constexpr std::size_t kMaxSignatureHeader = 4096;

int decode_char(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
             &len) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(out.data()), len);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (bytes.size() - i == 1) {
        const unsigned v = at(i) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (bytes.size() - i == 2) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = text[i + static_cast<std::size_t>(k)];
            if (c == '=' && last && k >= 2) {
                v[k] = 0;
                ++pad;
                continue;
            }
            if (pad > 0) return std::nullopt;  // data after padding
            v[k] = decode_char(c);
            if (v[k] < 0) return std::nullopt;
        }
        const unsigned n = (static_cast<unsigned>(v[0]) << 18) |
                           (static_cast<unsigned>(v[1]) << 12) |
                           (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
        out += static_cast<char>((n >> 16) & 0xff);
        if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
        if (pad < 1) out += static_cast<char>(n & 0xff);
    }
    return out;
}

std::string new_webhook_secret() {
    return std::string(kPrefix) + base64_encode(random_bytes(32));
}

std::optional<std::string> webhook_secret_key(std::string_view secret) {
    if (!secret.starts_with(kPrefix)) return std::nullopt;
    auto key = base64_decode(secret.substr(kPrefix.size()));
    // Standard Webhooks keys are 24-64 bytes.
    if (!key || key->size() < 24 || key->size() > 64) return std::nullopt;
    return key;
}

std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
    std::string content;
    content.reserve(id.size() + body.size() + 24);
    content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
    return "v1," + base64_encode(hmac_sha256(key, content));
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
