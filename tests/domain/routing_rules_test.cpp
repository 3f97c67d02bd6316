// Routing with the rules as data: config/routing.json's purposes, the score threshold, the
// service an agency must offer, and most-specific jurisdiction on the real shapes of GB/T
// 2260 codes, up to every code of the shipped region list.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/region_list.hpp"
#include "clue_router/domain/routing.hpp"

using namespace clue_router::domain;

namespace {

nlohmann::json read_json(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

RoutingRules repo_rules() {
    auto rules = parse_routing_rules(
        read_json(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/routing.json"));
    INFO((rules ? "" : rules.error()));
    REQUIRE(rules);
    return *rules;
}

Agency agency(std::string id, std::string kind, std::string region,
              std::vector<std::string> services, bool accepts = true) {
    Agency a;
    a.id = std::move(id);
    a.kind = std::move(kind);
    a.name = "测试机构";
    a.region = std::move(region);
    a.services = std::move(services);
    a.accepts_referrals = accepts;
    return a;
}

Agency proc(const std::string& region) {
    return agency("proc-" + region, "procuratorate", region, {"judicial_assistance"});
}
Agency fed(const std::string& region) {
    return agency("fed-" + region, "womens_federation", region, {"social_support", "legal_aid"});
}

Clue clue_in(std::string region, std::string channel = "hotline_12309", bool consent = true) {
    Clue c;
    c.source.channel = std::move(channel);
    c.subject.sex = "female";
    c.subject.region = std::move(region);
    c.consent.share_with_partners = consent;
    return c;
}

Screening screened(std::vector<std::string> groups, int score = 70,
                   Priority priority = Priority::high) {
    Screening s;
    s.score = score;
    s.priority = priority;
    for (auto& g : groups) s.groups.push_back({std::move(g), score, {}});
    return s;
}

// purpose → recipient, for compact checks.
std::map<std::string, std::string> recipients(const RoutingDecision& d) {
    std::map<std::string, std::string> out;
    for (const auto& t : d.tickets) out[t.purpose] = t.recipient_agency;
    return out;
}

RoutingDecision route_with(const Clue& clue, const Screening& screening, const Directory& dir,
                           const std::string& sender = "hotline-12309-sc") {
    return route({clue, screening, sender, {}}, dir, repo_rules());
}

Directory build(std::vector<Agency> agencies) {
    auto d = Directory::build(std::move(agencies));
    INFO((d ? "" : d.error()));
    REQUIRE(d);
    return *d;
}

Directory sichuan() {
    return build({proc("510000"), fed("510000"), proc("511700"), fed("511700"), proc("511702"),
                  fed("511702"), fed("511722"),
                  agency("hotline-12309-sc", "hotline", "510000", {"intake"}, false),
                  agency("fed-510100", "womens_federation", "510100", {"social_support"}),
                  agency("proc-510100", "procuratorate", "510100", {"judicial_assistance"})});
}

}  // namespace

TEST_CASE("routing rules: the repository's file loads", "[domain][routing_rules]") {
    const auto rules = repo_rules();
    CHECK(rules.review_below_score == 30);
    REQUIRE(rules.purpose("judicial_assistance"));
    CHECK(rules.purpose("judicial_assistance")->agency_kind == "procuratorate");
    REQUIRE(rules.purpose("social_support"));
    CHECK(rules.purpose("social_support")->agency_kind == "womens_federation");
}

TEST_CASE("routing rules: bad files are refused with the member at fault",
          "[domain][routing_rules]") {
    auto base = read_json(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/routing.json");
    auto refused = [&](auto change, const std::string& pointer) {
        auto doc = base;
        change(doc);
        auto r = parse_routing_rules(doc);
        REQUIRE_FALSE(r);
        INFO(r.error());
        CHECK(r.error().find(pointer) != std::string::npos);
    };
    refused([](auto& d) { d["purposes"][0]["agency_kind"] = "police_station"; },
            "/purposes/0/agency_kind");
    refused([](auto& d) { d["purposes"][1]["service"] = "hugs"; }, "/purposes/1/service");
    refused([](auto& d) { d["rules"][0]["purposes"] = {"undeclared"}; }, "/rules/0/purposes/0");
    refused([](auto& d) { d["rules"][1]["when"]["key_groups"] = {"unknown_group"}; },
            "/rules/1/when/key_groups/0");
    refused([](auto& d) { d["rules"][1]["when"]["channels"] = {"carrier_pigeon"}; },
            "/rules/1/when/channels/0");
    refused([](auto& d) { d["review_below_score"] = 101; }, "/review_below_score");
    refused([](auto& d) { d["rules"][1]["id"] = d["rules"][0]["id"]; }, "/rules/1/id");
    refused([](auto& d) { d["surprise"] = 1; }, "/surprise");
    refused([](auto& d) { d.erase("version"); }, "/version");
}

TEST_CASE("routing: a violence victim's clue goes to the procuratorate and the federation",
          "[domain][routing]") {
    const auto d = route_with(clue_in("511702"), screened({"crime_victim"}), sichuan());
    CHECK_FALSE(d.review_reason);
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511702"},
                                             {"social_support", "fed-511702"}});
    // Suing for divorce because of violence: the same two.
    CHECK(recipients(route_with(clue_in("511702"), screened({"dv_divorce"}), sichuan())).size() ==
          2);
}

TEST_CASE("routing: other key groups go to the procuratorate only", "[domain][routing]") {
    const auto d = route_with(clue_in("511702"), screened({"lost_breadwinner"}), sichuan());
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511702"}});
}

TEST_CASE("routing: a federation's clue goes to the procuratorate, not back to a federation",
          "[domain][routing]") {
    const auto d = route_with(clue_in("511702", "federation_visit"), screened({"crime_victim"}),
                              sichuan(), "fed-511702");
    CHECK_FALSE(d.review_reason);
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511702"}});
}

TEST_CASE("routing: a procuratorate's own clue asks the federation for support only",
          "[domain][routing]") {
    auto d = route_with(clue_in("511702", "procuratorate_case"), screened({"crime_victim"}),
                        sichuan(), "proc-511702");
    CHECK(recipients(d) == std::map<std::string, std::string>{{"social_support", "fed-511702"}});
    // Nothing the rules give a procuratorate's poverty clue: a person decides.
    d = route_with(clue_in("511702", "procuratorate_case"), screened({"rural_poverty_risk"}),
                   sichuan(), "proc-511702");
    CHECK(d.tickets.empty());
    CHECK(d.review_reason == std::string("no_purpose"));
}

TEST_CASE("routing: below the score threshold waits for a person, unless urgent",
          "[domain][routing]") {
    auto d = route_with(clue_in("511702"), screened({}, 10, Priority::low), sichuan());
    CHECK(d.tickets.empty());
    CHECK(d.review_reason == std::string("score_below_threshold"));
    d = route_with(clue_in("511702"), screened({}, 29, Priority::normal), sichuan());
    CHECK(d.review_reason == std::string("score_below_threshold"));
    d = route_with(clue_in("511702"), screened({"crime_victim"}, 30, Priority::normal), sichuan());
    CHECK(d.tickets.size() == 2);
    // Danger now goes out at once, whatever the score.
    d = route_with(clue_in("511702"), screened({}, 10, Priority::urgent), sichuan());
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511702"}});
}

TEST_CASE("routing: consent comes before everything", "[domain][routing]") {
    const auto d = route_with(clue_in("511702", "hotline_12309", false),
                              screened({"crime_victim"}, 100, Priority::urgent), sichuan());
    CHECK(d.tickets.empty());
    CHECK(d.review_reason == std::string("consent_missing"));
}

TEST_CASE("routing: an agency lacking the purpose's service is skipped", "[domain][routing]") {
    auto dir = build({proc("510000"), fed("510000"), proc("511700"),
                      agency("fed-511700", "womens_federation", "511700", {"legal_aid"}),
                      agency("proc-511702", "procuratorate", "511702", {"legal_aid"})});
    const auto d = route_with(clue_in("511702"), screened({"crime_victim"}), dir);
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511700"},
                                             {"social_support", "fed-510000"}});
}

TEST_CASE("routing: a purpose with no agency sends what it can and asks a person for the rest",
          "[domain][routing]") {
    auto dir = build({proc("510000"), proc("511702")});
    const auto d = route_with(clue_in("511702"), screened({"crime_victim"}), dir);
    CHECK(recipients(d) ==
          std::map<std::string, std::string>{{"judicial_assistance", "proc-511702"}});
    CHECK(d.review_reason == std::string("no_agency_for_region"));
    CHECK(d.unrouted == std::vector<std::string>{"social_support"});
}

TEST_CASE("region codes: jurisdictions on the real shapes", "[domain][region_code]") {
    auto chain = [](const char* code) {
        auto c = RegionCode::parse(code);
        REQUIRE(c);
        return c->jurisdictions();
    };
    using V = std::vector<std::string>;
    CHECK(chain("511702") == V{"511702", "511700", "510000"});  // county of a prefecture
    CHECK(chain("511700") == V{"511700", "510000"});            // prefecture
    CHECK(chain("510000") == V{"510000"});                      // province
    CHECK(chain("110105") == V{"110105", "110000"});  // Beijing district: no prefecture level
    CHECK(chain("500229") == V{"500229", "500000"});  // Chongqing county (the 02 group)
    CHECK(chain("310115") == V{"310115", "310000"});
    CHECK(chain("120116") == V{"120116", "120000"});
    CHECK(chain("429004") == V{"429004", "420000"});  // Xiantao, directly under Hubei
    CHECK(chain("469001") == V{"469001", "460000"});  // Wuzhishan, directly under Hainan
    CHECK(chain("441900") == V{"441900", "440000"});  // Dongguan: a prefecture, no counties
    CHECK(chain("810101") == V{"810101", "810000"});  // Hong Kong district
    CHECK(RegionCode::parse("830000").has_value());   // Taiwan, as some published lists code it
}

TEST_CASE("routing: the most specific agency wins on real code shapes", "[domain][routing]") {
    auto dir = build({
        proc("110000"), fed("110000"), proc("110105"),                  // Beijing, one district
        proc("420000"), fed("420000"), proc("429004"), proc("420100"),  // Hubei
        proc("440000"), fed("440000"), proc("441900"), fed("441900"),   // Guangdong, Dongguan
        proc("510000"), fed("510000"), proc("511700"), proc("511702"),  // Sichuan, Dazhou
    });
    auto to = [&](const char* region) {
        return recipients(route_with(clue_in(region), screened({"crime_victim"}), dir));
    };
    using M = std::map<std::string, std::string>;
    // Municipal districts: the district's own, else the municipality (no "110100" level).
    CHECK(to("110105") ==
          M{{"judicial_assistance", "proc-110105"}, {"social_support", "fed-110000"}});
    CHECK(to("110108") ==
          M{{"judicial_assistance", "proc-110000"}, {"social_support", "fed-110000"}});
    // xx90xx: its own, else straight to the province (never to 429000 or 420100).
    CHECK(to("429004") ==
          M{{"judicial_assistance", "proc-429004"}, {"social_support", "fed-420000"}});
    CHECK(to("429005") ==
          M{{"judicial_assistance", "proc-420000"}, {"social_support", "fed-420000"}});
    // A prefecture-level city without counties.
    CHECK(to("441900") ==
          M{{"judicial_assistance", "proc-441900"}, {"social_support", "fed-441900"}});
    // Counties of a prefecture with and without their own agency.
    CHECK(to("511702") ==
          M{{"judicial_assistance", "proc-511702"}, {"social_support", "fed-510000"}});
    CHECK(to("511722") ==
          M{{"judicial_assistance", "proc-511700"}, {"social_support", "fed-510000"}});
    CHECK(to("511302") ==
          M{{"judicial_assistance", "proc-510000"}, {"social_support", "fed-510000"}});
}

TEST_CASE("routing: every code of the shipped region list routes with an agency pair per province",
          "[domain][routing][regions]") {
    auto list = RegionList::from_json(
        read_json(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/regions.json"));
    INFO((list ? "" : list.error()));
    REQUIRE(list);
    REQUIRE(list->size() > 3000);
    std::set<std::string> provinces;
    for (const auto& [code, name] : list->all()) provinces.insert(code.substr(0, 2) + "0000");
    std::vector<Agency> agencies;
    for (const auto& p : provinces) {
        agencies.push_back(proc(p));
        agencies.push_back(fed(p));
    }
    const auto dir = build(agencies);
    const auto rules = repo_rules();
    std::size_t routed = 0;
    for (const auto& [code, name] : list->all()) {
        const auto d =
            route({clue_in(code), screened({"crime_victim"}), "hotline-12309-sc", {}}, dir, rules);
        const auto got = recipients(d);
        const std::string province = code.substr(0, 2) + "0000";
        INFO(code << " " << name);
        CHECK_FALSE(d.review_reason);
        CHECK(got == std::map<std::string, std::string>{{"judicial_assistance", "proc-" + province},
                                                        {"social_support", "fed-" + province}});
        ++routed;
    }
    CHECK(routed == list->size());
}
