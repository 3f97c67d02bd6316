// The webhook outbox's due query (issue 14, item 5): a backlog of thousands at one endpoint
// must not keep another endpoint's delivery out of the batch the dispatcher is given.
#include <algorithm>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

WebhookEndpoint endpoint(const std::string& id, const std::string& agency) {
    WebhookEndpoint e;
    e.id = id;
    e.agency_id = agency;
    e.url = "https://hooks.example.org/" + id;
    e.secret = "whsec_" + std::string(43, 'A') + "=";
    e.created_at = at(0);
    e.updated_at = at(0);
    return e;
}

// One ticket of `clue_id` from `sender`, with one event at `minute`: one lane (one
// outbox row) for each endpoint of the sender. Closed tickets, so one clue holds many.
void ticket_with_event(WriteTransaction& tx, const std::string& id, const std::string& clue_id,
                       const std::string& sender, int minute) {
    auto t = ticket(id, clue_id, sender, "recipient-agency", domain::TicketStatus::closed);
    tx.insert_ticket(t);
    domain::TicketEvent e;
    e.ticket_id = id;
    e.type = "ticket.created";
    e.to_status = "pending";
    e.actor_agency = sender;
    e.actor_key = "key";
    e.at = at(minute);
    tx.append_event(e);
}

std::map<std::string, int> per_endpoint(const std::vector<WebhookDelivery>& due) {
    std::map<std::string, int> out;
    for (const auto& d : due) ++out[d.endpoint_id];
    return out;
}

}  // namespace

TEST_CASE("hardening 5: thousands due at one endpoint leave room for another endpoint's",
          "[storage][webhooks][hardening]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    constexpr int kBacklog = 3000;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        tx.insert_webhook_endpoint(endpoint("ep_slow", "agency-slow"));
        tx.insert_webhook_endpoint(endpoint("ep_other", "agency-other"));
        insert_in_case(tx, stored_clue("clue-slow", "agency-slow"));
        insert_in_case(tx, stored_clue("clue-other", "agency-other"));
        // The slow endpoint's backlog is older than anything of the other endpoint's.
        for (int i = 0; i < kBacklog; ++i) {
            ticket_with_event(tx, "t-slow-" + std::to_string(i), "clue-slow", "agency-slow", 0);
        }
        ticket_with_event(tx, "t-other", "clue-other", "agency-other", 5);
    });

    auto reader = store->reader();
    const auto due = reader->due_deliveries(at(10), /*per_endpoint=*/16, /*limit=*/500);
    const auto counts = per_endpoint(due);
    REQUIRE(counts.count("ep_other") == 1);
    CHECK(counts.at("ep_other") == 1);
    CHECK(counts.at("ep_slow") == 16);  // its cap, not the batch's 500
    // Each endpoint's first turn comes before any endpoint's second: the other endpoint's
    // row is among the first two, whatever the ages.
    const auto other = std::find_if(due.begin(), due.end(),
                                    [](const auto& d) { return d.endpoint_id == "ep_other"; });
    CHECK(other - due.begin() < 2);
    // Within an endpoint, oldest first.
    std::vector<std::int64_t> slow;
    for (const auto& d : due) {
        if (d.endpoint_id == "ep_slow") slow.push_back(d.sequence);
    }
    CHECK(std::is_sorted(slow.begin(), slow.end()));

    // A batch smaller than the number of endpoints still takes one of each first.
    const auto two = reader->due_deliveries(at(10), 16, 2);
    CHECK(per_endpoint(two) == std::map<std::string, int>{{"ep_other", 1}, {"ep_slow", 1}});
    store->stop();
}

TEST_CASE("due deliveries: one per lane, enabled endpoints only, due ones only",
          "[storage][webhooks]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [&](WriteTransaction& tx) {
        tx.insert_webhook_endpoint(endpoint("ep_a", "agency-a"));
        auto off = endpoint("ep_off", "agency-off");
        off.enabled = false;
        tx.insert_webhook_endpoint(off);
        insert_in_case(tx, stored_clue("clue-a", "agency-a"));
        insert_in_case(tx, stored_clue("clue-off", "agency-off"));
        ticket_with_event(tx, "t-a", "clue-a", "agency-a", 0);
        // A second event of the same ticket waits behind the first (same lane).
        domain::TicketEvent later;
        later.ticket_id = "t-a";
        later.type = "ticket.accepted";
        later.from_status = "pending";
        later.to_status = "accepted";
        later.actor_agency = "recipient-agency";
        later.actor_key = "key";
        later.at = at(1);
        tx.append_event(later);
        ticket_with_event(tx, "t-late", "clue-a", "agency-a", 60);
        ticket_with_event(tx, "t-off", "clue-off", "agency-off", 0);
    });
    const auto due = store->reader()->due_deliveries(at(10), 16, 500);
    REQUIRE(due.size() == 1);
    CHECK(due[0].endpoint_id == "ep_a");
    CHECK(due[0].ordering_key == "ticket:t-a");
    CHECK(due[0].event_type == "ticket.created");
    store->stop();
}
