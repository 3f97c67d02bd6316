// Progress figures over real HTTP against the real binary: clues submitted, tickets moved,
// then GET /v1/stats as each role — the scope, the figures, the CSV form, the field errors,
// small-number suppression, and that no personal data ever appears.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";
const std::string kFederation = "fed-511702";

json row_of(const json& stats, const std::string& group) {
    for (const auto& row : stats["rows"]) {
        if (row["group"] == group) return row;
    }
    FAIL("no row " << group << " in " << stats.dump());
    return {};
}

json stats_of(HttpClient& c, const std::string& key, const std::string& query = {}) {
    Response r = get(c, key, "/v1/stats" + query);
    INFO("GET /v1/stats" << query << "\n" << describe(r));
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    return r.json();
}

}  // namespace

TEST_CASE("stats: figures per role, as JSON and CSV, without personal data",
          "[integration][stats]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string procuratorate = server.key_for(kProcuratorate, "staff");
    const std::string federation = server.key_for(kFederation, "staff");
    const std::string supervisor = server.key_for("proc-511700", "supervisor");
    const std::string other_supervisor = server.key_for("proc-510100", "supervisor");
    const std::string admin = server.key_for("proc-510000", "admin");

    // Six women in 511702: each clue goes to the procuratorate and the federation.
    std::vector<json> clues;
    std::vector<std::string> to_procuratorate;
    std::vector<std::string> to_federation;
    for (int i = 0; i < 6; ++i) {
        const std::string ref = "STATS-" + std::to_string(i);
        clues.push_back(make_clue("511702", ref));
        Response r = submit(c, hotline, clues.back(), ref);
        REQUIRE_STATUS(r, 201);
        const json body = r.json();
        for (const auto& t : body["tickets"]) {
            if (t["recipient_agency"] == kProcuratorate) to_procuratorate.push_back(t["id"]);
            if (t["recipient_agency"] == kFederation) to_federation.push_back(t["id"]);
        }
    }
    REQUIRE(to_procuratorate.size() == 6);
    REQUIRE(to_federation.size() == 6);
    // A seventh where no agency serves the region: it waits in the review queue.
    clues.push_back(make_clue("530102", "STATS-REVIEW"));
    REQUIRE_STATUS(submit(c, hotline, clues.back(), "STATS-REVIEW"), 201);

    // The procuratorate accepts all six and closes five with judicial assistance.
    const char* const amounts[] = {"1000.01", "2000.02", "3000.03", "4000.04", "5000.05"};
    for (std::size_t i = 0; i < 6; ++i) {
        REQUIRE_STATUS(
            transition(c, procuratorate, to_procuratorate[i], {{"action", "accept"}}, etag(1)),
            200);
        if (i == 5) break;
        const json close = {{"action", "close"},
                            {"outcome", "assisted"},
                            {"measures",
                             {{{"type", "judicial_assistance_fund"},
                               {"provider_agency", kProcuratorate},
                               {"status", "provided"},
                               {"amount_cny", json::parse(amounts[i])},
                               {"disbursement", "lump_sum"}}}}};
        REQUIRE_STATUS(transition(c, procuratorate, to_procuratorate[i], close, etag(2)), 200);
    }
    // The federation closes one as not eligible; the hotline cancels another.
    REQUIRE_STATUS(transition(c, federation, to_federation[0], {{"action", "accept"}}, etag(1)),
                   200);
    REQUIRE_STATUS(transition(c, federation, to_federation[0],
                              {{"action", "close"}, {"outcome", "not_eligible"}}, etag(2)),
                   200);
    REQUIRE_STATUS(transition(c, hotline, to_federation[1], {{"action", "cancel"}}, etag(1)), 200);

    std::vector<std::string> bodies;  // every reply, searched for personal data at the end

    SECTION("a supervisor sees its prefecture's agencies") {
        const json s = stats_of(c, supervisor, "?by=agency");
        bodies.push_back(s.dump());
        CHECK(s["by"] == "agency");
        const json proc = row_of(s, kProcuratorate);
        CHECK(proc["tickets_created"] == 6);
        CHECK(proc["tickets_accepted"] == 6);
        CHECK(proc["tickets_closed"] == 5);
        CHECK(proc["tickets_open"] == 1);
        CHECK(proc["outcome_assisted"] == 5);
        CHECK(proc["measure_judicial_assistance_fund"] == 5);
        CHECK(proc["judicial_assistance_cny"] == "15000.15");
        CHECK(proc["hours_to_accept_median"].is_number());
        CHECK(proc["hours_to_close_p90"].is_number());
        const json fed = row_of(s, kFederation);
        CHECK(fed["tickets_created"] == 6);
        CHECK(fed["tickets_cancelled"] == 1);
        CHECK(fed["tickets_open"] == 4);
        // One not-eligible outcome could point at a woman: hidden, and with it the closed
        // count that would give it away.
        CHECK(fed["outcome_not_eligible"] == "<5");
        CHECK(fed["tickets_closed"] == "<5");
        CHECK(s["total"]["tickets_created"] == 12);
        CHECK(s["total"]["outcome_not_eligible"] == "<5");
        // Clues count for the agency that submitted them; the hotline sits at the province.
        CHECK(s["total"]["clues_received"] == 0);

        // Rolled up to prefectures, the same tickets in one row.
        const json p = stats_of(c, supervisor, "?by=prefecture");
        bodies.push_back(p.dump());
        REQUIRE(p["rows"].size() == 1);
        CHECK(p["rows"][0]["group"] == "511700");
        CHECK(p["rows"][0]["tickets_created"] == 12);

        // A county inside its prefecture narrows the figures; a region outside is refused,
        // naming the parameter.
        CHECK(stats_of(c, supervisor, "?region=511702")["total"]["tickets_created"] == 12);
        Response outside = get(c, supervisor, "/v1/stats?region=510104");
        CHECK_PROBLEM(outside, 403, "forbidden");
        CHECK(has_pointer(outside, "/query/region"));
        CHECK_PROBLEM(get(c, supervisor, "/v1/stats?region=510000"), 403, "forbidden");

        // Another prefecture's supervisor sees none of it.
        const json other = stats_of(c, other_supervisor);
        CHECK(other["total"]["tickets_created"] == 0);
    }

    SECTION("admin sees everything; intake its own clues; staff its own agency") {
        const json a = stats_of(c, admin);
        bodies.push_back(a.dump());
        CHECK(a["total"]["clues_received"] == 7);
        CHECK(a["total"]["clues_routed"] == 6);
        CHECK(a["total"]["clues_sent_to_review"] == 1);
        CHECK(a["total"]["clues_in_review"] == 1);
        CHECK(a["total"]["tickets_created"] == 12);
        CHECK(a["rows"].empty());

        const json months = stats_of(c, admin, "?by=month");
        REQUIRE(months["rows"].size() >= 1);

        const json groups = stats_of(c, admin, "?by=key_group");
        bodies.push_back(groups.dump());
        CHECK(row_of(groups, "crime_victim")["clues_received"] == 7);

        const json mine = stats_of(c, hotline);
        bodies.push_back(mine.dump());
        CHECK(mine["total"]["clues_received"] == 7);
        CHECK(mine["total"]["clues_routed"] == 6);
        CHECK(mine["total"]["tickets_created"] == 12);
        // Clues 0 and 1 have every ticket finished (closed, or closed and cancelled): 2 of 7.
        CHECK(mine["total"]["clues_answered"] == 2);
        CHECK(mine["total"]["answered_share"] == 0.286);

        const json proc = stats_of(c, procuratorate);
        CHECK(proc["total"]["tickets_created"] == 6);
        CHECK(proc["total"]["clues_received"] == 0);
        const json fed = stats_of(c, federation);
        CHECK(fed["total"]["tickets_created"] == 6);
        CHECK(fed["total"]["tickets_cancelled"] == 1);
        // A staff key cannot look past its own agency by naming a region.
        CHECK_PROBLEM(get(c, procuratorate, "/v1/stats?region=511700"), 403, "forbidden");
    }

    SECTION("Accept: text/csv gives the same table as CSV") {
        Headers h = auth(supervisor);
        h.emplace_back("Accept", "text/csv");
        Response r = c.get("/v1/stats?by=agency", h);
        REQUIRE_STATUS(r, 200);
        CHECK(r.header("Content-Type").rfind("text/csv", 0) == 0);
        bodies.push_back(r.body);
        const auto header_end = r.body.find("\r\n");
        REQUIRE(header_end != std::string::npos);
        const std::string header = r.body.substr(0, header_end);
        CHECK(header.rfind("agency,clues_received,clues_routed,", 0) == 0);
        CHECK(header.find(",judicial_assistance_cny,") != std::string::npos);
        CHECK(r.body.find("\r\nproc-511702,") != std::string::npos);
        CHECK(r.body.find(",15000.15,") != std::string::npos);
        CHECK(r.body.find("\r\ntotal,") != std::string::npos);
        // Every line has as many fields as the header (no group here needs quoting).
        const auto fields = std::count(header.begin(), header.end(), ',');
        std::size_t at = 0;
        int lines = 0;
        while (at < r.body.size()) {
            const auto end = r.body.find("\r\n", at);
            REQUIRE(end != std::string::npos);
            const std::string line = r.body.substr(at, end - at);
            CHECK(std::count(line.begin(), line.end(), ',') == fields);
            at = end + 2;
            ++lines;
        }
        CHECK(lines == 4);  // header, two agencies, total

        // JSON stays the default, and wins when preferred.
        Headers prefer_json = auth(supervisor);
        prefer_json.emplace_back("Accept", "text/csv;q=0.5, application/json");
        CHECK(c.get("/v1/stats", prefer_json).header("Content-Type").rfind("application/json", 0) ==
              0);
    }

    SECTION("bad parameters are named, their values never quoted") {
        Response r =
            get(c, admin, "/v1/stats?from=yesterday&to=2026-02-30&by=woman&region=12&name=x");
        CHECK_PROBLEM(r, 400, "bad-request");
        for (const char* p :
             {"/query/from", "/query/to", "/query/by", "/query/region", "/query/name"}) {
            INFO(p);
            CHECK(has_pointer(r, p));
        }
        CHECK(r.body.find("yesterday") == std::string::npos);
        CHECK(r.body.find("woman") == std::string::npos);
        Response backwards = get(c, admin, "/v1/stats?from=2026-11-10&to=2026-11-01");
        CHECK_PROBLEM(backwards, 400, "bad-request");
        CHECK(has_pointer(backwards, "/query/from"));
        CHECK_PROBLEM(get(c, "crk_not_a_key", "/v1/stats"), 401, "unauthenticated");
    }

    // No name, ID number or phone of any woman in any reply.
    for (const auto& body : bodies) {
        for (const auto& clue : clues) {
            for (const char* field : {"name", "id_number", "phone"}) {
                const std::string value = clue["subject"][field];
                INFO(field);
                CHECK(body.find(value) == std::string::npos);
                if (std::string(field) == "phone") {
                    CHECK(body.find(value.substr(3)) == std::string::npos);
                }
            }
        }
        CHECK(body.find("STATS-") == std::string::npos);  // nor a clue's reference
    }
}
