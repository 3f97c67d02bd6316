// Tickets through every path of the state table in docs/api.md, with versions, ETags and
// history; the wrong side (403), a disallowed action (409), stale or missing If-Match (412,
// 428), and missing reason or outcome (422).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kRecipient = "proc-511702";

// A server with the hotline's and the recipient's keys, and a helper to open tickets.
struct Parties {
    TestServer server;
    HttpClient& c = server.client();
    std::string sender = server.key_for(kHotline, "intake");
    std::string recipient = server.key_for(kRecipient, "staff");
    int opened = 0;

    // Submits a clue for 511702; returns {clue id, ticket id}.
    std::pair<std::string, std::string> open_ticket() {
        const std::string ref = "LIFE-" + std::to_string(++opened);
        Response r = submit(c, sender, make_clue("511702", ref), ref);
        REQUIRE_STATUS(r, 201);
        json body = r.json();
        REQUIRE(body.contains("tickets"));
        // The procuratorate's ticket (a violence victim's clue also has the federation's).
        for (const auto& t : body["tickets"]) {
            if (t.value("recipient_agency", "") == kRecipient) return {body["clue"]["id"], t["id"]};
        }
        FAIL("no ticket to " << kRecipient << " in " << body.dump());
        return {};
    }

    // GET the ticket: checks ETag against version and returns the body.
    json fetch(const std::string& ticket) {
        Response r = get(c, recipient, "/v1/tickets/" + ticket);
        REQUIRE_STATUS(r, 200);
        json body = r.json();
        CHECK(r.header("ETag") == etag(body.value("version", 0)));
        return body;
    }

    // A transition that must succeed: checks the reply, its ETag and a fresh GET.
    void move(const std::string& key, const std::string& ticket, const json& request,
              int from_version, const std::string& to_status) {
        INFO("transition " << request.dump() << " from version " << from_version);
        Response r = transition(c, key, ticket, request, etag(from_version));
        REQUIRE_STATUS(r, 200);
        CHECK(r.header("ETag") == etag(from_version + 1));
        json body = r.json();
        CHECK(body.value("id", "") == ticket);
        CHECK(body.value("status", "") == to_status);
        CHECK(body.value("version", 0) == from_version + 1);
        json again = fetch(ticket);
        CHECK(again.value("status", "") == to_status);
        CHECK(again.value("version", 0) == from_version + 1);
    }

    struct Expected {
        std::string type;
        std::string from;  // empty: no from_status
        std::string to;
        std::string actor;
    };

    void check_history(const std::string& ticket, const std::vector<Expected>& expected) {
        Response r = get(c, sender, "/v1/tickets/" + ticket + "/history");
        REQUIRE_STATUS(r, 200);
        json items = r.json()["items"];
        REQUIRE(items.is_array());
        REQUIRE(items.size() == expected.size());
        long long last_sequence = -1;
        for (std::size_t i = 0; i < expected.size(); ++i) {
            INFO("event " << i << ": " << items[i].dump());
            const json& e = items[i];
            CHECK(e.value("ticket_id", "") == ticket);
            CHECK(e.value("type", "") == expected[i].type);
            CHECK(e.value("to_status", "") == expected[i].to);
            if (expected[i].from.empty()) {
                CHECK((!e.contains("from_status") || e["from_status"].is_null()));
            } else {
                CHECK(e.value("from_status", "") == expected[i].from);
            }
            CHECK(e.value("actor_agency", "") == expected[i].actor);
            CHECK(e.value("actor_key", "") != "");
            CHECK(e.value("at", "") != "");
            REQUIRE(e.contains("sequence"));
            CHECK(e["sequence"].get<long long>() > last_sequence);
            last_sequence = e["sequence"].get<long long>();
        }
    }

    // Every action a final ticket refuses with 409, by the side that could otherwise do it.
    void check_final(const std::string& ticket, int version) {
        for (const char* action : {"accept", "reject", "start", "hold", "resume", "close"}) {
            json req{{"action", action}};
            if (std::string(action) == "reject" || std::string(action) == "hold") {
                req["reason_code"] = "other";
                req["reason"] = "again";
            }
            if (std::string(action) == "close") req["outcome"] = "not_eligible";
            INFO("action " << action);
            CHECK_PROBLEM(transition(c, recipient, ticket, req, etag(version)), 409,
                          "transition-not-allowed");
        }
        CHECK_PROBLEM(transition(c, sender, ticket, {{"action", "cancel"}}, etag(version)), 409,
                      "transition-not-allowed");
        CHECK(fetch(ticket).value("version", 0) == version);
    }
};

}  // namespace

TEST_CASE("a ticket walks accept, start, hold, resume, close", "[integration]") {
    Parties p;
    auto [clue, ticket] = p.open_ticket();

    json first = p.fetch(ticket);
    CHECK(first.value("status", "") == "pending");
    CHECK(first.value("version", 0) == 1);
    CHECK(first.value("clue_id", "") == clue);
    CHECK(get(p.c, p.recipient, "/v1/tickets/" + ticket).header("ETag") == "\"1\"");
    // The time left, in working days by the deadline calendar (docs/api.md, "due").
    const json due = first["due"];
    CHECK(due.value("deadline", "") == "accept");
    CHECK(due.value("at", "") == first.value("accept_by", "?"));
    CHECK(due.value("passed", true) == false);
    CHECK(due.value("working_days_left", -1) >= 0);
    CHECK(due.value("working_days_left", 99) <= 5);

    p.move(p.recipient, ticket, {{"action", "accept"}}, 1, "accepted");
    const json accepted = p.fetch(ticket);
    CHECK(accepted["due"].value("deadline", "") == "close");
    CHECK(accepted["due"].value("at", "") == accepted.value("close_by", "?"));
    CHECK(accepted["due"].value("working_days_left", 0) > 40);  // three months
    p.move(p.recipient, ticket, {{"action", "start"}}, 2, "in_progress");
    p.move(p.recipient, ticket,
           {{"action", "hold"},
            {"reason_code", "needs_information"},
            {"reason", "waiting for the court file"}},
           3, "on_hold");
    p.move(p.recipient, ticket, {{"action", "resume"}}, 4, "in_progress");
    p.move(p.recipient, ticket,
           {{"action", "close"},
            {"outcome", "assisted"},
            {"measures",
             {{{"type", "legal_aid"},
               {"provider_agency", "legal-aid-511702"},
               {"status", "provided"}}}}},
           5, "closed");

    p.check_history(ticket, {
                                {"ticket.created", "", "pending", kHotline},
                                {"ticket.accepted", "pending", "accepted", kRecipient},
                                {"ticket.started", "accepted", "in_progress", kRecipient},
                                {"ticket.on_hold", "in_progress", "on_hold", kRecipient},
                                {"ticket.resumed", "on_hold", "in_progress", kRecipient},
                                {"ticket.closed", "in_progress", "closed", kRecipient},
                            });
    p.check_final(ticket, 6);
    CHECK_FALSE(p.fetch(ticket).contains("due"));  // finished: no deadline in force
}

TEST_CASE("a ticket is accepted then closed, or closed from on_hold", "[integration]") {
    Parties p;
    auto [clue1, direct] = p.open_ticket();
    p.move(p.recipient, direct, {{"action", "accept"}}, 1, "accepted");
    p.move(p.recipient, direct, {{"action", "close"}, {"outcome", "not_eligible"}}, 2, "closed");
    p.check_history(direct, {
                                {"ticket.created", "", "pending", kHotline},
                                {"ticket.accepted", "pending", "accepted", kRecipient},
                                {"ticket.closed", "accepted", "closed", kRecipient},
                            });
    p.check_final(direct, 3);

    auto [clue2, held] = p.open_ticket();
    p.move(p.recipient, held, {{"action", "accept"}}, 1, "accepted");
    p.move(p.recipient, held, {{"action", "start"}}, 2, "in_progress");
    p.move(p.recipient, held, {{"action", "hold"}, {"reason_code", "cannot_contact"}}, 3,
           "on_hold");
    p.move(p.recipient, held, {{"action", "close"}, {"outcome", "unreachable"}}, 4, "closed");
    p.check_history(held, {
                              {"ticket.created", "", "pending", kHotline},
                              {"ticket.accepted", "pending", "accepted", kRecipient},
                              {"ticket.started", "accepted", "in_progress", kRecipient},
                              {"ticket.on_hold", "in_progress", "on_hold", kRecipient},
                              {"ticket.closed", "on_hold", "closed", kRecipient},
                          });
}

TEST_CASE("a ticket is rejected with a reason, and rejected is final", "[integration]") {
    Parties p;
    auto [clue, ticket] = p.open_ticket();

    Response no_reason = transition(p.c, p.recipient, ticket,
                                    {{"action", "reject"}, {"reason", "not ours"}}, etag(1));
    CHECK_FIELD_ERROR(no_reason, "/reason_code");
    CHECK(p.fetch(ticket).value("version", 0) == 1);

    p.move(p.recipient, ticket,
           {{"action", "reject"},
            {"reason_code", "wrong_jurisdiction"},
            {"reason", "not in our jurisdiction"}},
           1, "rejected");
    p.check_history(ticket, {
                                {"ticket.created", "", "pending", kHotline},
                                {"ticket.rejected", "pending", "rejected", kRecipient},
                                // The clue goes on to the prefecture (routing_flow_test).
                                {"ticket.rerouted", "rejected", "rejected", "system"},
                            });
    p.check_final(ticket, 2);
}

TEST_CASE("the sender cancels a pending ticket and the recipient may not", "[integration]") {
    Parties p;
    auto [clue, ticket] = p.open_ticket();

    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "cancel"}}, etag(1)), 403,
                  "forbidden");
    CHECK(p.fetch(ticket).value("status", "") == "pending");

    p.move(p.sender, ticket, {{"action", "cancel"}, {"reason", "sent by mistake"}}, 1, "cancelled");
    p.check_history(ticket, {
                                {"ticket.created", "", "pending", kHotline},
                                {"ticket.cancelled", "pending", "cancelled", kHotline},
                            });
    p.check_final(ticket, 2);
}

TEST_CASE("transitions are refused to the wrong side, in the wrong status, or out of date",
          "[integration]") {
    Parties p;
    auto [clue, ticket] = p.open_ticket();

    // The sender may not act for the recipient.
    CHECK_PROBLEM(transition(p.c, p.sender, ticket, {{"action", "accept"}}, etag(1)), 403,
                  "forbidden");
    CHECK_PROBLEM(transition(p.c, p.sender, ticket,
                             {{"action", "reject"}, {"reason_code", "duplicate"}}, etag(1)),
                  403, "forbidden");
    // pending does not allow start, hold, resume or close.
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "start"}}, etag(1)), 409,
                  "transition-not-allowed");
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "resume"}}, etag(1)), 409,
                  "transition-not-allowed");
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket,
                             {{"action", "close"}, {"outcome", "not_eligible"}}, etag(1)),
                  409, "transition-not-allowed");
    // Wrong side and wrong status: the status is checked first.
    CHECK_PROBLEM(transition(p.c, p.sender, ticket, {{"action", "start"}}, etag(1)), 409,
                  "transition-not-allowed");
    // If-Match: stale is 412, missing is 428.
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "accept"}}, etag(7)), 412,
                  "precondition-failed");
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "accept"}}, std::nullopt), 428,
                  "precondition-required");
    // Body rules.
    CHECK_FIELD_ERROR(transition(p.c, p.recipient, ticket, {{"action", "explode"}}, etag(1)),
                      "/action");
    CHECK_FIELD_ERROR(transition(p.c, p.recipient, ticket,
                                 {{"action", "accept"}, {"outcome", "assisted"}}, etag(1)),
                      "/outcome");
    CHECK_FIELD_ERROR(
        transition(
            p.c, p.recipient, ticket,
            {{"action", "reject"}, {"reason_code", "other"}, {"reason", std::string(2001, 'r')}},
            etag(1)),
        "/reason");
    // None of that changed anything.
    json still = p.fetch(ticket);
    CHECK(still.value("status", "") == "pending");
    CHECK(still.value("version", 0) == 1);

    p.move(p.recipient, ticket, {{"action", "accept"}}, 1, "accepted");
    // The old ETag is stale now.
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "start"}}, etag(1)), 412,
                  "precondition-failed");
    // close needs an outcome; an unknown outcome is refused too.
    CHECK_FIELD_ERROR(transition(p.c, p.recipient, ticket, {{"action", "close"}}, etag(2)),
                      "/outcome");
    CHECK_FIELD_ERROR(
        transition(p.c, p.recipient, ticket, {{"action", "close"}, {"outcome", "happy"}}, etag(2)),
        "/outcome");
    // accepted is past cancelling, even for the sender.
    CHECK_PROBLEM(transition(p.c, p.sender, ticket, {{"action", "cancel"}}, etag(2)), 409,
                  "transition-not-allowed");
    CHECK_PROBLEM(transition(p.c, p.recipient, ticket, {{"action", "resume"}}, etag(2)), 409,
                  "transition-not-allowed");

    p.check_history(ticket, {
                                {"ticket.created", "", "pending", kHotline},
                                {"ticket.accepted", "pending", "accepted", kRecipient},
                            });

    // Members the API does not keep are refused, never silently dropped.
    CHECK_FIELD_ERROR(transition(p.c, p.recipient, ticket,
                                 {{"action", "start"}, {"note", "called her back"}}, etag(2)),
                      "/note");
    Response started = transition(p.c, p.recipient, ticket, {{"action", "start"}}, etag(2));
    CHECK_STATUS(started, 200);
    CHECK(started.header("ETag") == etag(3));
}
