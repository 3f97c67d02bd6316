#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/relief_standard.hpp"
#include "clue_router/domain/ticket.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

json fund(json amount) {
    return {{"type", "judicial_assistance_fund"},
            {"provider_agency", "proc-511702"},
            {"status", "provided"},
            {"amount_cny", std::move(amount)},
            {"disbursement", "lump_sum"}};
}

bool has_pointer(const FieldErrors& errors, const std::string& pointer) {
    for (const auto& e : errors) {
        if (e.pointer == pointer) return true;
    }
    return false;
}

ReliefStandards standards() {
    auto s = ReliefStandards::from_json(json{
        {"wage_year", 2023},
        {"cap_months", 36},
        {"provinces", {{"510000", {{"name", "四川省"}, {"average_monthly_wage_cny", 9000}}}}}});
    REQUIRE(s);
    return *s;
}

}  // namespace

TEST_CASE("aid measures parse with their provider and status", "[domain][outcome]") {
    auto parsed = parse_measures(json::array({fund(50000),
                                              {{"type", "psychological_counselling"},
                                               {"provider_agency", "fed-511702"},
                                               {"status", "planned"}}}),
                                 "/measures");
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 2);
    CHECK((*parsed)[0].type == MeasureType::judicial_assistance_fund);
    CHECK((*parsed)[0].amount_fen == 5'000'000);
    CHECK((*parsed)[1].status == MeasureStatus::planned);
    // What is stored reads back the same.
    const auto again = measures_from_json(to_json(*parsed));
    CHECK(to_json(again) == to_json(*parsed));
}

TEST_CASE("staged judicial assistance needs dated instalments that add up", "[domain][outcome]") {
    json staged = fund(30000.50);
    staged["disbursement"] = "staged";
    staged["instalments"] = {{{"amount_cny", 10000}, {"due_on", "2026-12-01"}},
                             {{"amount_cny", 20000.50}, {"due_on", "2027-03-01"}}};
    auto ok = parse_measures(json::array({staged}), "/measures");
    REQUIRE(ok);
    CHECK((*ok)[0].instalments.size() == 2);
    CHECK((*ok)[0].amount_fen == 3'000'050);

    SECTION("not adding up") {
        staged["instalments"][1]["amount_cny"] = 1;
        auto e = parse_measures(json::array({staged}), "/measures");
        REQUIRE_FALSE(e);
        CHECK(has_pointer(e.error(), "/measures/0/instalments"));
    }
    SECTION("dates out of order or impossible") {
        staged["instalments"][1]["due_on"] = "2026-11-01";
        auto e = parse_measures(json::array({staged}), "/measures");
        REQUIRE_FALSE(e);
        CHECK(has_pointer(e.error(), "/measures/0/instalments/1/due_on"));
        staged["instalments"][1]["due_on"] = "2027-02-30";
        e = parse_measures(json::array({staged}), "/measures");
        REQUIRE_FALSE(e);
        CHECK(has_pointer(e.error(), "/measures/0/instalments/1/due_on"));
    }
    SECTION("staged without instalments, lump sum with them") {
        staged.erase("instalments");
        CHECK(has_pointer(parse_measures(json::array({staged}), "/m").error(), "/m/0/instalments"));
        json lump = fund(100);
        lump["instalments"] = json::array();
        CHECK(has_pointer(parse_measures(json::array({lump}), "/m").error(), "/m/0/instalments"));
    }
}

TEST_CASE("measures refuse what they cannot keep", "[domain][outcome]") {
    auto errors_of = [](json m) {
        auto r = parse_measures(json::array({std::move(m)}), "/measures");
        REQUIRE_FALSE(r);
        return r.error();
    };
    CHECK(has_pointer(errors_of(fund(0)), "/measures/0/amount_cny"));
    CHECK(has_pointer(errors_of(fund(-5)), "/measures/0/amount_cny"));
    CHECK(has_pointer(errors_of(fund(10.001)), "/measures/0/amount_cny"));
    CHECK(has_pointer(errors_of(fund("1000")), "/measures/0/amount_cny"));
    CHECK(has_pointer(errors_of({{"type", "shelter"}, {"status", "provided"}}),
                      "/measures/0/provider_agency"));
    CHECK(
        has_pointer(errors_of({{"type", "shelter"}, {"provider_agency", "x"}, {"status", "done"}}),
                    "/measures/0/status"));
    CHECK(
        has_pointer(errors_of({{"type", "cash"}, {"provider_agency", "x"}, {"status", "planned"}}),
                    "/measures/0/type"));
    CHECK(has_pointer(errors_of({{"type", "shelter"},
                                 {"provider_agency", "x"},
                                 {"status", "planned"},
                                 {"amount_cny", 5}}),
                      "/measures/0/amount_cny"));
    CHECK(has_pointer(errors_of({{"type", "shelter"},
                                 {"provider_agency", "x"},
                                 {"status", "planned"},
                                 {"name", "王某"}}),
                      "/measures/0/name"));
}

TEST_CASE("judicial assistance above 36 months of the provincial wage needs a justification",
          "[domain][outcome]") {
    const auto s = standards();
    const auto measures = [](json m) { return *parse_measures(json::array({std::move(m)}), ""); };
    // 36 × 9000 = 324,000: at the cap is fine, above is not.
    CHECK(check_relief_cap(measures(fund(324000)), "511702", s, "/measures").empty());
    auto errors = check_relief_cap(measures(fund(324001)), "511702", s, "/measures");
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].pointer == "/measures/0/amount_cny");
    CHECK(errors[0].detail.find("324,000") != std::string::npos);
    CHECK(errors[0].detail.find("36 months") != std::string::npos);
    CHECK(errors[0].detail.find("324,001") == std::string::npos);  // never the amount sent

    json justified = fund(400000);
    justified["justification"] =
        "家庭主要劳动力因犯罪致死，两名未成年子女无人抚养，经检委会研究决定";
    CHECK(check_relief_cap(measures(justified), "511702", s, "/measures").empty());
    // A province the file does not know cannot be checked, and is refused.
    CHECK_FALSE(check_relief_cap(measures(fund(1000)), "110105", s, "/measures").empty());
    // Other measures are not money and never hit the cap.
    CHECK(check_relief_cap(
              measures(
                  {{"type", "shelter"}, {"provider_agency", "fed-511702"}, {"status", "provided"}}),
              "110105", s, "/measures")
              .empty());
}

TEST_CASE("the shipped relief standards cover every province", "[domain][outcome]") {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/relief-standards.json");
    auto s = ReliefStandards::from_json(json::parse(in));
    REQUIRE(s);
    CHECK(s->cap_months() == 36);
    for (const char* p : {"110000", "310000", "440000", "510000", "540000", "650000"}) {
        INFO(p);
        CHECK(s->province_of(p) != nullptr);
    }
}

TEST_CASE("close requests carry outcome rules", "[domain][outcome]") {
    auto errors_of = [](const json& body) {
        auto r = parse_transition_request(body);
        REQUIRE_FALSE(r);
        return r.error();
    };
    // "assisted" without a measure in the request is the service's to judge: the ticket may
    // hold measures recorded before (tests/service/outcome_test.cpp).
    CHECK(parse_transition_request({{"action", "close"}, {"outcome", "assisted"}}));
    CHECK(
        has_pointer(errors_of({{"action", "close"}, {"outcome", "referred_onward"}}), "/referral"));
    CHECK(has_pointer(
        errors_of({{"action", "close"},
                   {"outcome", "duplicate"},
                   {"referral", {{"recipient_agency", "fed-511702"}, {"purpose", "legal_aid"}}}}),
        "/referral"));
    CHECK(has_pointer(errors_of({{"action", "accept"}, {"measures", json::array({fund(1)})}}),
                      "/measures"));
    CHECK(has_pointer(
        errors_of({{"action", "close"},
                   {"outcome", "referred_onward"},
                   {"referral", {{"recipient_agency", "fed-511702"}, {"purpose", "astrology"}}}}),
        "/referral/purpose"));
    auto ok = parse_transition_request(
        {{"action", "close"},
         {"outcome", "referred_onward"},
         {"referral",
          {{"recipient_agency", "fed-511702"}, {"purpose", "psychological_counselling"}}}});
    REQUIRE(ok);
    REQUIRE(ok->referral);
    CHECK(ok->referral->recipient_agency == "fed-511702");
}
