// Idempotency-Key on POST /v1/clues: a retry replays the first reply and creates nothing;
// the same key with another body is refused.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

long count_tickets_of(HttpClient& c, const std::string& key, const std::string& query,
                      const std::string& clue_id) {
    long n = 0;
    for (const json& t : list_all(c, key, "/v1/tickets", query)) {
        if (t.value("clue_id", "") == clue_id) ++n;
    }
    return n;
}

long count_in_review(HttpClient& c, const std::string& key, const std::string& reference) {
    long n = 0;
    for (const json& clue : list_all(c, key, "/v1/review-queue")) {
        if (clue.contains("source") && clue["source"].value("reference", "") == reference) ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("a retried submission replays the first reply and creates nothing twice",
          "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");
    const std::string& proc = server.key_for("proc-511702", "staff");

    // A routed clue.
    const std::string body = make_clue("511702", "IDEM-1").dump();
    const Headers headers = json_auth(key, {{"Idempotency-Key", "idem-key-0001"}});
    Response first = c.post("/v1/clues", body, headers);
    INFO("first: " << describe(first));
    REQUIRE(first.status == 201);
    CHECK((!first.has_header("Idempotent-Replayed") ||
           first.header("Idempotent-Replayed") == "false"));
    const std::string clue_id = first.json()["clue"]["id"];

    Response second = c.post("/v1/clues", body, headers);
    INFO("second: " << describe(second));
    REQUIRE(second.status == 201);
    CHECK(second.header("Idempotent-Replayed") == "true");
    CHECK(second.header("Location") == first.header("Location"));
    CHECK(second.json() == first.json());

    // A third time on a new connection, for good measure.
    c.close();
    Response third = c.post("/v1/clues", body, headers);
    REQUIRE(third.status == 201);
    CHECK(third.header("Idempotent-Replayed") == "true");
    CHECK(third.json() == first.json());

    // One clue: its procuratorate and federation tickets, once each.
    CHECK(count_tickets_of(c, key, "box=outbox", clue_id) == 2);
    CHECK(count_tickets_of(c, proc, "box=inbox", clue_id) == 1);
    CHECK(list_all(c, proc, "/v1/tickets", "box=inbox").size() == 1);

    // The same key with another body: refused, nothing stored.
    json other = make_clue("511702", "IDEM-1");
    other["narrative"] = "另一个故事。";
    Response reused = c.post("/v1/clues", other.dump(), headers);
    CHECK_PROBLEM(reused, 422, "idempotency-key-reused");
    CHECK(list_all(c, proc, "/v1/tickets", "box=inbox").size() == 1);
    CHECK(list_all(c, key, "/v1/tickets", "box=outbox").size() == 2);

    // A clue that waits for review: retried, it is still one clue in the queue.
    const std::string queued = make_clue("110105", "IDEM-2").dump();
    const Headers qheaders = json_auth(key, {{"Idempotency-Key", "idem-key-0002"}});
    Response q1 = c.post("/v1/clues", queued, qheaders);
    REQUIRE(q1.status == 201);
    Response q2 = c.post("/v1/clues", queued, qheaders);
    REQUIRE(q2.status == 201);
    CHECK(q2.header("Idempotent-Replayed") == "true");
    CHECK(q2.json() == q1.json());
    CHECK(count_in_review(c, key, "IDEM-2") == 1);

    // Another key with the same source.reference is the same report sent again: refused,
    // pointing at the clue already stored (the sender's own).
    Response fresh =
        c.post("/v1/clues", body, json_auth(key, {{"Idempotency-Key", "idem-key-0003"}}));
    CHECK_PROBLEM(fresh, 409, "duplicate-reference");
    CHECK(fresh.header("Location") == "/v1/clues/" + clue_id);
    CHECK(fresh.json()["existing_clue"] == "/v1/clues/" + clue_id);
    CHECK(list_all(c, key, "/v1/tickets", "box=outbox").size() == 2);

    // Keys are 1–255 visible ASCII characters.
    Response too_long =
        c.post("/v1/clues", body, json_auth(key, {{"Idempotency-Key", std::string(256, 'k')}}));
    CHECK_PROBLEM(too_long, 400, "bad-request");
    CHECK(list_all(c, key, "/v1/tickets", "box=outbox").size() == 2);
}
