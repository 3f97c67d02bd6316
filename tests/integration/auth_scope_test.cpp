// Keys and scope: no valid key is 401 with WWW-Authenticate; an agency that is neither
// sender nor recipient gets 404 for the ticket, its history and the clue; roles limit what a
// key may do.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("requests without a valid key are 401", "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string body = make_clue("511702", "AUTH-1").dump();

    auto check_401 = [](const Response& r) {
        CHECK_PROBLEM(r, 401, "unauthenticated");
        CHECK(r.header("WWW-Authenticate").rfind("Bearer", 0) == 0);
    };
    const Headers json_only{{"Content-Type", "application/json"}};
    check_401(c.post("/v1/clues", body, json_only));
    check_401(c.get("/v1/tickets"));
    check_401(c.get("/v1/review-queue"));
    check_401(c.get("/v1/tickets", {{"Authorization", "Bearer crk_not_a_real_key"}}));
    check_401(c.get("/v1/tickets", {{"Authorization", "Bearer "}}));
    check_401(c.get("/v1/tickets", {{"Authorization", "Basic aG90bGluZTpzZWNyZXQ="}}));
    check_401(c.post("/v1/clues", body, json_auth("crk_not_a_real_key")));

    // A real key with one character changed is no key.
    std::string key = server.key_for(kHotline, "intake");
    std::string tampered = key;
    tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
    check_401(c.get("/v1/tickets", auth(tampered)));

    // Health checks need no key.
    CHECK(c.get("/healthz").status == 200);
    CHECK(c.get("/readyz").status == 200);

    // The real key works.
    Response ok = c.post("/v1/clues", body, json_auth(key));
    CHECK_STATUS(ok, 201);
}

TEST_CASE("an agency that is neither party sees nothing of a ticket or its clue", "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& sender = server.key_for(kHotline, "intake");
    const std::string& recipient = server.key_for("proc-511702", "staff");
    const std::string& outsider = server.key_for("proc-511722", "staff");
    const std::string& other_hotline = server.key_for("hotline-12338-sc", "intake");

    Response created = submit(c, sender, make_clue("511702", "SCOPE-1"), "scope-1");
    REQUIRE_STATUS(created, 201);
    const std::string clue = created.json()["clue"]["id"];
    const std::string ticket = created.json()["tickets"][0]["id"];

    for (const std::string* key : {&outsider, &other_hotline}) {
        CHECK_PROBLEM(get(c, *key, "/v1/tickets/" + ticket), 404, "not-found");
        CHECK_PROBLEM(get(c, *key, "/v1/tickets/" + ticket + "/history"), 404, "not-found");
        CHECK_PROBLEM(get(c, *key, "/v1/clues/" + clue), 404, "not-found");
        CHECK_PROBLEM(transition(c, *key, ticket, {{"action", "accept"}}, etag(1)), 404,
                      "not-found");
        CHECK_PROBLEM(transition(c, *key, ticket, {{"action", "cancel"}}, etag(1)), 404,
                      "not-found");
        for (const char* box : {"inbox", "outbox"}) {
            CHECK(list_all(c, *key, "/v1/tickets", std::string("box=") + box).empty());
        }
        CHECK(list_all(c, *key, "/v1/review-queue").empty());
    }

    // The parties see both.
    for (const std::string* key : {&sender, &recipient}) {
        Response t = get(c, *key, "/v1/tickets/" + ticket);
        CHECK_STATUS(t, 200);
        CHECK(t.header("ETag") == "\"1\"");
        CHECK(get(c, *key, "/v1/tickets/" + ticket + "/history").status == 200);
        CHECK(get(c, *key, "/v1/clues/" + clue).status == 200);
    }
    // Personal data in clear is for the parties' intake and staff keys only.
    Response clear = get(c, sender, "/v1/clues/" + clue + "?reveal=true");
    REQUIRE_STATUS(clear, 200);
    CHECK(clear.json()["clue"].value("personal_data", "") == "clear");
    CHECK(clear.json()["clue"]["subject"].value("name", "") == "集成测试人");
    CHECK_PROBLEM(get(c, outsider, "/v1/clues/" + clue + "?reveal=true"), 404, "not-found");

    // A supervisor key may not submit clues.
    const std::string& supervisor = server.key_for(kHotline, "supervisor");
    CHECK_PROBLEM(submit(c, supervisor, make_clue("511702", "SCOPE-2")), 403, "forbidden");

    // Nothing the outsiders tried changed the ticket.
    Response t = get(c, recipient, "/v1/tickets/" + ticket);
    CHECK(t.json().value("status", "") == "pending");
    CHECK(t.json().value("version", 0) == 1);
}
