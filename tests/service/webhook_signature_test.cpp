#include <catch2/catch.hpp>

#include <chrono>

#include "clue_router/domain/base64.hpp"
#include "clue_router/service/webhook_retry.hpp"
#include "clue_router/service/webhook_signature.hpp"

using namespace clue_router;
using namespace clue_router::service;

namespace {

domain::Timestamp at_seconds(std::int64_t s) {
    return domain::Timestamp(std::chrono::seconds(s));
}

}  // namespace

TEST_CASE("signatures match the Standard Webhooks reference vector", "[service][webhooks]") {
    // The example of the Standard Webhooks specification and its reference libraries.
    const auto key = webhook_secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    REQUIRE(key);
    const std::string body = R"({"test": 2432232314})";
    const std::string sig =
        webhook_signature(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
    CHECK(sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    const WebhookHeaders h{"msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", sig};
    const std::string keys[] = {*key};
    CHECK(verify_webhook(keys, h, body, at_seconds(1614265330)) == WebhookVerdict::ok);
}

TEST_CASE("verification refuses what it should, and accepts either key of a rotation",
          "[service][webhooks]") {
    const std::string old_key(32, 'o');
    const std::string new_key(32, 'n');
    const std::string body = R"({"type":"ticket.closed"})";
    const auto now = at_seconds(1'800'000'000);
    const std::string ts = "1800000000";
    const std::string sig_old = webhook_signature(old_key, "msg_1", 1'800'000'000, body);
    const std::string sig_new = webhook_signature(new_key, "msg_1", 1'800'000'000, body);
    const std::string both[] = {new_key, old_key};
    const std::string only_new[] = {new_key};

    CHECK(verify_webhook(both, {"msg_1", ts, sig_old}, body, now) == WebhookVerdict::ok);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_old + " " + sig_new}, body, now) ==
          WebhookVerdict::ok);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_old}, body, now) ==
          WebhookVerdict::bad_signature);
    CHECK(verify_webhook(only_new, {"msg_2", ts, sig_new}, body, now) ==
          WebhookVerdict::bad_signature);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_new}, body + " ", now) ==
          WebhookVerdict::bad_signature);
    CHECK(verify_webhook(only_new, {"msg_1", ts, "v2," + sig_new.substr(3)}, body, now) ==
          WebhookVerdict::bad_signature);
    CHECK(verify_webhook(only_new, {"", ts, sig_new}, body, now) == WebhookVerdict::missing_header);
    CHECK(verify_webhook(only_new, {"msg_1", "18e8", sig_new}, body, now) ==
          WebhookVerdict::malformed_timestamp);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_new}, body, now + std::chrono::seconds(301)) ==
          WebhookVerdict::timestamp_out_of_range);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_new}, body, now - std::chrono::seconds(301)) ==
          WebhookVerdict::timestamp_out_of_range);
    CHECK(verify_webhook(only_new, {"msg_1", ts, sig_new}, body, now + std::chrono::seconds(300)) ==
          WebhookVerdict::ok);
}

TEST_CASE("secrets are whsec_ and base64 of random key bytes", "[service][webhooks]") {
    const std::string a = new_webhook_secret();
    const std::string b = new_webhook_secret();
    CHECK(a != b);
    CHECK(a.rfind("whsec_", 0) == 0);
    REQUIRE(webhook_secret_key(a));
    CHECK(webhook_secret_key(a)->size() == 32);
    CHECK_FALSE(webhook_secret_key("whsec_not base64"));
    CHECK_FALSE(webhook_secret_key("sk_" + a.substr(6)));
    CHECK_FALSE(webhook_secret_key("whsec_" + domain::base64_encode("short")));
}

TEST_CASE("retries back off with jitter over the schedule, honouring Retry-After",
          "[service][webhooks]") {
    using std::chrono::milliseconds;
    using std::chrono::seconds;
    const auto schedule = default_retry_schedule();
    std::int64_t total = 0;
    for (auto s : schedule) total += s.count();
    CHECK(total > 60 * 3600);  // about three days
    CHECK(total < 80 * 3600);
    CHECK(retry_delay(schedule, 1, std::nullopt, 0.5) == milliseconds(5000));
    CHECK(retry_delay(schedule, 1, std::nullopt, 0.0) == milliseconds(4000));
    CHECK(retry_delay(schedule, 2, std::nullopt, 0.999)->count() < 360'000);
    CHECK_FALSE(retry_delay(schedule, static_cast<int>(schedule.size()) + 1, std::nullopt, 0.5));
    CHECK(retry_delay(schedule, 1, seconds(120), 0.5) == milliseconds(120'000));
    CHECK(retry_delay(schedule, 1, seconds(10 * 86400), 0.5) == milliseconds(86'400'000));

    const auto now = domain::Timestamp(
        std::chrono::sys_days(std::chrono::year(2026) / std::chrono::November / 23));
    CHECK(parse_retry_after("120", now) == seconds(120));
    CHECK(parse_retry_after("Mon, 23 Nov 2026 00:02:00 GMT", now) == seconds(120));
    CHECK(parse_retry_after("Sun, 22 Nov 2026 00:00:00 GMT", now) == seconds(0));
    CHECK_FALSE(parse_retry_after("soon", now));
    CHECK_FALSE(parse_retry_after("", now));
}
