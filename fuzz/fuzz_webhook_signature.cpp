// The Standard Webhooks signature (service/webhook_signature.hpp): what a receiver of our
// deliveries checks, and what we check on the deliveries partners send us. The input is split
// (FuzzedDataProvider) into a key, a webhook-id, a timestamp, a webhook-signature header, a
// "whsec_" secret text and a body. Properties, besides "no crash, no sanitizer report":
//   - the verdict on arbitrary headers equals a reference model written here from the
//     specification (missing header, malformed or out-of-range timestamp, otherwise ok iff
//     one space-separated candidate is exactly the v1 signature under one of the keys);
//   - a message signed with a key verifies as ok at its own timestamp, also among other
//     candidates and with the key second in a rotation;
//   - changing one byte of the body, the id, the timestamp or the key never verifies, and a
//     timestamp beyond the tolerance is refused before the signature is looked at;
//   - webhook_secret_key accepts exactly "whsec_" + the canonical base64 of 24-64 bytes, and
//     the strict base64 codecs (domain/base64.hpp) round-trip both ways: decode(encode(b)) is
//     b, and whatever decodes is the one canonical spelling of its bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "clue_router/domain/base64.hpp"
#include "clue_router/service/webhook_signature.hpp"
#include "fuzz_support.hpp"

using namespace clue_router;
using service::WebhookVerdict;

namespace {

constexpr std::int64_t kTolerance = 300;  // verify_webhook's default, five minutes

domain::Timestamp at(std::int64_t seconds) {
    return domain::Timestamp(std::chrono::seconds(seconds));
}

// The specification, restated without sharing code with the implementation.
WebhookVerdict reference_verdict(const std::vector<std::string>& keys,
                                 const service::WebhookHeaders& h, std::string_view body,
                                 std::int64_t now) {
    if (h.id.empty() || h.timestamp.empty() || h.signature.empty()) {
        return WebhookVerdict::missing_header;
    }
    if (h.timestamp.size() > 12) return WebhookVerdict::malformed_timestamp;
    std::int64_t sent = 0;
    for (char c : h.timestamp) {
        if (c < '0' || c > '9') return WebhookVerdict::malformed_timestamp;
        sent = sent * 10 + (c - '0');
    }
    if (sent < now - kTolerance || sent > now + kTolerance) {
        return WebhookVerdict::timestamp_out_of_range;
    }
    if (h.signature.size() > 4096) return WebhookVerdict::bad_signature;
    std::vector<std::string_view> candidates;
    for (std::size_t start = 0;;) {
        const auto space = h.signature.find(' ', start);
        candidates.push_back(h.signature.substr(start, space - start));
        if (space == std::string_view::npos) break;
        start = space + 1;
    }
    for (const auto& key : keys) {
        const std::string expected = service::webhook_signature(key, h.id, sent, body);
        for (auto candidate : candidates) {
            if (candidate == expected) return WebhookVerdict::ok;
        }
    }
    return WebhookVerdict::bad_signature;
}

void check_base64(std::string_view text, std::string_view bytes) {
    FUZZ_CHECK(domain::base64_decode(domain::base64_encode(bytes)) == std::string(bytes));
    FUZZ_CHECK(domain::base64url_decode(domain::base64url_encode(bytes)) == std::string(bytes));
    if (const auto decoded = domain::base64_decode(text)) {
        FUZZ_CHECK(domain::base64_encode(*decoded) == text);
    }
    if (const auto decoded = domain::base64url_decode(text)) {
        FUZZ_CHECK(domain::base64url_encode(*decoded) == text);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    const auto mode = in.ConsumeIntegral<std::uint8_t>();
    const std::int64_t ts = in.ConsumeIntegralInRange<std::int64_t>(0, 999'999'999'999);
    const auto skew = in.ConsumeIntegralInRange<std::int64_t>(-2 * kTolerance, 2 * kTolerance);
    std::string key = in.ConsumeRandomLengthString(96);
    const std::string id = in.ConsumeRandomLengthString(64);
    std::string ts_text = in.ConsumeRandomLengthString(16);
    std::string header = in.ConsumeRandomLengthString(512);
    const std::string secret = in.ConsumeRandomLengthString(128);
    const std::string body = in.ConsumeRemainingBytesAsString();

    // Secrets and the codec under them.
    check_base64(secret, key);
    if (const auto k = service::webhook_secret_key(secret)) {
        FUZZ_CHECK(k->size() >= 24 && k->size() <= 64);
        FUZZ_CHECK("whsec_" + domain::base64_encode(*k) == secret);
    }
    if (key.size() >= 24 && key.size() <= 64) {
        FUZZ_CHECK(service::webhook_secret_key("whsec_" + domain::base64_encode(key)) == key);
    } else {
        FUZZ_CHECK(!service::webhook_secret_key("whsec_" + domain::base64_encode(key)));
    }

    const std::string signature = service::webhook_signature(key, id, ts, body);
    FUZZ_CHECK(signature.starts_with("v1,"));
    FUZZ_CHECK(domain::base64_decode(std::string_view(signature).substr(3)).value().size() == 32);

    // Arbitrary headers against the model; the mode bits steer some inputs towards the
    // paths a random header almost never reaches (a well-formed timestamp, a real signature).
    if (mode & 1) ts_text = std::to_string(ts + skew);
    if (mode & 2) header += (header.empty() ? "" : " ") + signature;
    std::vector<std::string> keys{key};
    if (mode & 4) {
        if (const auto k = service::webhook_secret_key(secret)) keys.insert(keys.begin(), *k);
    }
    const std::int64_t now = ts;
    const service::WebhookHeaders arbitrary{id, ts_text, header};
    const auto verdict = service::verify_webhook(keys, arbitrary, body, at(now));
    FUZZ_CHECK(verdict == reference_verdict(keys, arbitrary, body, now));
    FUZZ_CHECK(verdict == service::verify_webhook(keys, arbitrary, body, at(now)));
    FUZZ_CHECK(!service::to_string(verdict).empty());

    if (id.empty()) return 0;  // a message always has an id; the rest needs one
    const std::string ts_own = std::to_string(ts);

    // A signed message verifies at its own timestamp, and anywhere within the tolerance.
    FUZZ_CHECK(service::verify_webhook(keys, {id, ts_own, signature}, body, at(ts)) ==
               WebhookVerdict::ok);
    FUZZ_CHECK(service::verify_webhook(keys, {id, ts_own, signature}, body, at(ts + skew)) ==
               (skew >= -kTolerance && skew <= kTolerance
                    ? WebhookVerdict::ok
                    : WebhookVerdict::timestamp_out_of_range));
    // ... among other candidates, as in a rotation, and with its key second.
    const std::string rotated = "v1,AAAA v1a,xyz " + signature;
    const std::array<std::string, 2> rotation{std::string("another key, newer"), key};
    FUZZ_CHECK(service::verify_webhook(rotation, {id, ts_own, rotated}, body, at(ts)) ==
               WebhookVerdict::ok);

    // One byte changed anywhere never verifies.
    if (!body.empty()) {
        std::string changed = body;
        const auto at_byte = static_cast<std::size_t>(mode) % changed.size();
        changed[at_byte] = static_cast<char>(changed[at_byte] ^ (1 + (mode >> 5)));
        FUZZ_CHECK(service::verify_webhook(keys, {id, ts_own, signature}, changed, at(ts)) ==
                   WebhookVerdict::bad_signature);
    }
    std::string other_id = id;
    other_id[0] = static_cast<char>(other_id[0] ^ 1);
    FUZZ_CHECK(service::verify_webhook(keys, {other_id, ts_own, signature}, body, at(ts)) ==
               WebhookVerdict::bad_signature);
    // Another second (within the twelve digits a timestamp may have) is another message.
    const std::string ts_other = std::to_string(ts > 0 ? ts - 1 : ts + 1);
    FUZZ_CHECK(service::verify_webhook(keys, {id, ts_other, signature}, body, at(ts)) ==
               WebhookVerdict::bad_signature);
    if (!key.empty()) {
        // HMAC pads short keys with zero bytes, so "k" and "k\0" are the same key: change
        // the first byte, never append.
        std::string other_key = key;
        other_key[0] = static_cast<char>(other_key[0] ^ 1);
        const std::array<std::string, 1> wrong{other_key};
        FUZZ_CHECK(service::verify_webhook(wrong, {id, ts_own, signature}, body, at(ts)) ==
                   WebhookVerdict::bad_signature);
    }
    return 0;
}
