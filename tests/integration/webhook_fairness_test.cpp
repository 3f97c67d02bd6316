// One slow endpoint must not hold up every agency's webhooks (issue 14, item 5): with
// thousands of deliveries queued for an endpoint that never answers, another agency's
// delivery goes out at the next poll. Measured in attempts observed, not in seconds.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"
#include "integration/support/webhook_receiver.hpp"

using namespace clue_router::it;

namespace {

const std::string kPlatform = "platform-sc";

}  // namespace

TEST_CASE(
    "hardening 5: a stalling endpoint with thousands queued does not hold up another agency's "
    "webhook",
    "[integration][webhooks][hardening]") {
    // The stalled endpoint's attempts each hang until the timeout; once timed out a delivery
    // waits an hour, so every timeout round moves the backlog on by one round of attempts.
    constexpr int kPerEndpoint = 8;  // webhook_max_in_flight_per_endpoint, the default
    TestServer server(Environment{{"CLUE_ROUTER_WEBHOOK_POLL_INTERVAL_MS", "500"},
                                  {"CLUE_ROUTER_WEBHOOK_TIMEOUT_MS", "4000"},
                                  {"CLUE_ROUTER_WEBHOOK_RETRY_SCHEDULE_SECONDS", "3600"},
                                  {"CLUE_ROUTER_RATE_LIMIT_PER_MINUTE", "0"},
                                  {"CLUE_ROUTER_SYNCHRONOUS", "NORMAL"}});
    StallingReceiver stalled;
    WebhookReceiver other;
    HttpClient& c = server.client();
    REQUIRE_STATUS(post_webhook_endpoint(c, server.key_for(kHotline, "staff"), stalled.url()), 201);
    REQUIRE_STATUS(post_webhook_endpoint(c, server.key_for(kPlatform, "staff"), other.url()), 201);

    // 1,500 clues, two tickets each: 3,000 deliveries queued for the stalled endpoint, far
    // more than one batch of the dispatcher (500).
    const std::string hotline = server.key_for(kHotline, "intake");
    constexpr int kClues = 1500;
    constexpr int kThreads = 4;
    std::atomic<int> failures{0};
    std::vector<std::thread> submitters;
    for (int t = 0; t < kThreads; ++t) {
        submitters.emplace_back([&, t] {
            HttpClient own(server.port());
            for (int i = t; i < kClues; i += kThreads) {
                const Response r =
                    submit(own, hotline, make_clue("511702", "HARD-5-" + std::to_string(i)));
                if (r.status != 201) ++failures;
            }
        });
    }
    for (auto& s : submitters) s.join();
    REQUIRE(failures == 0);
    REQUIRE(stalled.accepted() > 0);  // it is busy with the backlog

    // The moment the other agency's delivery arrives, how many connections the stalled
    // endpoint has had by then.
    std::atomic<int> stalled_at_arrival{-1};
    other.set_on_request([&] {
        int expected = -1;
        stalled_at_arrival.compare_exchange_strong(expected, stalled.accepted());
    });
    const int stalled_at_commit = stalled.accepted();
    REQUIRE_STATUS(
        submit(c, server.key_for(kPlatform, "intake"), make_clue("511702", "HARD-5-OTHER")), 201);
    // Wait for it, or for the stalled endpoint to have been given three more rounds of
    // attempts, whichever comes first: attempts observed, not seconds, decide.
    const auto other_arrived = other.wait_until(
        [&](const auto& got) {
            return !got.empty() || stalled.accepted() > stalled_at_commit + 3 * kPerEndpoint;
        },
        std::chrono::seconds(90));
    REQUIRE(other_arrived);
    INFO("stalled endpoint connections: at commit " << stalled_at_commit << ", at arrival "
                                                    << stalled_at_arrival.load() << ", now "
                                                    << stalled.accepted());
    REQUIRE_FALSE(other.received().empty());
    // Picked by the first poll that saw it: at most the one round of stalled attempts that
    // such a poll can start beside it, never a wait for the backlog to drain.
    CHECK(stalled_at_arrival.load() - stalled_at_commit <= kPerEndpoint);
}
