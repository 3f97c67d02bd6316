#include <fstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/routing.hpp"

using namespace clue_router::domain;

namespace {

Agency agency(std::string id, std::string kind, std::string region, bool accepts = true) {
    Agency a;
    a.id = std::move(id);
    a.kind = std::move(kind);
    a.name = "测试机构";
    a.region = std::move(region);
    a.services = {"judicial_assistance"};
    a.accepts_referrals = accepts;
    return a;
}

// Sichuan: a province, two prefectures, one county with its own procuratorate; federations at
// every level, so a test that picks a federation is a test that fails.
Directory sichuan() {
    auto d = Directory::build({
        agency("proc-510000", "procuratorate", "510000"),
        agency("fed-510000", "womens_federation", "510000"),
        agency("proc-511700", "procuratorate", "511700"),
        agency("fed-511700", "womens_federation", "511700"),
        agency("proc-511702", "procuratorate", "511702"),
        agency("fed-511702", "womens_federation", "511702"),
        agency("fed-511722", "womens_federation", "511722"),
        agency("fed-511300", "womens_federation", "511300"),
        agency("hotline-12309-sc", "hotline", "510000", false),
    });
    REQUIRE(d.has_value());
    return *d;
}

Clue clue_in(std::string region, bool consent = true) {
    Clue c;
    c.subject.sex = "female";
    c.subject.region = std::move(region);
    c.indicators = {"domestic_violence"};
    c.consent.share_with_partners = consent;
    return c;
}

// One purpose, to the procuratorate: the shape of the first routing version, which these
// tests of climbing, skipping and excluding keep exercising.
RoutingRules procuratorate_only() {
    auto rules = parse_routing_rules(nlohmann::json::parse(R"({
        "version": "test", "review_below_score": 0,
        "purposes": [{"id": "judicial_assistance", "agency_kind": "procuratorate",
                      "service": "judicial_assistance"}],
        "rules": [{"id": "all", "purposes": ["judicial_assistance"]}]})"));
    REQUIRE(rules);
    return *rules;
}

RoutingDecision route_from(const Clue& clue, const Directory& dir,
                           std::string sender = "hotline-12309-sc",
                           std::vector<std::string> excluded = {}) {
    Screening screening;
    screening.score = 70;
    screening.priority = Priority::high;
    RoutingRequest request{clue, screening, std::move(sender), std::move(excluded)};
    return route(request, dir, procuratorate_only());
}

void require_one(const RoutingDecision& d, const std::string& recipient) {
    CHECK_FALSE(d.review_reason.has_value());
    REQUIRE(d.tickets.size() == 1);
    CHECK(d.tickets[0].purpose == "judicial_assistance");
    CHECK(d.tickets[0].recipient_agency == recipient);
}

void require_review(const RoutingDecision& d, const std::string& reason) {
    CHECK(d.tickets.empty());
    CHECK(d.review_reason == std::optional<std::string>(reason));
}

}  // namespace

TEST_CASE("routing: the county procuratorate when there is one", "[domain][routing]") {
    require_one(route_from(clue_in("511702"), sichuan()), "proc-511702");
}

TEST_CASE("routing: climbs to the prefecture", "[domain][routing]") {
    // 宣汉县 has a federation but no procuratorate in this directory.
    require_one(route_from(clue_in("511722"), sichuan()), "proc-511700");
    // A prefecture-level subject region goes straight to that prefecture.
    require_one(route_from(clue_in("511700"), sichuan()), "proc-511700");
}

TEST_CASE("routing: climbs to the province", "[domain][routing]") {
    // 南充市 (511300) and its county 511302 have no procuratorate here.
    require_one(route_from(clue_in("511302"), sichuan()), "proc-510000");
    require_one(route_from(clue_in("511300"), sichuan()), "proc-510000");
    require_one(route_from(clue_in("510000"), sichuan()), "proc-510000");
}

TEST_CASE("routing: agencies not accepting referrals are skipped", "[domain][routing]") {
    auto d = Directory::build({
        agency("proc-510000", "procuratorate", "510000"),
        agency("proc-511700", "procuratorate", "511700"),
        agency("proc-511702", "procuratorate", "511702", false),
    });
    REQUIRE(d.has_value());
    require_one(route_from(clue_in("511702"), *d), "proc-511700");
}

TEST_CASE("routing: the sender never receives its own clue", "[domain][routing]") {
    require_one(route_from(clue_in("511702"), sichuan(), "proc-511702"), "proc-511700");
    // The sender at the prefecture: the county still gets it.
    require_one(route_from(clue_in("511702"), sichuan(), "proc-511700"), "proc-511702");
}

TEST_CASE("routing: excluded agencies are honoured", "[domain][routing]") {
    require_one(route_from(clue_in("511702"), sichuan(), "hotline-12309-sc", {"proc-511702"}),
                "proc-511700");
    require_one(route_from(clue_in("511702"), sichuan(), "hotline-12309-sc",
                           {"proc-511702", "proc-511700"}),
                "proc-510000");
    require_review(route_from(clue_in("511702"), sichuan(), "hotline-12309-sc",
                              {"proc-511702", "proc-511700", "proc-510000"}),
                   "no_agency_for_region");
}

TEST_CASE("routing: several procuratorates at one level, the first by id", "[domain][routing]") {
    auto d = Directory::build({
        agency("proc-511702-z", "procuratorate", "511702"),
        agency("proc-511702-a", "procuratorate", "511702"),
        agency("proc-511700", "procuratorate", "511700"),
    });
    REQUIRE(d.has_value());
    require_one(route_from(clue_in("511702"), *d), "proc-511702-a");
    require_one(route_from(clue_in("511702"), *d, "proc-511702-a"), "proc-511702-z");
}

TEST_CASE("routing: no consent, no ticket, whatever the directory", "[domain][routing]") {
    require_review(route_from(clue_in("511702", false), sichuan()), "consent_missing");
    // Consent is checked before the region: both missing still says consent.
    require_review(route_from(clue_in("991702", false), Directory::build({}).value()),
                   "consent_missing");
}

TEST_CASE("routing: nothing found goes to review", "[domain][routing]") {
    require_review(route_from(clue_in("511702"), Directory::build({}).value()),
                   "no_agency_for_region");
    // Another province entirely.
    require_review(route_from(clue_in("130102"), sichuan()), "no_agency_for_region");
    // A region code that does not parse.
    require_review(route_from(clue_in("xx"), sichuan()), "no_agency_for_region");
}

TEST_CASE("routing: the demo directory routes its counties", "[domain][routing]") {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/demo-directory.json");
    REQUIRE(in.good());
    auto d = Directory::from_json(nlohmann::json::parse(in));
    REQUIRE(d.has_value());
    require_one(route_from(clue_in("511702"), *d), "proc-511702");
    require_one(route_from(clue_in("510105"), *d), "proc-510100");
    require_one(route_from(clue_in("511300"), *d), "proc-510000");
}

TEST_CASE("routing: a code missing from the region list still routes, and waits for a person",
          "[domain][routing]") {
    auto list = RegionList::from_json(nlohmann::json{
        {"510000", "四川省"}, {"511700", "达州市"}, {"511702", "通川区"}, {"511722", "宣汉县"}});
    REQUIRE(list);
    Screening screening;
    screening.score = 70;
    screening.priority = Priority::high;
    const auto with_list = [&](const Clue& clue) {
        return route({clue, screening, "hotline-12309-sc", {}, &*list}, sichuan(),
                     procuratorate_only());
    };
    // 511799: well shaped, no such county. Climbs to the prefecture, and is flagged.
    const auto unknown = with_list(clue_in("511799"));
    REQUIRE(unknown.tickets.size() == 1);
    CHECK(unknown.tickets[0].recipient_agency == "proc-511700");
    CHECK(unknown.review_reason == std::optional<std::string>("unknown_region"));
    CHECK(unknown.warnings ==
          FieldWarnings{{"/subject/region", "unknown_region", unknown.warnings.at(0).detail}});
    CHECK_THAT(unknown.warnings[0].detail, Catch::Contains("region list"));
    // A listed code: nothing to say.
    const auto known = with_list(clue_in("511702"));
    CHECK_FALSE(known.review_reason);
    CHECK(known.warnings.empty());
    // Without consent the clue stays home for that reason, and the sender still hears of the
    // code.
    const auto stays = with_list(clue_in("511799", false));
    CHECK(stays.tickets.empty());
    CHECK(stays.review_reason == std::optional<std::string>("consent_missing"));
    CHECK(stays.warnings.size() == 1);
    // No list configured: structure checks only.
    CHECK(route_from(clue_in("511799"), sichuan()).warnings.empty());
}
