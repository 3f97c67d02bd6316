// POST /v1/clues end to end: every sample clue is stored, screened, and either routed to the
// procuratorate of its region (climbing county → prefecture → province) or queued for review.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

std::string criteria_version() {
    std::ifstream in(source_dir() + "/config/criteria.json");
    return json::parse(in).at("version").get<std::string>();
}

// The checks every 201 reply to a submission must pass; returns the clue id.
std::string check_created(const Response& r, const json& submitted, const std::string& sender) {
    REQUIRE_STATUS(r, 201);
    CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    CHECK(r.has_header("X-Request-Id"));
    json body = r.json();
    REQUIRE(body.is_object());
    REQUIRE(body.contains("clue"));
    const json& clue = body["clue"];
    const std::string id = clue.value("id", "");
    CHECK(is_uuid_v7(id));
    CHECK(r.header("Location") == "/v1/clues/" + id);
    CHECK(clue.value("sender_agency", "") == sender);
    CHECK(clue.value("personal_data", "") == "masked");
    CHECK_FALSE(clue.contains("narrative"));
    CHECK(clue["source"] == submitted["source"]);
    CHECK(clue["subject"].value("region", "") == submitted["subject"]["region"]);
    if (submitted["subject"].contains("id_number")) {
        CHECK(clue["subject"].value("id_number", "") != submitted["subject"]["id_number"]);
    }
    if (submitted["subject"].contains("name")) {
        CHECK(clue["subject"].value("name", "") != submitted["subject"]["name"]);
    }

    REQUIRE(body.contains("screening"));
    const json& s = body["screening"];
    REQUIRE(s.contains("score"));
    REQUIRE(s["score"].is_number_integer());
    CHECK(s["score"].get<int>() >= 0);
    CHECK(s["score"].get<int>() <= 100);
    const std::set<std::string> priorities{"urgent", "high", "normal", "low"};
    CHECK(priorities.count(s.value("priority", "")) == 1);
    CHECK(clue.value("priority", "") == s.value("priority", ""));
    CHECK(s.value("criteria_version", "") == criteria_version());
    REQUIRE(s.contains("key_groups"));
    CHECK(s["key_groups"].is_array());
    return id;
}

// Tickets of a reply, as an array (absent means none).
json tickets_of(const json& body) {
    return body.contains("tickets") ? body["tickets"] : json::array();
}

void check_routed_to(const Response& r, const std::string& clue_id, const std::string& recipient,
                     const std::string& sender) {
    INFO(describe(r));
    json body = r.json();
    CHECK(body["clue"].value("status", "") == "routed");
    // The judicial-assistance ticket; a violence victim's clue also has a social-support one
    // to the federation (config/routing.json), checked where that is the point.
    json tickets = tickets_of(body);
    json t;
    for (const auto& candidate : tickets) {
        if (candidate.value("purpose", "") == "judicial_assistance") t = candidate;
    }
    REQUIRE(t.is_object());
    CHECK(is_uuid_v7(t.value("id", "")));
    CHECK(t.value("clue_id", "") == clue_id);
    CHECK(t.value("sender_agency", "") == sender);
    CHECK(t.value("recipient_agency", "") == recipient);
    CHECK(t.value("purpose", "") == "judicial_assistance");
    CHECK(t.value("status", "") == "pending");
    CHECK(t.value("version", 0) == 1);
    CHECK(t.value("priority", "") == body["screening"].value("priority", ""));
}

void check_needs_review(const Response& r, const std::string& reason) {
    INFO(describe(r));
    json body = r.json();
    CHECK(body["clue"].value("status", "") == "needs_review");
    CHECK(review_reason(body) == reason);
    CHECK(tickets_of(body).empty());
}

}  // namespace

TEST_CASE("every sample clue is stored, screened, and routed or queued for review",
          "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");

    std::vector<std::string> queued;
    int routed = 0;
    for (const json& line : sample_lines()) {
        const json& clue = line.at("clue");
        const std::string reference = clue["source"]["reference"];
        const std::string region = clue["subject"]["region"];
        INFO("sample " << reference << " region " << region);
        Response r = submit(c, key, clue, "it-" + reference);
        const std::string id = check_created(r, clue, kHotline);

        if (region == "511702") {
            check_routed_to(r, id, "proc-511702", kHotline);
            ++routed;
        } else {
            REQUIRE(region.substr(0, 2) != "51");  // the samples' other regions: not Sichuan
            // No key group: below the routing rules' score threshold, whatever the region.
            const bool matched = !line.at("expect").at("key_groups").empty();
            check_needs_review(r, matched ? "no_agency_for_region" : "score_below_threshold");
            queued.push_back(id);
        }

        Response again = get(c, key, "/v1/clues/" + id);
        REQUIRE_STATUS(again, 200);
        json view = again.json();
        CHECK(view["clue"].value("id", "") == id);
        CHECK(view["clue"].value("status", "") == r.json()["clue"].value("status", ""));
        CHECK(view["clue"].value("personal_data", "") == "masked");
    }
    CHECK(routed == 1);

    // The queued ones wait in the sender's review queue, oldest first.
    std::vector<std::string> in_queue;
    for (const json& item : list_all(c, key, "/v1/review-queue")) {
        in_queue.push_back(item.value("id", ""));
        CHECK(item.value("status", "") == "needs_review");
    }
    CHECK(in_queue == queued);
}

TEST_CASE("routing picks the most specific procuratorate, climbing to prefecture and province",
          "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "staff");

    struct Case {
        std::string region;
        std::string recipient;  // empty: no agency for the region
    };
    const std::vector<Case> cases{
        {"511702", "proc-511702"},  // a county with its own procuratorate
        {"511722", "proc-511722"},
        {"511703", "proc-511700"},  // a county of 511700 without one: the prefecture
        {"511700", "proc-511700"},  // the prefecture itself
        {"510104", "proc-510104"},
        {"510107", "proc-510107"},
        {"510105", "proc-510100"},  // Chengdu county without its own procuratorate
        {"513221", "proc-510000"},  // a county of 513200, no prefecture agency: the province
        {"513200", "proc-510000"},  // the prefecture shape itself
        {"510000", "proc-510000"},
        {"110105", ""},  // Beijing: nobody in the tests' directory
    };

    std::map<std::string, std::vector<std::string>> expected_inbox;  // recipient → tickets
    int n = 0;
    for (const Case& k : cases) {
        INFO("region " << k.region);
        json clue = make_clue(k.region, "ROUTE-" + std::to_string(++n));
        Response r = submit(c, key, clue, "route-" + std::to_string(n));
        const std::string id = check_created(r, clue, kHotline);
        if (k.recipient.empty()) {
            check_needs_review(r, "no_agency_for_region");
        } else {
            check_routed_to(r, id, k.recipient, kHotline);
            for (const auto& t : tickets_of(r.json())) {
                if (t["purpose"] == "judicial_assistance") {
                    expected_inbox[k.recipient].push_back(t["id"]);
                }
            }
        }
    }

    {  // without consent a clue waits for review, whatever the region
        json clue = make_clue("511702", "NO-CONSENT-1");
        clue["consent"]["share_with_partners"] = false;
        Response r = submit(c, key, clue, "no-consent-1");
        check_created(r, clue, kHotline);
        check_needs_review(r, "consent_missing");
    }

    {  // each recipient finds its tickets in its inbox, and only those
        for (const auto& [recipient, tickets] : expected_inbox) {
            INFO("recipient " << recipient);
            const std::string& rkey = server.key_for(recipient, "staff");
            std::vector<std::string> seen;
            for (const json& t : list_all(c, rkey, "/v1/tickets", "box=inbox")) {
                CHECK(t.value("recipient_agency", "") == recipient);
                seen.push_back(t.value("id", ""));
            }
            CHECK(seen == tickets);
            // inbox is the default box; the status filter keeps pending ones
            std::vector<std::string> pending;
            for (const json& t : list_all(c, rkey, "/v1/tickets", "status=pending")) {
                CHECK(t.value("status", "") == "pending");
                pending.push_back(t.value("id", ""));
            }
            CHECK(pending == tickets);
            CHECK(list_all(c, rkey, "/v1/tickets", "box=inbox&status=accepted").empty());
        }
        // The sender's outbox holds all of them (and the federations' tickets besides).
        std::set<std::string> outbox;
        for (const json& t : list_all(c, key, "/v1/tickets", "box=outbox")) {
            CHECK(t.value("sender_agency", "") == kHotline);
            if (t.value("purpose", "") == "judicial_assistance") outbox.insert(t.value("id", ""));
        }
        std::set<std::string> all;
        for (const auto& [recipient, tickets] : expected_inbox)
            all.insert(tickets.begin(), tickets.end());
        CHECK(outbox == all);
        // The hotline receives nothing.
        CHECK(list_all(c, key, "/v1/tickets", "box=inbox").empty());
    }

    {  // a federation's clue goes to the procuratorate too
        const std::string& fed = server.key_for("fed-511702", "staff");
        json clue = make_clue("511702", "FED-1");
        clue["source"]["channel"] = "federation_visit";
        Response r = submit(c, fed, clue, "fed-1");
        const std::string id = check_created(r, clue, "fed-511702");
        check_routed_to(r, id, "proc-511702", "fed-511702");
    }
}
