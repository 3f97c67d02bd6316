// A clue acknowledged is a clue kept: after SIGTERM (exit 0) and a new start on the same
// database, clues, tickets, history, keys and idempotent replays are all still there.
#include <csignal>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("clues, tickets, history and idempotency survive a restart", "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string sender = server.key_for(kHotline, "intake");
    const std::string recipient = server.key_for("proc-511702", "staff");

    const std::string routed_body = make_clue("511702", "RESTART-1").dump();
    const Headers routed_headers = json_auth(sender, {{"Idempotency-Key", "restart-1"}});
    Response routed = c.post("/v1/clues", routed_body, routed_headers);
    REQUIRE_STATUS(routed, 201);
    const std::string clue = routed.json()["clue"]["id"];
    const std::string ticket = routed.json()["tickets"][0]["id"];

    Response queued = submit(c, sender, make_clue("110105", "RESTART-2"), "restart-2");
    REQUIRE(queued.status == 201);
    const std::string queued_id = queued.json()["clue"]["id"];

    Response accepted = transition(c, recipient, ticket, {{"action", "accept"}}, etag(1));
    REQUIRE_STATUS(accepted, 200);
    Response history_before = get(c, sender, "/v1/tickets/" + ticket + "/history");
    REQUIRE(history_before.status == 200);

    server.restart();  // SIGTERM → exit 0 → start on the same database

    // The keys made before the restart still work; the clue and ticket are as they were.
    Response clue_after = get(c, sender, "/v1/clues/" + clue);
    REQUIRE_STATUS(clue_after, 200);
    CHECK(clue_after.json()["clue"] == routed.json()["clue"]);

    Response ticket_after = get(c, recipient, "/v1/tickets/" + ticket);
    REQUIRE_STATUS(ticket_after, 200);
    CHECK(ticket_after.header("ETag") == "\"2\"");
    CHECK(ticket_after.json().value("status", "") == "accepted");
    CHECK(ticket_after.json() == accepted.json());

    Response history_after = get(c, sender, "/v1/tickets/" + ticket + "/history");
    REQUIRE(history_after.status == 200);
    CHECK(history_after.json() == history_before.json());
    CHECK(history_after.json()["items"].size() == 2);

    std::vector<std::string> queue;
    for (const json& item : list_all(c, sender, "/v1/review-queue"))
        queue.push_back(item.value("id", ""));
    CHECK(queue == std::vector<std::string>{queued_id});

    // An idempotent retry across the restart replays the first reply.
    Response replay = c.post("/v1/clues", routed_body, routed_headers);
    REQUIRE_STATUS(replay, 201);
    CHECK(replay.header("Idempotent-Replayed") == "true");
    CHECK(replay.json() == routed.json());
    CHECK(list_all(c, sender, "/v1/tickets", "box=outbox").size() == 2);  // proc and federation

    // The ticket moves on from where it was.
    Response started = transition(c, recipient, ticket, {{"action", "start"}}, etag(2));
    CHECK_STATUS(started, 200);
    CHECK(started.header("ETag") == "\"3\"");

    // And a second restart, by SIGINT this time, is just as graceful.
    auto status = server.terminate(SIGINT);
    REQUIRE(status.has_value());
    INFO("exit: " << status->describe());
    CHECK(status->success());
    server.start();
    Response final_ticket = get(c, recipient, "/v1/tickets/" + ticket);
    CHECK(final_ticket.json().value("status", "") == "in_progress");
    CHECK(final_ticket.json().value("version", 0) == 3);
}
