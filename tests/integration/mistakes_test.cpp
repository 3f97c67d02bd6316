// Mistakes made by accident are refused, or flagged, clearly (issue 13, "Mistakes refused,
// or flagged"; issue 22, "Messages"): a county code not in the region list, a received_at in
// the future or before 1990, unknown query parameters and cursors of the wrong shape on every
// list, bodies that report all their errors at once, vocabularies that list their values, a
// 15-digit ID number, broken JSON, and an unquoted If-Match.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

std::string rfc3339_from_now(std::chrono::seconds ahead) {
    const auto t = std::chrono::system_clock::now() + ahead;
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string detail_at(const Response& r, const std::string& pointer) {
    const json problem = r.json();
    for (const auto& e : problem["errors"]) {
        if (e.value("pointer", "") == pointer) return e.value("detail", "");
    }
    return {};
}

}  // namespace

TEST_CASE("a county code not in the region list: stored, routed by climbing, queued, warned",
          "[integration][mistakes]") {
    TestServer server;  // the shipped config loads config/regions.json
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    // 511799 is well shaped (a county of 达州市) but no such county exists.
    Response r = submit(c, key, make_clue("511799", "MISTAKE-REGION-1"));
    REQUIRE_STATUS(r, 201);
    const json body = r.json();
    CHECK(body["clue"]["status"] == "needs_review");
    CHECK(body["clue"]["review_reason"] == "unknown_region");
    REQUIRE(body["warnings"].is_array());
    REQUIRE(body["warnings"].size() == 1);
    CHECK(body["warnings"][0]["pointer"] == "/subject/region");
    CHECK(body["warnings"][0]["code"] == "unknown_region");
    CHECK_FALSE(body["warnings"][0].value("detail", "").empty());
    // Never lost over a code: it went out to the prefecture all the same.
    std::vector<std::string> recipients;
    for (const auto& t : body["tickets"]) recipients.push_back(t["recipient_agency"]);
    CHECK(recipients == std::vector<std::string>{"proc-511700", "fed-511700"});
    // And a person sees it in the review queue.
    bool queued = false;
    for (const auto& item : list_all(c, key, "/v1/review-queue")) {
        queued = queued || (item["id"] == body["clue"]["id"] &&
                            item.value("review_reason", "") == "unknown_region");
    }
    CHECK(queued);

    // A listed code: no warning.
    Response fine = submit(c, key, make_clue("511702", "MISTAKE-REGION-2"));
    REQUIRE_STATUS(fine, 201);
    CHECK_FALSE(fine.json().contains("warnings"));
    CHECK(fine.json()["clue"]["status"] == "routed");

    // The directory keeps refusing agencies at codes outside the list.
    const std::string& admin = server.key_for(kHotline, "admin");
    Response agency = c.post("/v1/agencies",
                             json{{"id", "proc-511799"},
                                  {"kind", "procuratorate"},
                                  {"name", "不存在的检察院"},
                                  {"region", "511799"},
                                  {"services", {"judicial_assistance"}}}
                                 .dump(),
                             json_auth(admin));
    CHECK_PROBLEM(agency, 422, "validation");
    CHECK(has_pointer(agency, "/region"));
}

TEST_CASE("received_at in the future beyond the tolerance, or before 1990, is a 422",
          "[integration][mistakes]") {
    TestServer server(Environment{{"CLUE_ROUTER_RECEIVED_AT_FUTURE_TOLERANCE_SECONDS", "600"}});
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    json clue = make_clue("511702", "MISTAKE-TIME-1");
    clue["source"]["received_at"] = "2030-11-20T09:12:00+08:00";
    Response future = submit(c, key, clue);
    CHECK_PROBLEM(future, 422, "validation");
    CHECK_THAT(detail_at(future, "/source/received_at"), Catch::Contains("in the future"));

    clue["source"]["received_at"] = "1989-12-31T23:59:59Z";
    Response old = submit(c, key, clue);
    CHECK_PROBLEM(old, 422, "validation");
    CHECK_THAT(detail_at(old, "/source/received_at"), Catch::Contains("1990"));

    // Within the configured tolerance (a sender's clock a few minutes fast): accepted.
    clue["source"]["received_at"] = rfc3339_from_now(std::chrono::seconds(300));
    CHECK_STATUS(submit(c, key, clue), 201);
    clue["source"]["reference"] = "MISTAKE-TIME-2";
    clue["source"]["received_at"] = rfc3339_from_now(std::chrono::seconds(1200));
    CHECK_PROBLEM(submit(c, key, clue), 422, "validation");
}

TEST_CASE("every list refuses unknown query parameters and cursors it did not give",
          "[integration][mistakes]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& staff = server.key_for(kHotline, "staff");
    const std::string& admin = server.key_for(kHotline, "admin");
    REQUIRE_STATUS(submit(c, staff, make_clue("511702", "MISTAKE-LIST-1")), 201);

    struct List {
        std::string path;
        const std::string* key;
        bool paged;
    };
    const std::vector<List> lists{
        {"/v1/tickets", &staff, true},
        {"/v1/review-queue", &staff, true},
        {"/v1/agencies", &staff, true},
        {"/v1/keys", &admin, false},
        {"/v1/webhook-endpoints", &staff, false},
        {"/v1/webhook-deliveries", &staff, true},
        {"/v1/audit", &admin, true},
        {"/v1/stats", &admin, false},
    };
    for (const auto& list : lists) {
        INFO(list.path);
        Response typo = get(c, *list.key, list.path + "?stauts=pending");
        CHECK_PROBLEM(typo, 400, "bad-request");
        CHECK(has_pointer(typo, "/query/stauts"));
        if (!list.paged) continue;
        Response garbage = get(c, *list.key, list.path + "?cursor=zzz%20not-a-cursor");
        CHECK_PROBLEM(garbage, 400, "bad-request");
        CHECK(has_pointer(garbage, "/query/cursor"));
        CHECK_STATUS(get(c, *list.key, list.path + "?limit=2"), 200);
    }
    // The message names what the list takes; two unknown parameters, two errors.
    Response two = get(c, staff, "/v1/tickets?boxx=inbox&stat=open");
    CHECK_PROBLEM(two, 400, "bad-request");
    CHECK(error_pointers(two.json()).size() == 2);
    CHECK_THAT(two.json().value("detail", ""), Catch::Contains("box") && Catch::Contains("status"));
    // A vocabulary error lists the values.
    Response status = get(c, staff, "/v1/tickets?status=open");
    CHECK_PROBLEM(status, 400, "bad-request");
    CHECK_THAT(detail_at(status, "/query/status"),
               Catch::Contains("pending") && Catch::Contains("cancelled"));
    // A parameter name is not echoed unless it is a plain word: it may be anything typed.
    Response phone = get(c, staff, "/v1/tickets?13800130001=1");
    CHECK_PROBLEM(phone, 400, "bad-request");
    CHECK(phone.body.find("13800130001") == std::string::npos);
    // Reads of one record take no filters either.
    CHECK_PROBLEM(get(c, staff, "/v1/agencies/proc-511702?expand=all"), 400, "bad-request");
}

TEST_CASE("bodies report every field error at once, vocabularies with their values",
          "[integration][mistakes]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& admin = server.key_for(kHotline, "admin");

    // A key for an agency that does not exist, with a role that does not either.
    Response key =
        c.post("/v1/keys", json{{"agency", "nobody"}, {"role", "boss"}}.dump(), json_auth(admin));
    CHECK_PROBLEM(key, 422, "validation");
    CHECK(has_pointer(key, "/agency"));
    CHECK(has_pointer(key, "/role"));
    CHECK_THAT(detail_at(key, "/role"), Catch::Contains("intake") && Catch::Contains("admin"));

    // An agency with a bad kind and a code outside the region list; a PUT naming another id.
    Response agency = c.post(
        "/v1/agencies",
        json{{"id", "proc-511799"}, {"kind", "police"}, {"name", "某检察院"}, {"region", "511799"}}
            .dump(),
        json_auth(admin));
    CHECK_PROBLEM(agency, 422, "validation");
    CHECK(has_pointer(agency, "/kind"));
    CHECK(has_pointer(agency, "/region"));
    CHECK_THAT(detail_at(agency, "/kind"), Catch::Contains("procuratorate"));

    // Routing by hand: a note of the wrong type and an unknown agency and purpose, together.
    json waiting = make_clue("511702", "MISTAKE-ROUTE-1");
    waiting["consent"]["share_with_partners"] = false;
    Response queued = submit(c, server.key_for(kHotline, "intake"), waiting);
    REQUIRE_STATUS(queued, 201);
    Response route =
        c.post("/v1/review-queue/" + queued.json()["clue"]["id"].get<std::string>() + "/route",
               json{{"routes", {{{"agency", "nobody"}, {"purpose", "hugs"}}}}, {"note", 5}}.dump(),
               json_auth(server.key_for(kHotline, "staff")));
    CHECK_PROBLEM(route, 422, "validation");
    CHECK(has_pointer(route, "/note"));
    CHECK(has_pointer(route, "/routes/0/agency"));
    CHECK(has_pointer(route, "/routes/0/purpose"));
    CHECK_THAT(detail_at(route, "/routes/0/purpose"), Catch::Contains("judicial_assistance"));

    // A clue: the channel's and the indicator's values are listed.
    json clue = make_clue("511702", "MISTAKE-VOCAB-1");
    clue["source"]["channel"] = "hotline_110";
    clue["indicators"] = {"beaten"};
    Response bad = submit(c, server.key_for(kHotline, "intake"), clue);
    CHECK_PROBLEM(bad, 422, "validation");
    CHECK_THAT(detail_at(bad, "/source/channel"), Catch::Contains("hotline_12309"));
    CHECK_THAT(detail_at(bad, "/indicators/0"), Catch::Contains("domestic_violence"));
}

TEST_CASE("messages: a 15-digit ID number, broken JSON, an unquoted If-Match",
          "[integration][mistakes]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    json clue = make_clue("511702", "MISTAKE-MSG-1");
    clue["subject"]["id_number"] = "511702810312024";  // a first-generation card
    Response fifteen = submit(c, key, clue);
    CHECK_PROBLEM(fifteen, 422, "validation");
    const std::string why = detail_at(fifteen, "/subject/id_number");
    CHECK_THAT(why, Catch::Contains("15-digit") && Catch::Contains("not accepted") &&
                        Catch::Contains("18-digit") && Catch::Contains("birth_date and phone"));
    CHECK(fifteen.body.find("511702810312024") == std::string::npos);

    // Broken JSON: where, as an editor counts, and never what it read there.
    const std::string broken = "{\n  \"source\": {\n    \"channel\": \"hotline_12309\",,\n";
    Response json_error = c.post("/v1/clues", broken, json_auth(key));
    CHECK_PROBLEM(json_error, 400, "malformed-json");
    CHECK_THAT(json_error.json().value("detail", ""), Catch::Contains("line 3, column 32"));
    CHECK(json_error.body.find("hotline_12309") == std::string::npos);

    // If-Match: 1 instead of "1".
    Response created = submit(c, key, make_clue("511702", "MISTAKE-MSG-2"));
    REQUIRE_STATUS(created, 201);
    const std::string ticket = created.json()["tickets"][0]["id"];
    Response bare = transition(c, server.key_for("proc-511702", "staff"), ticket,
                               {{"action", "accept"}}, std::string("1"));
    CHECK_PROBLEM(bare, 400, "bad-request");
    CHECK(detail_at(bare, "/headers/if-match") == "quote the version: \"1\"");
}
