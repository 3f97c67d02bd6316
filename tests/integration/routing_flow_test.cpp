// Routing over real HTTP against the real binary: the directory managed through
// /v1/agencies (ETag / If-Match, field errors), reject → reroute → accept, reject
// everywhere → review queue → routed by hand, dismissal, the overdue and escalated lists,
// and `clue-router agencies import`.
#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

Response put(HttpClient& c, const std::string& key, const std::string& target, const json& body,
             const std::optional<std::string>& if_match) {
    Headers extra;
    if (if_match) extra.emplace_back("If-Match", *if_match);
    return c.request(http::verb::put, target, body.dump(), json_auth(key, extra));
}

Response post_json(HttpClient& c, const std::string& key, const std::string& target,
                   const json& body) {
    return c.post(target, body.dump(), json_auth(key));
}

json agency_body(const std::string& id, const std::string& region, const std::string& parent) {
    return {{"id", id},
            {"kind", "procuratorate"},
            {"name", "测试检察院"},
            {"region", region},
            {"parent", parent},
            {"services", {"judicial_assistance"}},
            {"accepts_referrals", true}};
}

// The judicial-assistance ticket of a submission reply.
std::string judicial_ticket(const json& reply) {
    for (const auto& t : reply["tickets"]) {
        if (t["purpose"] == "judicial_assistance") return t["id"];
    }
    FAIL("no judicial_assistance ticket in " << reply.dump());
    return {};
}

json reject(HttpClient& c, const std::string& key, const std::string& ticket) {
    Response t = get(c, key, "/v1/tickets/" + ticket);
    REQUIRE_STATUS(t, 200);
    Response r =
        transition(c, key, ticket, {{"action", "reject"}, {"reason_code", "wrong_jurisdiction"}},
                   t.header("ETag"));
    REQUIRE_STATUS(r, 200);
    return r.json();
}

// The clue's tickets as its sender sees them.
std::vector<json> tickets_of(HttpClient& c, const std::string& key, const std::string& clue) {
    Response r = get(c, key, "/v1/clues/" + clue);
    REQUIRE_STATUS(r, 200);
    const json body = r.json();  // kept: a range-for over a member of a temporary dangles
    std::vector<json> out;
    for (const auto& t : body["tickets"]) out.push_back(t);
    return out;
}

std::optional<json> ticket_to(const std::vector<json>& tickets, const std::string& recipient) {
    for (const auto& t : tickets) {
        if (t["recipient_agency"] == recipient) return t;
    }
    return std::nullopt;
}

}  // namespace

TEST_CASE("agencies: list, read, create and replace with ETags, field errors, admins only",
          "[integration][agencies]") {
    TestServer server;
    auto& c = server.client();
    const auto admin = server.key_for("proc-510000", "admin");
    const auto staff = server.key_for("proc-511702", "staff");

    auto all = list_all(c, staff, "/v1/agencies");
    CHECK(all.size() == 17);  // tests/fixtures/directory.json, seeded at start
    Response one = get(c, staff, "/v1/agencies/proc-511702");
    REQUIRE_STATUS(one, 200);
    CHECK(one.header("ETag") == etag(1));
    CHECK(one.json()["level"] == "county");
    CHECK(one.json()["parent"] == "proc-511700");
    CHECK_PROBLEM(get(c, staff, "/v1/agencies/nobody"), 404, "not-found");

    // A staff key may read, not write.
    CHECK_PROBLEM(
        post_json(c, staff, "/v1/agencies", agency_body("proc-511723", "511723", "proc-511700")),
        403, "forbidden");

    Response bad = post_json(c, admin, "/v1/agencies",
                             {{"id", "Bad Id"},
                              {"kind", "police"},
                              {"name", ""},
                              {"region", "510001"},
                              {"services", {"hugs"}}});
    CHECK_FIELD_ERROR(bad, "/id");
    CHECK_FIELD_ERROR(bad, "/kind");
    CHECK_FIELD_ERROR(bad, "/name");
    CHECK_FIELD_ERROR(bad, "/region");
    CHECK_FIELD_ERROR(bad, "/services/0");
    CHECK_FIELD_ERROR(
        post_json(c, admin, "/v1/agencies", agency_body("proc-511723", "511723", "proc-nowhere")),
        "/parent");

    Response created =
        post_json(c, admin, "/v1/agencies", agency_body("proc-511723", "511723", "proc-511700"));
    REQUIRE_STATUS(created, 201);
    CHECK(created.header("Location") == "/v1/agencies/proc-511723");
    CHECK(created.header("ETag") == etag(1));
    CHECK_PROBLEM(
        post_json(c, admin, "/v1/agencies", agency_body("proc-511723", "511723", "proc-511700")),
        409, "conflict");

    // The live directory changed: a clue from 开江县 now goes to the new county agency.
    const auto hotline = server.key_for(kHotline, "intake");
    Response routed = submit(c, hotline, make_clue("511723", "AG-1"));
    REQUIRE_STATUS(routed, 201);
    CHECK(routed.json()["tickets"][0]["recipient_agency"] == "proc-511723");

    // Replace: If-Match required, stale refused with the current ETag, then accepted.
    auto closed = agency_body("proc-511723", "511723", "proc-511700");
    closed["accepts_referrals"] = false;
    CHECK_PROBLEM(put(c, admin, "/v1/agencies/proc-511723", closed, std::nullopt), 428,
                  "precondition-required");
    Response stale = put(c, admin, "/v1/agencies/proc-511723", closed, etag(9));
    CHECK_PROBLEM(stale, 412, "precondition-failed");
    CHECK(stale.header("ETag") == etag(1));
    Response replaced = put(c, admin, "/v1/agencies/proc-511723", closed, etag(1));
    REQUIRE_STATUS(replaced, 200);
    CHECK(replaced.header("ETag") == etag(2));
    CHECK(replaced.json()["accepts_referrals"] == false);
    Response after = submit(c, hotline, make_clue("511723", "AG-2"));
    REQUIRE_STATUS(after, 201);
    CHECK(after.json()["tickets"][0]["recipient_agency"] == "proc-511700");

    // Stored, not just in memory: a restart keeps the change (the file does not undo it).
    server.restart();
    Response kept = get(c, staff, "/v1/agencies/proc-511723");
    REQUIRE_STATUS(kept, 200);
    CHECK(kept.json()["accepts_referrals"] == false);
    CHECK(kept.header("ETag") == etag(2));
}

TEST_CASE("reject → reroute → accept, over HTTP", "[integration][routing]") {
    TestServer server;
    auto& c = server.client();
    const auto hotline = server.key_for(kHotline, "intake");
    const auto county = server.key_for("proc-511702", "staff");
    const auto prefecture = server.key_for("proc-511700", "staff");

    Response r = submit(c, hotline, make_clue("511702", "RR-1"));
    REQUIRE_STATUS(r, 201);
    const json reply = r.json();
    CHECK(reply["tickets"].size() == 2);  // procuratorate and federation
    const std::string clue = reply["clue"]["id"];
    const std::string first = judicial_ticket(reply);

    reject(c, county, first);
    auto next = ticket_to(tickets_of(c, hotline, clue), "proc-511700");
    REQUIRE(next);
    CHECK((*next)["status"] == "pending");
    CHECK((*next)["purpose"] == "judicial_assistance");
    CHECK((*next)["sender_agency"] == kHotline);
    CHECK(next->contains("accept_by"));

    // The prefecture sees it in its inbox and accepts it.
    auto inbox = list_all(c, prefecture, "/v1/tickets");
    REQUIRE(inbox.size() == 1);
    CHECK(inbox[0]["id"] == (*next)["id"]);
    Response accepted = transition(c, prefecture, (*next)["id"], {{"action", "accept"}}, etag(1));
    REQUIRE_STATUS(accepted, 200);

    // The path, from both ends.
    Response h1 = get(c, hotline, "/v1/tickets/" + first + "/history");
    REQUIRE_STATUS(h1, 200);
    const json items = h1.json()["items"];
    REQUIRE(items.size() == 3);
    CHECK(items[1]["type"] == "ticket.rejected");
    CHECK(items[2]["type"] == "ticket.rerouted");
    CHECK(items[2]["related_ticket"] == (*next)["id"]);
    CHECK(items[2]["related_agency"] == "proc-511700");
    Response h2 =
        get(c, prefecture, "/v1/tickets/" + (*next)["id"].get<std::string>() + "/history");
    REQUIRE_STATUS(h2, 200);
    CHECK(h2.json()["items"][0]["related_ticket"] == first);
    CHECK(h2.json()["items"][1]["type"] == "ticket.accepted");
}

TEST_CASE("reject everywhere → review queue → routed by hand, dismissal",
          "[integration][routing][review]") {
    TestServer server;
    auto& c = server.client();
    const auto hotline = server.key_for(kHotline, "intake");
    const auto hotline_staff = server.key_for(kHotline, "staff");
    Response r = submit(c, hotline, make_clue("511702", "EV-1"));
    REQUIRE_STATUS(r, 201);
    const std::string clue = r.json()["clue"]["id"];

    for (const char* agency : {"proc-511702", "proc-511700", "proc-510000"}) {
        auto t = ticket_to(tickets_of(c, hotline, clue), agency);
        REQUIRE(t);
        reject(c, server.key_for(agency, "staff"), (*t)["id"]);
    }
    auto queue = list_all(c, hotline, "/v1/review-queue");
    REQUIRE(queue.size() == 1);
    CHECK(queue[0]["id"] == clue);
    CHECK(queue[0]["review_reason"] == "rejected_everywhere");

    // An intake key cannot decide; staff can, and must name a known agency and purpose.
    const std::string route_path = "/v1/review-queue/" + clue + "/route";
    const json by_hand = {
        {"routes", {{{"agency", "proc-511700"}, {"purpose", "judicial_assistance"}}}},
        {"note", "agreed by phone"}};
    CHECK_PROBLEM(post_json(c, hotline, route_path, by_hand), 403, "forbidden");
    CHECK_FIELD_ERROR(
        post_json(c, hotline_staff, route_path,
                  {{"routes", {{{"agency", "nobody"}, {"purpose", "judicial_assistance"}}}}}),
        "/routes/0/agency");
    CHECK_FIELD_ERROR(post_json(c, hotline_staff, route_path, json::object()), "/routes");
    Response routed = post_json(c, hotline_staff, route_path, by_hand);
    REQUIRE_STATUS(routed, 200);
    CHECK(routed.json()["clue"]["status"] == "routed");
    REQUIRE(routed.json()["tickets"].size() == 1);
    CHECK(list_all(c, hotline, "/v1/review-queue").empty());
    CHECK_PROBLEM(post_json(c, hotline_staff, route_path, by_hand), 409, "conflict");

    // A clue without consent waits; dismissing it needs a reason.
    json no_consent = make_clue("511702", "EV-2");
    no_consent["consent"]["share_with_partners"] = false;
    Response waiting = submit(c, hotline, no_consent);
    REQUIRE_STATUS(waiting, 201);
    const std::string waiting_id = waiting.json()["clue"]["id"];
    CHECK(waiting.json()["clue"]["review_reason"] == "consent_missing");
    const std::string dismiss_path = "/v1/review-queue/" + waiting_id + "/dismiss";
    CHECK_FIELD_ERROR(post_json(c, hotline_staff, dismiss_path, json::object()), "/reason");
    Response dismissed =
        post_json(c, hotline_staff, dismiss_path, {{"reason", "duplicate of an earlier call"}});
    REQUIRE_STATUS(dismissed, 200);
    CHECK(dismissed.json()["clue"]["status"] == "dismissed");
    CHECK(list_all(c, hotline, "/v1/review-queue").empty());
    // Another agency does not see it at all.
    CHECK_PROBLEM(post_json(c, server.key_for("proc-511702", "staff"),
                            "/v1/review-queue/" + waiting_id + "/dismiss", {{"reason", "x"}}),
                  404, "not-found");
}

TEST_CASE("ticket lists: overdue and escalated filters are checked and answered",
          "[integration][deadlines]") {
    TestServer server;
    auto& c = server.client();
    const auto hotline = server.key_for(kHotline, "intake");
    const auto county = server.key_for("proc-511702", "staff");
    const auto admin = server.key_for("proc-510000", "admin");
    REQUIRE_STATUS(submit(c, hotline, make_clue("511702", "OD-1")), 201);

    CHECK_PROBLEM(get(c, county, "/v1/tickets?overdue=yes"), 400, "bad-request");
    CHECK_PROBLEM(get(c, county, "/v1/tickets?box=sideways"), 400, "bad-request");
    // Nothing is due yet: the sweeper run now finds nothing, the lists are empty.
    Response swept = c.post("/v1/admin/sweep-deadlines", "", auth(admin));
    REQUIRE_STATUS(swept, 200);
    CHECK(swept.json()["overdue"] == 0);
    CHECK_PROBLEM(c.post("/v1/admin/sweep-deadlines", "", auth(county)), 403, "forbidden");
    CHECK(list_all(c, county, "/v1/tickets", "overdue=true").empty());
    CHECK(list_all(c, county, "/v1/tickets", "overdue=false").size() == 1);
    CHECK(list_all(c, server.key_for("proc-511700", "staff"), "/v1/tickets", "box=escalated")
              .empty());
}

TEST_CASE("agencies import: all or none, then routed with after a reload",
          "[integration][agencies]") {
    TestServer server;
    auto& c = server.client();
    const auto staff = server.key_for("proc-511702", "staff");
    const std::string good = server.dir() + "/good.json";
    const std::string bad = server.dir() + "/bad.json";
    {
        std::ofstream(good) << json{{"agencies",
                                     {agency_body("proc-511723", "511723", "proc-511700"),
                                      agency_body("proc-511725", "511725", "proc-511700")}}}
                                   .dump();
        std::ofstream(bad) << json{{"agencies",
                                    {agency_body("proc-511781", "511781", "proc-511700"),
                                     agency_body("proc-511725", "511725", "proc-missing")}}}
                                  .dump();
    }
    auto refused = server.cli({"agencies", "import", "--config", server.config_path(), bad});
    REQUIRE(refused.status);
    CHECK_FALSE(refused.status->success());
    CHECK(refused.err.find("proc-missing") != std::string::npos);
    CHECK_PROBLEM(get(c, staff, "/v1/agencies/proc-511781"), 404, "not-found");

    auto ok = server.cli({"agencies", "import", "--config", server.config_path(), good});
    INFO(ok.err);
    REQUIRE(ok.status);
    CHECK(ok.status->success());
    CHECK_STATUS(get(c, staff, "/v1/agencies/proc-511725"), 200);
    // The running server routes with them once it reloads.
    const auto hotline = server.key_for(kHotline, "intake");
    Response reload =
        c.post("/v1/admin/criteria/reload", "", auth(server.key_for("proc-510000", "admin")));
    REQUIRE_STATUS(reload, 200);
    Response r = submit(c, hotline, make_clue("511725", "IMP-1"));
    REQUIRE_STATUS(r, 201);
    CHECK(r.json()["tickets"][0]["recipient_agency"] == "proc-511725");
}
