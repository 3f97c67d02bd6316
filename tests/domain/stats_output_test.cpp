// The published forms: JSON whose number columns hold numbers or null, and CSV that a
// spreadsheet cannot be made to run.
#include <catch2/catch.hpp>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "clue_router/domain/stats_output.hpp"

using namespace clue_router::domain;

namespace {

constexpr std::chrono::minutes kChina{480};

LocalDay day(int y, unsigned m, unsigned d) {
    return LocalDay{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

StatsTable table_of(const std::vector<std::string>& agencies, const StatsProtection& p,
                    StatsRequest& request) {
    StatsFacts facts;
    std::uint64_t k = 1;
    for (const auto& a : agencies) {
        for (int i = 0; i < 6; ++i) {
            ClueFact c;
            c.id = "c" + std::to_string(k);
            c.key = k++ * 0x9e3779b97f4a7c15ULL;
            c.received_at = start_of_local_day(day(2026, 11, 20), kChina);
            c.region = "511702";
            c.sender_agency = a;
            c.channel = "hotline_12309";
            facts.clues.push_back(c);
        }
    }
    TicketFact t;
    t.id = "t1";
    t.key = 77;
    t.handed_over_at = start_of_local_day(day(2026, 11, 20), kChina);
    t.received_at = t.handed_over_at;
    t.recipient_agency = "proc-511702";
    t.region = "511702";
    t.status = TicketStatus::closed;
    t.outcome = Outcome::assisted;
    facts.tickets.push_back(t);
    MeasureFact m;
    m.id = "m1";
    m.key = 5;
    m.type = MeasureType::judicial_assistance_fund;
    m.amount_fen = 1'500'015;
    m.recorded_at = t.handed_over_at;
    m.recipient_agency = t.recipient_agency;
    m.region = t.region;
    facts.measures.push_back(m);
    request = {
        {day(2026, 11, 1), day(2026, 12, 1)}, std::string("511700"), {StatsDimension::agency}};
    return make_stats_table(facts, request, p, kChina);
}

}  // namespace

TEST_CASE("stats output: JSON names the period, the dimensions and the protection",
          "[domain][stats]") {
    StatsRequest request;
    const auto table = table_of({"hotline-12309-sc"}, {0, 0}, request);
    const auto j = to_json(table, request, kChina);
    CHECK(j["period"] == nlohmann::json{{"from", "2026-11-01"},
                                        {"to", "2026-11-30"},
                                        {"days", 30},
                                        {"local_offset_minutes", 480}});
    CHECK(j["region"] == "511700");
    CHECK(j["by"] == nlohmann::json::array({"agency"}));
    CHECK(j["protection"]["exact"] == true);
    CHECK(j["columns"].size() == stats_columns().size());
    CHECK(j["total"]["agency"] == "total");
    CHECK(j["total"]["clues_received"] == 6);
    CHECK(j["total"]["judicial_assistance_cny"] == 15000.15);
    CHECK(j["total"]["hidden"] == nlohmann::json::array());
    const auto& proc = j["rows"][1];
    CHECK(proc["agency"] == "proc-511702");
    CHECK(proc["tickets_closed"] == 1);
}

TEST_CASE("stats output: a hidden value is null and flagged, never a string in a number column",
          "[domain][stats]") {
    StatsRequest request;
    const auto table = table_of({"hotline-12309-sc"}, {0, 5}, request);
    const auto j = to_json(table, request, kChina);
    const auto& total = j["total"];
    CHECK(total["tickets_closed"].is_null());
    CHECK(total["measure_judicial_assistance_fund"].is_null());
    CHECK(total["judicial_assistance_cny"].is_null());
    const auto hidden = total["hidden"].get<std::vector<std::string>>();
    for (const char* name : {"tickets_created", "tickets_closed", "outcome_assisted",
                             "measure_judicial_assistance_fund", "judicial_assistance_cny"}) {
        INFO(name);
        CHECK(std::find(hidden.begin(), hidden.end(), name) != hidden.end());
    }
    // A null that protection did not cause (no ticket was ever accepted) is not flagged.
    CHECK(total["hours_to_accept_median"].is_null());
    CHECK(std::find(hidden.begin(), hidden.end(), "hours_to_accept_median") == hidden.end());
    for (const auto* row : {&j["total"], &j["rows"][0], &j["rows"][1]}) {
        for (const auto& name : j["columns"]) {
            const auto& v = (*row)[name.get<std::string>()];
            INFO(name);
            CHECK((v.is_number() || v.is_null()));
        }
    }
}

TEST_CASE("stats output: CSV is RFC 4180 with a hidden column, and exact or whole amounts",
          "[domain][stats]") {
    StatsRequest request;
    const auto csv = to_csv(table_of({"fed, \"quoted\""}, {0, 5}, request));
    const auto header = csv.substr(0, csv.find("\r\n"));
    CHECK(header.rfind("agency,clues_received,clues_routed,", 0) == 0);
    CHECK(header.substr(header.size() - 7) == ",hidden");
    CHECK(csv.find("\r\n\"fed, \"\"quoted\"\"\",6,") != std::string::npos);
    CHECK(csv.find("\r\ntotal,6,") != std::string::npos);
    CHECK(csv.substr(csv.size() - 2) == "\r\n");
    // Hidden cells are empty; the last field lists them.
    CHECK(csv.find(",tickets_created tickets_closed ") != std::string::npos);

    const auto exact = to_csv(table_of({"a"}, {0, 0}, request));
    CHECK(exact.find(",15000.15,") != std::string::npos);
    CHECK(exact.find(",0.000,") != std::string::npos);  // answered_share: none of six answered
}

TEST_CASE("issue 14 item 11: CSV cells beginning with = + - @ tab or CR are neutralised",
          "[domain][stats][issue14]") {
    // OWASP "CSV Injection": a leading single quote makes the spreadsheet read text, and the
    // field is quoted so the quote is part of it.
    CHECK(csv_field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"");
    CHECK(csv_field("+1+1") == "\"'+1+1\"");
    CHECK(csv_field("-1-1") == "\"'-1-1\"");
    CHECK(csv_field("@SUM(A1)") == "\"'@SUM(A1)\"");
    CHECK(csv_field("\tx") == "\"'\tx\"");
    CHECK(csv_field("\rx") == "\"'\rx\"");
    // Anything else is as RFC 4180 has it.
    CHECK(csv_field("proc-511702") == "proc-511702");
    CHECK(csv_field("a=b") == "a=b");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");

    // In a table: an agency id may begin with '-' (the directory allows it), and "-1-1" is a
    // formula that a spreadsheet would compute.
    StatsRequest request;
    const auto csv = to_csv(table_of({"-1-1"}, {0, 0}, request));
    CHECK(csv.find("\r\n\"'-1-1\",6,") != std::string::npos);
    CHECK(csv.find("\r\n-1-1,") == std::string::npos);
}
