// Bad input of every kind gets the problem reply docs/api.md names: malformed JSON and HTTP
// (400), wrong media type (415), unknown routes (404), wrong methods (405 + Allow), bodies
// over the limit (413), field errors with exact pointers (422). The server keeps serving.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("malformed bodies, wrong media types, unknown routes and wrong methods",
          "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    CHECK_PROBLEM(c.post("/v1/clues", "{\"source\": {", json_auth(key)), 400, "malformed-json");
    CHECK_PROBLEM(c.post("/v1/clues", "not json at all", json_auth(key)), 400, "malformed-json");
    CHECK_PROBLEM(c.post("/v1/clues", "[1, 2, 3]", json_auth(key)), 400, "malformed-json");
    CHECK_PROBLEM(c.post("/v1/clues", "", json_auth(key)), 400, "malformed-json");

    const std::string valid = make_clue("511702", "MEDIA-1").dump();
    Headers text = auth(key);
    text.emplace_back("Content-Type", "text/plain");
    CHECK_PROBLEM(c.post("/v1/clues", valid, text), 415, "unsupported-media-type");
    Headers form = auth(key);
    form.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    CHECK_PROBLEM(c.post("/v1/clues", valid, form), 415, "unsupported-media-type");
    CHECK_PROBLEM(c.post("/v1/clues", valid, auth(key)), 415, "unsupported-media-type");
    // A charset parameter is still JSON.
    Headers utf8 = auth(key);
    utf8.emplace_back("Content-Type", "application/json; charset=utf-8");
    Response ok = c.post("/v1/clues", valid, utf8);
    CHECK_STATUS(ok, 201);

    CHECK_PROBLEM(get(c, key, "/v1/nothing-here"), 404, "not-found");
    CHECK_PROBLEM(get(c, key, "/v2/clues"), 404, "not-found");
    CHECK_PROBLEM(get(c, key, "/v1/clues/0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f"), 404, "not-found");
    CHECK_PROBLEM(get(c, key, "/v1/tickets/0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f"), 404,
                  "not-found");
    CHECK_PROBLEM(get(c, key, "/v1/tickets/not-a-uuid"), 404, "not-found");

    Response del = c.request(http::verb::delete_, "/v1/clues", {}, auth(key));
    CHECK_PROBLEM(del, 405, "method-not-allowed");
    CHECK(del.header("Allow").find("POST") != std::string::npos);
    Response get_clues = get(c, key, "/v1/clues");
    CHECK_PROBLEM(get_clues, 405, "method-not-allowed");
    CHECK(get_clues.header("Allow").find("POST") != std::string::npos);
    Response put_ticket = c.request(
        http::verb::put, "/v1/tickets/0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f", "{}", json_auth(key));
    CHECK_PROBLEM(put_ticket, 405, "method-not-allowed");
    CHECK(put_ticket.header("Allow").find("GET") != std::string::npos);
    Response get_transitions =
        get(c, key, "/v1/tickets/0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f/transitions");
    CHECK_PROBLEM(get_transitions, 405, "method-not-allowed");
    CHECK(get_transitions.header("Allow").find("POST") != std::string::npos);

    // Bad query parameters name themselves.
    Response limit = get(c, key, "/v1/tickets?limit=0");
    CHECK_PROBLEM(limit, 400, "bad-request");
    CHECK(has_pointer(limit, "/query/limit"));
    Response big_limit = get(c, key, "/v1/tickets?limit=201");
    CHECK_PROBLEM(big_limit, 400, "bad-request");
    CHECK(has_pointer(big_limit, "/query/limit"));
    Response box = get(c, key, "/v1/tickets?box=sideways");
    CHECK_PROBLEM(box, 400, "bad-request");
    CHECK(has_pointer(box, "/query/box"));
    Response status = get(c, key, "/v1/tickets?status=sleeping");
    CHECK_PROBLEM(status, 400, "bad-request");
    CHECK(has_pointer(status, "/query/status"));

    // Still serving, on the same connection or a new one.
    CHECK(c.get("/healthz").status == 200);
}

TEST_CASE("field errors point at the field, and never repeat its value", "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    const json base = make_clue("511702", "FIELDS-1");
    struct Case {
        std::string what;
        json patch;  // RFC 6902 operations on the base clue
        std::string pointer;
        std::string secret;  // a submitted value the problem must not repeat
    };
    const std::string bad_id = with_wrong_check_character(base["subject"]["id_number"]);
    const std::vector<Case> cases{
        {"bad ID check character",
         json::array({{{"op", "replace"}, {"path", "/subject/id_number"}, {"value", bad_id}}}),
         "/subject/id_number", bad_id},
        {"ID number with an impossible birth date",
         json::array({{{"op", "replace"},
                       {"path", "/subject/id_number"},
                       {"value", make_id_number("511702", "19810230", "024")}}}),
         "/subject/id_number", make_id_number("511702", "19810230", "024")},
        {"unknown channel",
         json::array({{{"op", "replace"}, {"path", "/source/channel"}, {"value", "fax"}}}),
         "/source/channel", ""},
        {"unknown indicator",
         json::array(
             {{{"op", "replace"}, {"path", "/indicators"}, {"value", {"not_an_indicator"}}}}),
         "/indicators/0", ""},
        {"second indicator unknown",
         json::array({{{"op", "replace"},
                       {"path", "/indicators"},
                       {"value", {"domestic_violence", "nope"}}}}),
         "/indicators/1", ""},
        {"region that is no region",
         json::array({{{"op", "replace"}, {"path", "/subject/region"}, {"value", "990101"}}}),
         "/subject/region", ""},
        {"region of five digits",
         json::array({{{"op", "replace"}, {"path", "/subject/region"}, {"value", "51170"}}}),
         "/subject/region", ""},
        {"received_at not a date-time",
         json::array(
             {{{"op", "replace"}, {"path", "/source/received_at"}, {"value", "yesterday"}}}),
         "/source/received_at", ""},
        {"phone that is no phone",
         json::array({{{"op", "replace"}, {"path", "/subject/phone"}, {"value", "1380013"}}}),
         "/subject/phone", "1380013"},
        {"unknown member in subject",
         json::array({{{"op", "add"}, {"path", "/subject/nickname"}, {"value", "x"}}}),
         "/subject/nickname", ""},
        {"unknown top-level member",
         json::array({{{"op", "add"}, {"path", "/extra"}, {"value", 1}}}), "/extra", ""},
        {"missing reporter relation",
         json::array({{{"op", "remove"}, {"path", "/reporter/relation"}}}), "/reporter/relation",
         ""},
        {"missing region", json::array({{{"op", "remove"}, {"path", "/subject/region"}}}),
         "/subject/region", ""},
        {"consent not a boolean",
         json::array(
             {{{"op", "replace"}, {"path", "/consent/share_with_partners"}, {"value", "yes"}}}),
         "/consent/share_with_partners", ""},
        {"age out of range",
         json::array({{{"op", "add"}, {"path", "/subject/age"}, {"value", 131}}}), "/subject/age",
         ""},
        {"sex disagrees with the ID number",
         json::array({{{"op", "replace"}, {"path", "/subject/sex"}, {"value", "male"}}}),
         "/subject/sex", ""},
        {"indicator twice",
         json::array({{{"op", "replace"},
                       {"path", "/indicators"},
                       {"value", {"domestic_violence", "domestic_violence"}}}}),
         "/indicators/1", ""},
    };

    for (const Case& k : cases) {
        INFO("case: " << k.what);
        json clue = base.patch(k.patch);
        Response r = submit(c, key, clue);
        CHECK_FIELD_ERROR(r, k.pointer);
        if (!k.secret.empty()) CHECK(r.body.find(k.secret) == std::string::npos);
        CHECK(r.body.find(base["subject"]["name"].get<std::string>()) == std::string::npos);
    }

    // Two errors at once: both are named.
    json two = base;
    two["subject"]["id_number"] = bad_id;
    two["indicators"] = {"domestic_violence", "nope"};
    Response r = submit(c, key, two);
    CHECK_FIELD_ERROR(r, "/subject/id_number");
    CHECK(has_pointer(r, "/indicators/1"));
    CHECK(error_pointers(r.json()).size() == 2);

    // The valid base clue is fine (the cases above fail for their own reason only).
    Response ok = submit(c, key, base);
    CHECK_STATUS(ok, 201);
}

TEST_CASE("bodies over max_body_bytes are refused with 413", "[integration]") {
    TestServer server(Environment{{"CLUE_ROUTER_MAX_BODY_BYTES", "4096"}});
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    json small = make_clue("511702", "SIZE-1");
    REQUIRE(small.dump().size() < 4096);
    Response ok = submit(c, key, small);
    CHECK_STATUS(ok, 201);

    json big = make_clue("511702", "SIZE-2");
    big["narrative"] = std::string(5000, 'a');
    CHECK_PROBLEM(submit(c, key, big), 413, "payload-too-large");

    // Nothing of it was stored, and the server still serves.
    HttpClient fresh(server.port());
    CHECK(fresh.get("/healthz").status == 200);
    // The one clue stored before: its procuratorate and federation tickets.
    CHECK(list_all(fresh, key, "/v1/tickets", "box=outbox").size() == 2);
}

TEST_CASE("malformed HTTP is answered 400 and the server keeps serving", "[integration]") {
    TestServer server;

    auto check_raw = [&](const std::string& request, int expected) {
        std::string reply = raw_exchange(server.port(), request);
        INFO("request: " << request.substr(0, 120) << "\nreply: " << reply);
        CHECK(raw_status(reply) == expected);
        CHECK(reply.find("X-Request-Id") != std::string::npos);
        return reply;
    };

    std::string reply = check_raw("THIS IS NOT HTTP\r\n\r\n", 400);
    CHECK(reply.find("application/problem+json") != std::string::npos);
    CHECK(reply.find("urn:clue-router:problem:bad-request") != std::string::npos);
    check_raw("GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400);
    check_raw("POST /v1/clues HTTP/1.1\r\nHost: x\r\nContent-Length: banana\r\n\r\n", 400);
    // Headers over 16 KiB.
    reply = check_raw(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n", 431);
    CHECK(reply.find("urn:clue-router:problem:headers-too-large") != std::string::npos);

    // A client that sends half a request and leaves.
    raw_exchange(server.port(),
                 "POST /v1/clues HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
                 std::chrono::milliseconds(200), true);

    // A good request on a raw socket still works.
    reply = raw_exchange(server.port(),
                         "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(raw_status(reply) == 200);

    HttpClient& c = server.client();
    Response health = c.get("/healthz");
    CHECK(health.status == 200);
    CHECK(server.running());
}
