// Progress figures over real HTTP against the real binary: clues submitted and tickets moved,
// then GET /v1/stats as each role — the scope, where and when each figure counts, that the
// figures add up, the CSV form and its neutralised cells, the field errors; and with
// small-number protection on, that the two known attacks recover nothing. No reply ever holds
// personal data.
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

const std::string kProcuratorate = "proc-511702";
const std::string kFederation = "fed-511702";

// Exact figures, nothing hidden: what a test of what is counted needs.
Environment exact_figures() {
    return {{"CLUE_ROUTER_STATS_NOISE", "0"}, {"CLUE_ROUTER_STATS_MIN_COUNT", "0"}};
}

// Days relative to today in the service's local time (UTC+8, the shipped configuration), so
// the test does not age: reports are dated days ago, windows named by local dates.
struct LocalDays {
    std::chrono::sys_days today = std::chrono::floor<std::chrono::days>(
        std::chrono::system_clock::now() + std::chrono::hours(8));

    std::string date(int days_ago) const {
        const std::chrono::year_month_day d{today - std::chrono::days{days_ago}};
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                      static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
        return buf;
    }
    // 10:00 in Beijing that day (days_ago >= 1, so never in the future).
    std::string received_at(int days_ago) const { return date(days_ago) + "T10:00:00+08:00"; }
    std::string window(int from_days_ago, int to_days_ago) const {
        return "from=" + date(from_days_ago) + "&to=" + date(to_days_ago);
    }
};

json clue_received(const std::string& region, const std::string& ref, const std::string& at) {
    json c = make_clue(region, ref);
    c["source"]["received_at"] = at;
    return c;
}

json row_of(const json& stats, const std::string& dimension, const std::string& value) {
    for (const auto& row : stats["rows"]) {
        if (row[dimension] == value) return row;
    }
    FAIL("no row " << value << " in " << stats.dump());
    return {};
}

json stats_of(HttpClient& c, const std::string& key, const std::string& query = {}) {
    Response r = get(c, key, "/v1/stats" + query);
    INFO("GET /v1/stats" << query << "\n" << describe(r));
    REQUIRE(r.status == 200);
    CHECK(r.header("Content-Type").rfind("application/json", 0) == 0);
    return r.json();
}

long long count_of(const json& row, const std::string& column) {
    INFO(column << " in " << row.dump());
    REQUIRE(row[column].is_number_integer());
    return row[column].get<long long>();
}

// received = routed + in review + dismissed + answered; created = open + rejected + closed +
// cancelled; closed = the outcomes.
void check_adds_up(const json& row) {
    INFO(row.dump());
    CHECK(count_of(row, "clues_received") ==
          count_of(row, "clues_routed") + count_of(row, "clues_in_review") +
              count_of(row, "clues_dismissed") + count_of(row, "clues_answered"));
    CHECK(count_of(row, "tickets_created") ==
          count_of(row, "tickets_open") + count_of(row, "tickets_rejected") +
              count_of(row, "tickets_closed") + count_of(row, "tickets_cancelled"));
    long long outcomes = 0;
    for (const char* o :
         {"assisted", "not_eligible", "unreachable", "withdrawn", "duplicate", "referred_onward"}) {
        outcomes += count_of(row, std::string("outcome_") + o);
    }
    CHECK(count_of(row, "tickets_closed") == outcomes);
    CHECK(row["hidden"].empty());
}

json fund(const std::string& amount) {
    return {{"type", "judicial_assistance_fund"},
            {"provider_agency", kProcuratorate},
            {"status", "provided"},
            {"amount_cny", json::parse(amount)},
            {"disbursement", "lump_sum"}};
}

}  // namespace

TEST_CASE(
    "stats: figures per role, where the woman lives, as JSON and CSV, without personal "
    "data",
    "[integration][stats]") {
    TestServer server(exact_figures());
    HttpClient& c = server.client();
    const LocalDays days;
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string procuratorate = server.key_for(kProcuratorate, "staff");
    const std::string federation = server.key_for(kFederation, "staff");
    const std::string supervisor = server.key_for("proc-511700", "supervisor");
    const std::string other_supervisor = server.key_for("proc-510100", "supervisor");
    const std::string admin = server.key_for("proc-510000", "admin");
    const std::string window = "?" + days.window(10, 0);

    // Six women in 511702, reported three days ago by the provincial 12309 hotline: each clue
    // goes to the county procuratorate and the county federation.
    std::vector<json> clues;
    std::vector<std::string> to_procuratorate;
    std::vector<std::string> to_federation;
    for (int i = 0; i < 6; ++i) {
        const std::string ref = "STATS-" + std::to_string(i);
        clues.push_back(clue_received("511702", ref, days.received_at(3)));
        Response r = submit(c, hotline, clues.back(), ref);
        REQUIRE_STATUS(r, 201);
        const json reply = r.json();
        for (const auto& t : reply["tickets"]) {
            if (t["recipient_agency"] == kProcuratorate) to_procuratorate.push_back(t["id"]);
            if (t["recipient_agency"] == kFederation) to_federation.push_back(t["id"]);
        }
    }
    REQUIRE(to_procuratorate.size() == 6);
    REQUIRE(to_federation.size() == 6);
    // A seventh where no agency serves the region: it waits in the review queue.
    clues.push_back(clue_received("530102", "STATS-REVIEW", days.received_at(3)));
    REQUIRE_STATUS(submit(c, hotline, clues.back(), "STATS-REVIEW"), 201);
    // An eighth, reported 40 days ago and entered now: it counts on the day it was received.
    clues.push_back(clue_received("530102", "STATS-LATE", days.received_at(40)));
    REQUIRE_STATUS(submit(c, hotline, clues.back(), "STATS-LATE"), 201);

    // The procuratorate accepts all six and closes five with judicial assistance.
    const char* const amounts[] = {"1000.01", "2000.02", "3000.03", "4000.04", "5000.05"};
    for (std::size_t i = 0; i < 6; ++i) {
        REQUIRE_STATUS(
            transition(c, procuratorate, to_procuratorate[i], {{"action", "accept"}}, etag(1)),
            200);
        if (i == 5) break;
        const json close = {
            {"action", "close"}, {"outcome", "assisted"}, {"measures", {fund(amounts[i])}}};
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

    SECTION("a supervisor sees the women of its prefecture, whoever sent their clues") {
        const json s = stats_of(c, supervisor, window + "&by=agency");
        bodies.push_back(s.dump());
        CHECK(s["by"] == json::array({"agency"}));
        CHECK(s["period"]["days"] == 11);
        CHECK(s["protection"]["exact"] == true);
        const json proc = row_of(s, "agency", kProcuratorate);
        CHECK(proc["tickets_created"] == 6);
        CHECK(proc["tickets_accepted"] == 6);
        CHECK(proc["tickets_closed"] == 5);
        CHECK(proc["tickets_open"] == 1);
        CHECK(proc["outcome_assisted"] == 5);
        CHECK(proc["measure_judicial_assistance_fund"] == 5);
        CHECK(proc["judicial_assistance_cny"] == 15000.15);
        CHECK(proc["hours_to_route_median"].is_number());
        CHECK(proc["hours_to_accept_median"].is_number());
        CHECK(proc["hours_to_close_p90"].is_number());
        const json fed = row_of(s, "agency", kFederation);
        CHECK(fed["tickets_created"] == 6);
        CHECK(fed["tickets_cancelled"] == 1);
        CHECK(fed["tickets_open"] == 4);
        CHECK(fed["outcome_not_eligible"] == 1);
        // The clues count where the women live, and for the hotline that sent them.
        CHECK(row_of(s, "agency", kHotline)["clues_received"] == 6);
        CHECK(s["total"]["clues_received"] == 6);
        CHECK(s["total"]["tickets_created"] == 12);

        // Split by prefecture, the same in one row.
        const json p = stats_of(c, supervisor, window + "&by=prefecture");
        bodies.push_back(p.dump());
        REQUIRE(p["rows"].size() == 1);
        CHECK(p["rows"][0]["prefecture"] == "511700");
        CHECK(p["rows"][0]["clues_received"] == 6);
        CHECK(p["rows"][0]["tickets_created"] == 12);

        // A county inside its prefecture narrows the figures; a region outside is refused,
        // naming the parameter.
        CHECK(stats_of(c, supervisor, window + "&region=511702")["total"]["tickets_created"] == 12);
        CHECK(stats_of(c, supervisor, window + "&region=511722")["total"]["clues_received"] == 0);
        Response outside = get(c, supervisor, "/v1/stats?region=510104");
        CHECK_PROBLEM(outside, 403, "forbidden");
        CHECK(has_pointer(outside, "/query/region"));
        CHECK_PROBLEM(get(c, supervisor, "/v1/stats?region=510000"), 403, "forbidden");

        // Another prefecture's supervisor sees none of it.
        const json other = stats_of(c, other_supervisor, window);
        CHECK(other["total"]["tickets_created"] == 0);
        CHECK(other["total"]["clues_received"] == 0);
    }

    SECTION("admin sees everything; intake its own clues; staff its own agency") {
        const json a = stats_of(c, admin, window);
        bodies.push_back(a.dump());
        CHECK(a["total"]["clues_received"] == 7);
        // Clues 0 and 1 have every ticket finished (closed, or closed and cancelled).
        CHECK(a["total"]["clues_answered"] == 2);
        CHECK(a["total"]["clues_routed"] == 4);
        CHECK(a["total"]["clues_in_review"] == 1);
        CHECK(a["total"]["clues_sent_to_review"] == 1);
        CHECK(a["total"]["answered_share"] == 0.286);
        CHECK(a["total"]["tickets_created"] == 12);
        CHECK(a["rows"].empty());
        // The late report counts on the day it was received.
        CHECK(stats_of(c, admin, "?" + days.window(45, 35))["total"]["clues_received"] == 1);

        const json groups = stats_of(c, admin, window + "&by=key_group");
        bodies.push_back(groups.dump());
        CHECK(row_of(groups, "key_group", "crime_victim")["clues_received"] == 7);

        const json mine = stats_of(c, hotline, window);
        bodies.push_back(mine.dump());
        CHECK(mine["total"]["clues_received"] == 7);
        CHECK(mine["total"]["tickets_created"] == 12);

        const json proc = stats_of(c, procuratorate, window);
        CHECK(proc["total"]["tickets_created"] == 6);
        CHECK(proc["total"]["clues_received"] == 0);
        const json fed = stats_of(c, federation, window);
        CHECK(fed["total"]["tickets_created"] == 6);
        CHECK(fed["total"]["tickets_cancelled"] == 1);
        // A staff key cannot look past its own agency by naming a region.
        CHECK_PROBLEM(get(c, procuratorate, "/v1/stats?region=511700"), 403, "forbidden");
    }

    SECTION("Accept: text/csv gives the same table as CSV") {
        Headers h = auth(supervisor);
        h.emplace_back("Accept", "text/csv");
        Response r = c.get("/v1/stats" + window + "&by=agency", h);
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
        // Every line has as many fields as the header (no field here needs quoting).
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
        CHECK(lines == 5);  // header, the hotline, two agencies, total

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
        // Whole days only: a date-time is refused.
        Response instant = get(c, admin, "/v1/stats?to=2026-11-02T12:30:00.001Z");
        CHECK_PROBLEM(instant, 400, "bad-request");
        CHECK(has_pointer(instant, "/query/to"));
        CHECK_PROBLEM(get(c, admin, "/v1/stats?by=key_group,week,channel"), 400, "bad-request");
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

TEST_CASE("stats: every figure adds up, in every row of every split", "[integration][stats]") {
    TestServer server(exact_figures());
    HttpClient& c = server.client();
    const LocalDays days;
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string procuratorate = server.key_for(kProcuratorate, "staff");
    const std::string federation = server.key_for(kFederation, "staff");
    const std::string county_511722 = server.key_for("proc-511722", "staff");
    const std::string admin = server.key_for("proc-510000", "admin");

    // Women in two counties of 达州 and one where nobody serves, reported over four days.
    std::vector<json> replies;
    auto send = [&](const std::string& region, const std::string& ref, int days_ago) {
        Response r =
            submit(c, hotline, clue_received(region, ref, days.received_at(days_ago)), ref);
        REQUIRE_STATUS(r, 201);
        replies.push_back(r.json());
        return replies.back();
    };
    auto ticket_to = [](const json& reply, const std::string& agency) {
        for (const auto& t : reply["tickets"]) {
            if (t["recipient_agency"] == agency) return t["id"].get<std::string>();
        }
        FAIL("no ticket to " << agency);
        return std::string();
    };
    for (int i = 0; i < 4; ++i) send("511702", "SUM-A" + std::to_string(i), 2 + i);
    for (int i = 0; i < 3; ++i) send("511722", "SUM-B" + std::to_string(i), 2 + i);
    const json waiting = send("530102", "SUM-REVIEW", 3);
    const json dismissed = send("530102", "SUM-DISMISS", 4);

    // Answered: both tickets of A0 closed (one with aid), A1's federation ticket cancelled
    // and its procuratorate ticket closed.
    REQUIRE_STATUS(transition(c, procuratorate, ticket_to(replies[0], kProcuratorate),
                              {{"action", "accept"}}, etag(1)),
                   200);
    REQUIRE_STATUS(
        transition(c, procuratorate, ticket_to(replies[0], kProcuratorate),
                   {{"action", "close"}, {"outcome", "assisted"}, {"measures", {fund("12000.50")}}},
                   etag(2)),
        200);
    REQUIRE_STATUS(transition(c, federation, ticket_to(replies[0], kFederation),
                              {{"action", "accept"}}, etag(1)),
                   200);
    REQUIRE_STATUS(transition(c, federation, ticket_to(replies[0], kFederation),
                              {{"action", "close"}, {"outcome", "unreachable"}}, etag(2)),
                   200);
    REQUIRE_STATUS(
        transition(c, hotline, ticket_to(replies[1], kFederation), {{"action", "cancel"}}, etag(1)),
        200);
    REQUIRE_STATUS(transition(c, procuratorate, ticket_to(replies[1], kProcuratorate),
                              {{"action", "accept"}}, etag(1)),
                   200);
    REQUIRE_STATUS(transition(c, procuratorate, ticket_to(replies[1], kProcuratorate),
                              {{"action", "close"}, {"outcome", "withdrawn"}}, etag(2)),
                   200);
    // Rejected: 511722's procuratorate rejects B0, which is rerouted to the prefecture.
    REQUIRE_STATUS(transition(c, county_511722, ticket_to(replies[4], "proc-511722"),
                              {{"action", "reject"},
                               {"reason_code", "wrong_jurisdiction"},
                               {"reason", "handled by the prefecture"}},
                              etag(1)),
                   200);
    // Dismissed from the review queue.
    REQUIRE_STATUS(
        c.post("/v1/review-queue/" + dismissed["clue"]["id"].get<std::string>() + "/dismiss",
               json{{"reason", "the caller withdrew the report"}}.dump(), json_auth(admin)),
        200);

    const std::string window = "?" + days.window(10, 0);
    const json total = stats_of(c, admin, window)["total"];
    check_adds_up(total);
    CHECK(total["clues_received"] == 9);
    CHECK(total["clues_answered"] == 2);
    CHECK(total["clues_in_review"] == 1);
    CHECK(total["clues_dismissed"] == 1);
    CHECK(total["clues_routed"] == 5);
    CHECK(total["tickets_rejected"] == 1);
    CHECK(total["tickets_created"] == 15);  // seven clues, two tickets each, one reroute
    CHECK(total["tickets_closed"] == 3);
    CHECK(total["tickets_cancelled"] == 1);
    CHECK(total["judicial_assistance_cny"] == 12000.5);
    CHECK(total["hours_to_close_median"].is_number());
    CHECK(waiting["clue"]["status"] == "needs_review");

    for (const char* by : {"county", "prefecture", "agency", "key_group", "priority", "channel",
                           "rural", "purpose", "week", "month", "key_group,county",
                           "purpose,prefecture", "county,week", "agency,priority"}) {
        INFO("by=" << by);
        const json s = stats_of(c, admin, window + "&by=" + by);
        // The same records, the same total, however split.
        json same = s["total"];
        for (const auto& d : s["by"]) same.erase(d.get<std::string>());
        CHECK(same == total);
        for (const auto& row : s["rows"]) check_adds_up(row);
    }

    // Where the women live: the county rows hold their own clues, the reroute included.
    const json counties = stats_of(c, admin, window + "&by=county");
    CHECK(row_of(counties, "county", "511702")["clues_received"] == 4);
    CHECK(row_of(counties, "county", "511722")["clues_received"] == 3);
    CHECK(row_of(counties, "county", "511722")["tickets_created"] == 7);
    CHECK(row_of(counties, "county", "530102")["clues_received"] == 2);
    // Two dimensions, with each value's subtotal.
    const json two = stats_of(c, admin, window + "&by=purpose,county");
    CHECK(row_of(two, "purpose", "none")["clues_received"] == 2);  // no ticket at all
    bool subtotal = false;
    for (const auto& row : two["rows"]) {
        if (row["purpose"] == "judicial_assistance" && row["county"] == "total") {
            subtotal = true;
            CHECK(row["tickets_created"] == 8);
        }
    }
    CHECK(subtotal);
}

namespace {

// What an attacker gets out of one server's figures, per target woman: each target is one
// clue in county 511722 on its own day, beside six clues in 511702 that day.
struct AttackResult {
    int targets = 0;
    int from_totals = 0;       // times the totals row gave the hidden count exactly
    int pairs = 0;             // pairs of windows both shown (a hidden window is no use)
    int from_differences = 0;  // times two windows a day apart gave the count exactly
};

AttackResult attack(TestServer& server, const LocalDays& days) {
    HttpClient& c = server.client();
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string supervisor = server.key_for("proc-511700", "supervisor");
    constexpr int kTargets = 16;
    for (int i = 0; i < kTargets; ++i) {
        const int ago = 10 + 2 * i;
        const std::string ref = "ATTACK-" + std::to_string(i);
        REQUIRE_STATUS(submit(c, hotline, clue_received("511722", ref, days.received_at(ago)), ref),
                       201);
        for (int j = 0; j < 6; ++j) {
            const std::string other = ref + "-" + std::to_string(j);
            REQUIRE_STATUS(
                submit(c, hotline, clue_received("511702", other, days.received_at(ago)), other),
                201);
        }
    }
    AttackResult out;
    out.targets = kTargets;
    for (int i = 0; i < kTargets; ++i) {
        const int ago = 10 + 2 * i;
        // 1. The day split by county: the target's cell is hidden (or shown, perturbed);
        //    the total minus the other county should give it.
        const json day = stats_of(c, supervisor, "?" + days.window(ago, ago) + "&by=county");
        const json target = row_of(day, "county", "511722")["clues_received"];
        const json others = row_of(day, "county", "511702")["clues_received"];
        const json total = day["total"]["clues_received"];
        long long guess = -1;
        if (target.is_number()) {
            guess = target.get<long long>();
        } else if (others.is_number() && total.is_number()) {
            guess = total.get<long long>() - others.get<long long>();
        }
        out.from_totals += guess == 1;
        // 2. Two windows a day apart in the target's county, long enough that both hold
        //    enough clues to be shown: up to the target's day and up to the day before, or
        //    from it and from the day after, to today.
        const std::string county = "&region=511722";
        const auto with = i < kTargets / 2 ? days.window(45, ago) : days.window(ago, 0);
        const auto without = i < kTargets / 2 ? days.window(45, ago + 1) : days.window(ago - 1, 0);
        const json a = stats_of(c, supervisor, "?" + with + county)["total"]["clues_received"];
        const json b = stats_of(c, supervisor, "?" + without + county)["total"]["clues_received"];
        if (a.is_number() && b.is_number()) {
            ++out.pairs;
            out.from_differences += a.get<long long>() - b.get<long long>() == 1;
        }
    }
    return out;
}

}  // namespace

// The two known attacks on small-number hiding, run against hiding alone (exact figures with
// small counts withheld) and against the service as shipped. Hiding alone gives every target
// away; protected, the total is its own perturbed cell and every window a sum of perturbed
// calendar blocks, so the attacker's subtraction lands on the true count only when two noises
// happen to cancel — about one time in four or five, unknowably which. The chance that it
// does so for all sixteen women is below one in a billion.
TEST_CASE("stats: the totals row and two windows differenced recover no hidden count",
          "[integration][stats]") {
    const LocalDays days;
    SECTION("hiding alone gives every woman away") {
        TestServer server({{"CLUE_ROUTER_STATS_NOISE", "0"}, {"CLUE_ROUTER_STATS_MIN_COUNT", "5"}});
        const auto r = attack(server, days);
        CHECK(r.from_totals == r.targets);
        CHECK(r.pairs == r.targets);
        CHECK(r.from_differences == r.targets);
    }
    SECTION("protected as shipped, neither attack recovers the counts") {
        TestServer server;
        const auto r = attack(server, days);
        CHECK(r.from_totals < r.targets);
        CHECK(r.pairs >= r.targets / 2);  // the windows are large enough to be shown
        CHECK(r.from_differences < r.pairs);

        // What a protected reply looks like: numbers or null, nulls flagged, never a string;
        // and the same figures every time they are asked.
        const std::string supervisor = server.key_for("proc-511700", "supervisor");
        const std::string query = "?" + days.window(60, 0) + "&by=county,week";
        const json s = stats_of(server.client(), supervisor, query);
        CHECK(s["protection"] ==
              json{{"method", "cell_key"}, {"noise", 2}, {"min_count", 5}, {"exact", false}});
        for (const auto& row : s["rows"]) {
            std::set<std::string> hidden;
            for (const auto& h : row["hidden"]) hidden.insert(h.get<std::string>());
            for (const auto& column : s["columns"]) {
                const auto& v = row[column.get<std::string>()];
                CHECK((v.is_number() || v.is_null()));
                if (hidden.count(column.get<std::string>())) CHECK(v.is_null());
            }
        }
        CHECK(stats_of(server.client(), supervisor, query) == s);
    }
}

TEST_CASE("issue 14 item 11: CSV cells beginning with = + - @ tab or CR are neutralised",
          "[integration][stats][issue14]") {
    TestServer server(exact_figures());
    HttpClient& c = server.client();
    const LocalDays days;
    const std::string admin = server.key_for("proc-510000", "admin");
    // The directory allows an id beginning with '-'; "-1-1" is a formula a spreadsheet would
    // compute (to -2) if the cell were written as it is.
    const json agency = {{"id", "-1-1"},
                         {"kind", "hotline"},
                         {"name", "=HYPERLINK(\"http://attacker.example\")"},
                         {"region", "510000"},
                         {"services", {"intake"}},
                         {"accepts_referrals", false}};
    REQUIRE_STATUS(c.post("/v1/agencies", agency.dump(), json_auth(admin)), 201);
    Response key =
        c.post("/v1/keys", json{{"agency", "-1-1"}, {"role", "intake"}, {"label", "csv"}}.dump(),
               json_auth(admin));
    REQUIRE_STATUS(key, 201);
    const std::string intake = key.json()["secret"];
    REQUIRE_STATUS(
        submit(c, intake, clue_received("511702", "CSV-1", days.received_at(2)), "CSV-1"), 201);

    Headers h = auth(admin);
    h.emplace_back("Accept", "text/csv");
    Response r = c.get("/v1/stats?" + days.window(5, 0) + "&by=agency", h);
    REQUIRE_STATUS(r, 200);
    INFO(r.body);
    CHECK(r.body.find("\r\n\"'-1-1\",1,") != std::string::npos);
    CHECK(r.body.find("\r\n-1-1,") == std::string::npos);
    // No line of the file begins a cell with a formula character.
    for (const char bad : {'=', '+', '-', '@', '\t'}) {
        CHECK(r.body.find(std::string("\r\n") + bad) == std::string::npos);
        CHECK(r.body.find(std::string(",") + bad) == std::string::npos);
    }
}
