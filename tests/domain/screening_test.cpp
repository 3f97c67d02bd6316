#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/vocabulary.hpp"

using namespace clue_router::domain;
using nlohmann::json;

namespace {

const CivilDate kToday{2026, 11, 20};

// A small criteria set written out here, so that the arithmetic in the tests below does not
// change when config/criteria.json is tuned.
json test_criteria_doc() {
    return json::parse(R"({
      "version": "test-1",
      "elderly_age": 60,
      "thresholds": {"high": 60, "normal": 30},
      "indicators": {
        "domestic_violence": {"groups": {"crime_victim": 70}},
        "divorce_due_to_dv": {"groups": {"dv_divorce": 80, "crime_victim": 40}},
        "poverty_relapse_risk": {"groups": {"rural_poverty_risk": 70}},
        "minimum_living_allowance": {"groups": {"rural_poverty_risk": 50}},
        "elderly_no_support": {"groups": {"elderly_unsupported": 75}},
        "serious_illness": {"groups": {"illness_disability": 70}},
        "raising_minors": {"groups": {"lost_breadwinner": 15}},
        "employment_discrimination": {"groups": {"workplace_discrimination": 20}},
        "threat_to_life": {"groups": {"crime_victim": 60}, "urgent": true},
        "protection_order_needed": {"groups": {"crime_victim": 50}, "urgent": true}
      }
    })");
}

Criteria test_criteria() {
    auto c = parse_criteria(test_criteria_doc());
    REQUIRE(c.has_value());
    return *c;
}

Clue clue_with(std::vector<std::string> indicators, std::optional<int> age = 40,
               bool rural = false) {
    Clue c;
    c.subject.sex = "female";
    c.subject.region = "511702";
    c.subject.age = age;
    c.subject.rural = rural;
    c.indicators = std::move(indicators);
    c.consent.share_with_partners = true;
    return c;
}

std::vector<std::string> group_ids(const Screening& s) {
    std::vector<std::string> out;
    for (const auto& g : s.groups) out.push_back(g.group);
    return out;
}

std::string parse_error(const json& doc) {
    auto c = parse_criteria(doc);
    REQUIRE_FALSE(c.has_value());
    return c.error();
}

json read_json(const std::string& relative) {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/" + relative);
    REQUIRE(in.good());
    return json::parse(in);
}

}  // namespace

TEST_CASE("priority names round-trip", "[domain][screening]") {
    for (auto p : {Priority::low, Priority::normal, Priority::high, Priority::urgent}) {
        REQUIRE(parse_priority(to_string(p)) == p);
    }
    CHECK(to_string(Priority::urgent) == "urgent");
    CHECK_FALSE(parse_priority("Urgent").has_value());
    CHECK_FALSE(parse_priority("").has_value());
}

TEST_CASE("no indicators: no groups, score 0, low", "[domain][screening]") {
    auto s = screen(clue_with({}), test_criteria(), kToday);
    CHECK(s.score == 0);
    CHECK(s.priority == Priority::low);
    CHECK(s.groups.empty());
    CHECK(s.urgency_reasons.empty());
    CHECK(s.criteria_version == "test-1");
}

TEST_CASE("one indicator gives its group and weight", "[domain][screening]") {
    auto s = screen(clue_with({"domestic_violence"}), test_criteria(), kToday);
    REQUIRE(s.groups.size() == 1);
    CHECK(s.groups[0].group == "crime_victim");
    CHECK(s.groups[0].score == 70);
    REQUIRE(s.groups[0].reasons.size() == 1);
    CHECK(s.groups[0].reasons[0].kind == "indicator");
    CHECK(s.groups[0].reasons[0].value == "domestic_violence");
    CHECK(s.groups[0].reasons[0].weight == 70);
    CHECK_FALSE(s.groups[0].reasons[0].evidence.has_value());
    CHECK(s.score == 70);
    CHECK(s.priority == Priority::high);
}

TEST_CASE("weights add up per group, capped at 100, groups sorted by score then id",
          "[domain][screening]") {
    auto s = screen(clue_with({"domestic_violence", "divorce_due_to_dv"}), test_criteria(), kToday);
    REQUIRE(group_ids(s) == std::vector<std::string>{"crime_victim", "dv_divorce"});
    CHECK(s.groups[0].score == 100);  // 70 + 40, capped
    CHECK(s.groups[0].reasons.size() == 2);
    CHECK(s.groups[1].score == 80);
    CHECK(s.score == 100);
    CHECK(s.priority == Priority::high);

    // Equal scores: by id.
    auto t =
        screen(clue_with({"poverty_relapse_risk", "serious_illness"}), test_criteria(), kToday);
    REQUIRE(group_ids(t) == std::vector<std::string>{"illness_disability", "rural_poverty_risk"});
    CHECK(t.groups[0].score == 70);
    CHECK(t.groups[1].score == 70);
}

TEST_CASE("thresholds decide high, normal and low", "[domain][screening]") {
    auto criteria = test_criteria();
    auto low = screen(clue_with({"raising_minors"}), criteria, kToday);
    CHECK(low.score == 15);
    CHECK(low.priority == Priority::low);

    auto normal = screen(clue_with({"minimum_living_allowance"}), criteria, kToday);
    CHECK(normal.score == 50);
    CHECK(normal.priority == Priority::normal);

    // Exactly on a threshold counts as reaching it.
    criteria.normal_threshold = 20;
    auto edge = screen(clue_with({"employment_discrimination"}), criteria, kToday);
    CHECK(edge.score == 20);
    CHECK(edge.priority == Priority::normal);
    criteria.high_threshold = 70;
    auto high = screen(clue_with({"domestic_violence"}), criteria, kToday);
    CHECK(high.priority == Priority::high);
}

TEST_CASE("urgent indicators make the clue urgent and say why", "[domain][screening]") {
    auto s = screen(clue_with({"protection_order_needed", "threat_to_life", "raising_minors"}),
                    test_criteria(), kToday);
    CHECK(s.priority == Priority::urgent);
    REQUIRE(s.urgency_reasons.size() == 2);
    CHECK(s.urgency_reasons[0].kind == "indicator");
    CHECK(s.urgency_reasons[0].value == "protection_order_needed");
    CHECK(s.urgency_reasons[1].value == "threat_to_life");
    REQUIRE(group_ids(s) == std::vector<std::string>{"crime_victim", "lost_breadwinner"});
    CHECK(s.groups[0].score == 100);  // 50 + 60, capped
    CHECK(s.groups[1].score == 15);

    // Urgent even when the score alone would be low.
    auto criteria = test_criteria();
    criteria.indicators["raising_minors"].urgent = true;
    auto u = screen(clue_with({"raising_minors"}), criteria, kToday);
    CHECK(u.score == 15);
    CHECK(u.priority == Priority::urgent);
}

TEST_CASE("age strengthens elderly_unsupported but never creates it alone", "[domain][screening]") {
    auto criteria = test_criteria();

    SECTION("old age alone: nothing") {
        auto s = screen(clue_with({}, 75), criteria, kToday);
        CHECK(s.groups.empty());
        CHECK(s.priority == Priority::low);
    }
    SECTION("old age alone with an unrelated indicator: no elderly group") {
        auto s = screen(clue_with({"serious_illness"}, 75), criteria, kToday);
        CHECK(group_ids(s) == std::vector<std::string>{"illness_disability"});
    }
    SECTION("elderly_no_support ticked and age reached: an age reason") {
        auto s = screen(clue_with({"elderly_no_support"}, 60), criteria, kToday);
        REQUIRE(s.groups.size() == 1);
        CHECK(s.groups[0].group == "elderly_unsupported");
        CHECK(s.groups[0].score == 85);
        REQUIRE(s.groups[0].reasons.size() == 2);
        CHECK(s.groups[0].reasons[1].kind == "age");
        CHECK(s.groups[0].reasons[1].value == "age>=60");
        CHECK(s.groups[0].reasons[1].weight == 10);
    }
    SECTION("elderly_no_support ticked, younger than elderly_age: no age reason") {
        auto s = screen(clue_with({"elderly_no_support"}, 59), criteria, kToday);
        REQUIRE(s.groups.size() == 1);
        CHECK(s.groups[0].score == 75);
        CHECK(s.groups[0].reasons.size() == 1);
    }
    SECTION("age unknown: no age reason") {
        auto s = screen(clue_with({"elderly_no_support"}, std::nullopt), criteria, kToday);
        REQUIRE(s.groups.size() == 1);
        CHECK(s.groups[0].reasons.size() == 1);
    }
    SECTION("elderly_no_support mapped elsewhere still lets age make the group") {
        criteria.indicators["elderly_no_support"].groups = {{"illness_disability", 30}};
        auto s = screen(clue_with({"elderly_no_support"}, 80), criteria, kToday);
        REQUIRE(group_ids(s) ==
                std::vector<std::string>{"illness_disability", "elderly_unsupported"});
        CHECK(s.groups[1].score == 10);
    }
}

TEST_CASE("rural strengthens rural_poverty_risk only when it matched", "[domain][screening]") {
    auto criteria = test_criteria();
    auto rural_poor = screen(clue_with({"minimum_living_allowance"}, 40, true), criteria, kToday);
    REQUIRE(rural_poor.groups.size() == 1);
    CHECK(rural_poor.groups[0].score == 60);
    REQUIRE(rural_poor.groups[0].reasons.size() == 2);
    CHECK(rural_poor.groups[0].reasons[1].kind == "rural");
    CHECK(rural_poor.groups[0].reasons[1].weight == 10);
    CHECK(rural_poor.priority == Priority::high);

    auto urban_poor = screen(clue_with({"minimum_living_allowance"}, 40, false), criteria, kToday);
    CHECK(urban_poor.groups[0].score == 50);

    auto rural_only = screen(clue_with({"domestic_violence"}, 40, true), criteria, kToday);
    CHECK(group_ids(rural_only) == std::vector<std::string>{"crime_victim"});
    CHECK(rural_only.groups[0].score == 70);
}

TEST_CASE("indicators the criteria do not map are ignored", "[domain][screening]") {
    auto s = screen(clue_with({"trafficking"}), test_criteria(), kToday);
    CHECK(s.groups.empty());
    CHECK(s.priority == Priority::low);
}

TEST_CASE("screening is deterministic and independent of tick order", "[domain][screening]") {
    auto criteria = test_criteria();
    auto a = screen(clue_with({"threat_to_life", "divorce_due_to_dv", "poverty_relapse_risk",
                               "elderly_no_support"},
                              70, true),
                    criteria, kToday);
    auto b = screen(clue_with({"elderly_no_support", "poverty_relapse_risk", "divorce_due_to_dv",
                               "threat_to_life"},
                              70, true),
                    criteria, kToday);
    CHECK(to_json(a) == to_json(b));
    CHECK(to_json(a).dump() ==
          to_json(screen(clue_with({"threat_to_life", "divorce_due_to_dv", "poverty_relapse_risk",
                                    "elderly_no_support"},
                                   70, true),
                         criteria, kToday))
              .dump());
}

TEST_CASE("screening JSON shape", "[domain][screening]") {
    Screening s;
    s.score = 85;
    s.priority = Priority::urgent;
    s.criteria_version = "v";
    s.groups.push_back({"crime_victim", 85, {{"term", "打我", 30, Evidence{3, 9}}}});
    s.urgency_reasons.push_back({"indicator", "threat_to_life", 0, std::nullopt});
    auto expected = json::parse(R"({
      "score": 85, "priority": "urgent", "criteria_version": "v",
      "key_groups": [{"group": "crime_victim", "score": 85,
                      "reasons": [{"kind": "term", "value": "打我", "weight": 30,
                                   "evidence": {"begin": 3, "end": 9}}]}],
      "urgency_reasons": [{"kind": "indicator", "value": "threat_to_life", "weight": 0}],
      "negated": [], "weak_groups": []
    })");
    CHECK(to_json(s) == expected);

    // Lexicon reasons name their set; notes appear when there is something to say.
    s.negated.push_back(
        {"negated", "家暴", 0, Evidence{6, 12}, "crime_victim.dv", "negated by '没有'"});
    s.weak_groups.push_back(
        {"lost_breadwinner",
         25,
         {{"term", "顶梁柱", 25, Evidence{0, 9}, "lost_breadwinner.income_lost", ""}}});
    auto j = to_json(s);
    CHECK(j["negated"][0] == json::parse(R"({"kind": "negated", "value": "家暴", "weight": 0,
        "evidence": {"begin": 6, "end": 12}, "set": "crime_victim.dv",
        "note": "negated by '没有'"})"));
    CHECK(j["weak_groups"][0]["group"] == "lost_breadwinner");
    CHECK(j["weak_groups"][0]["reasons"][0]["set"] == "lost_breadwinner.income_lost");
    CHECK_FALSE(j["weak_groups"][0]["reasons"][0].contains("note"));

    auto empty = to_json(Screening{});
    CHECK(empty["key_groups"] == json::array());
    CHECK(empty["urgency_reasons"] == json::array());
    CHECK(empty["negated"] == json::array());
    CHECK(empty["weak_groups"] == json::array());
    CHECK(empty["priority"] == "low");
}

TEST_CASE("parse_criteria reads a valid document", "[domain][screening]") {
    auto c = test_criteria();
    CHECK(c.match_threshold == 1);  // default: any evidence matches
    CHECK_FALSE(c.lexicon);         // no lexicon, negation or cues: indicators only
    CHECK(c.version == "test-1");
    CHECK(c.elderly_age == 60);
    CHECK(c.high_threshold == 60);
    CHECK(c.normal_threshold == 30);
    REQUIRE(c.indicators.count("divorce_due_to_dv") == 1);
    const auto& rule = c.indicators.at("divorce_due_to_dv");
    CHECK_FALSE(rule.urgent);
    // Groups come in id order.
    REQUIRE(rule.groups.size() == 2);
    CHECK(rule.groups[0] == std::pair<std::string, int>{"crime_victim", 40});
    CHECK(rule.groups[1] == std::pair<std::string, int>{"dv_divorce", 80});
    CHECK(c.indicators.at("threat_to_life").urgent);
}

TEST_CASE("parse_criteria rejects broken documents with a message naming the place",
          "[domain][screening]") {
    auto doc = test_criteria_doc();
    using Catch::Matchers::Contains;

    SECTION("not an object") {
        CHECK_THAT(parse_error(json::array()), Contains("criteria"));
    }
    SECTION("unknown top-level member") {
        doc["thresholds_v2"] = 1;
        CHECK_THAT(parse_error(doc), Contains("unknown member 'thresholds_v2'"));
    }
    SECTION("version missing") {
        doc.erase("version");
        CHECK_THAT(parse_error(doc), Contains("version: is required"));
    }
    SECTION("version empty") {
        doc["version"] = "";
        CHECK_THAT(parse_error(doc), Contains("version: must be a non-empty string"));
    }
    SECTION("version not a string") {
        doc["version"] = 3;
        CHECK_THAT(parse_error(doc), Contains("version: must be a non-empty string"));
    }
    SECTION("indicators not an object") {
        doc["indicators"] = json::array();
        CHECK_THAT(parse_error(doc), Contains("indicators: must be an object"));
    }
    SECTION("unknown indicator") {
        doc["indicators"]["bad_luck"] = {{"groups", {{"crime_victim", 10}}}};
        CHECK_THAT(parse_error(doc), Contains("indicators: unknown indicator 'bad_luck'"));
    }
    SECTION("unknown key group") {
        doc["indicators"]["domestic_violence"]["groups"]["x"] = 10;
        CHECK(parse_error(doc) == "indicators.domestic_violence.groups: unknown key group 'x'");
    }
    SECTION("weight 0") {
        doc["indicators"]["domestic_violence"]["groups"]["crime_victim"] = 0;
        CHECK_THAT(parse_error(doc),
                   Contains("indicators.domestic_violence.groups.crime_victim: weight must be "
                            "an integer 1-100"));
    }
    SECTION("weight above 100") {
        doc["indicators"]["domestic_violence"]["groups"]["crime_victim"] = 101;
        CHECK_THAT(parse_error(doc), Contains("groups.crime_victim: weight must be"));
    }
    SECTION("weight not an integer") {
        doc["indicators"]["domestic_violence"]["groups"]["crime_victim"] = 50.5;
        CHECK_THAT(parse_error(doc), Contains("groups.crime_victim: weight must be"));
        doc["indicators"]["domestic_violence"]["groups"]["crime_victim"] = "50";
        CHECK_THAT(parse_error(doc), Contains("groups.crime_victim: weight must be"));
    }
    SECTION("rule with an unknown member") {
        doc["indicators"]["threat_to_life"]["urgnet"] = true;
        CHECK_THAT(parse_error(doc),
                   Contains("indicators.threat_to_life: unknown member 'urgnet'"));
    }
    SECTION("rule without groups") {
        doc["indicators"]["threat_to_life"].erase("groups");
        CHECK_THAT(parse_error(doc), Contains("indicators.threat_to_life.groups: is required"));
    }
    SECTION("rule not an object") {
        doc["indicators"]["threat_to_life"] = 60;
        CHECK_THAT(parse_error(doc), Contains("indicators.threat_to_life: must be an object"));
    }
    SECTION("urgent not a boolean") {
        doc["indicators"]["threat_to_life"]["urgent"] = "yes";
        CHECK_THAT(parse_error(doc),
                   Contains("indicators.threat_to_life.urgent: must be a boolean"));
    }
    SECTION("thresholds out of order") {
        doc["thresholds"] = {{"high", 30}, {"normal", 60}};
        CHECK_THAT(parse_error(doc), Contains("thresholds: must satisfy 0 < normal < high <= 100"));
    }
    SECTION("thresholds equal") {
        doc["thresholds"] = {{"high", 50}, {"normal", 50}};
        CHECK_THAT(parse_error(doc), Contains("thresholds: must satisfy"));
    }
    SECTION("normal threshold zero") {
        doc["thresholds"] = {{"high", 50}, {"normal", 0}};
        CHECK_THAT(parse_error(doc), Contains("thresholds: must satisfy"));
    }
    SECTION("high threshold above 100") {
        doc["thresholds"] = {{"high", 101}, {"normal", 30}};
        CHECK_THAT(parse_error(doc), Contains("thresholds: must satisfy"));
    }
    SECTION("threshold missing") {
        doc["thresholds"].erase("normal");
        CHECK_THAT(parse_error(doc), Contains("thresholds.normal: is required"));
    }
    SECTION("threshold unknown member") {
        doc["thresholds"]["urgent"] = 90;
        CHECK_THAT(parse_error(doc), Contains("thresholds: unknown member 'urgent'"));
    }
    SECTION("elderly_age out of range") {
        doc["elderly_age"] = 39;
        CHECK_THAT(parse_error(doc), Contains("elderly_age: must be an integer 40-100"));
        doc["elderly_age"] = 101;
        CHECK_THAT(parse_error(doc), Contains("elderly_age: must be an integer 40-100"));
        doc["elderly_age"] = 40;
        CHECK(parse_criteria(doc).has_value());
    }
}

TEST_CASE("config/criteria.json loads and maps every indicator", "[domain][screening]") {
    auto c = parse_criteria(read_json("config/criteria.json"));
    REQUIRE(c.has_value());
    CHECK_FALSE(c->version.empty());  // bumped with every change of the file
    CHECK(c->match_threshold == 30);
    REQUIRE(c->lexicon);
    CHECK(c->lexicon->term_count() >= 300);
    CHECK(c->elderly_age == 60);
    CHECK(c->high_threshold == 60);
    CHECK(c->normal_threshold == 30);
    for (auto id : vocabulary::indicators()) {
        INFO(id);
        CHECK(c->indicators.count(std::string(id)) == 1);
    }
    CHECK(c->indicators.at("threat_to_life").urgent);
    CHECK(c->indicators.at("urgent_medical").urgent);
    CHECK(c->indicators.at("protection_order_needed").urgent);
    CHECK_FALSE(c->indicators.at("domestic_violence").urgent);

    // A typical DV clue lands high with the shipped criteria.
    auto s = screen(clue_with({"domestic_violence"}), *c, kToday);
    CHECK(s.priority == Priority::high);
    CHECK(group_ids(s) == std::vector<std::string>{"crime_victim"});
}

TEST_CASE("aggravating indicators strengthen matched groups and create none",
          "[domain][screening]") {
    auto doc = test_criteria_doc();
    doc["indicators"]["raising_minors"]["aggravating"] = true;
    doc["indicators"]["breadwinner_killed"] = {{"groups", {{"lost_breadwinner", 80}}}};
    auto criteria = parse_criteria(doc);
    REQUIRE(criteria);

    auto alone = screen(clue_with({"raising_minors"}), *criteria, kToday);
    CHECK(alone.groups.empty());
    CHECK(alone.score == 0);

    auto with_loss = screen(clue_with({"raising_minors", "breadwinner_killed"}), *criteria, kToday);
    REQUIRE(group_ids(with_loss) == std::vector<std::string>{"lost_breadwinner"});
    CHECK(with_loss.groups[0].score == 95);
    REQUIRE(with_loss.groups[0].reasons.size() == 2);
    CHECK(with_loss.groups[0].reasons[1].value == "raising_minors");

    doc["indicators"]["raising_minors"]["aggravating"] = "yes";
    auto bad = parse_criteria(doc);
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error(), Catch::Contains("raising_minors.aggravating"));
}

TEST_CASE("the shipped criteria treat family burdens as aggravating", "[domain][screening]") {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json");
    auto criteria = parse_criteria(json::parse(in));
    REQUIRE(criteria);
    CHECK(criteria->indicators.at("raising_minors").aggravating);
    CHECK(criteria->indicators.at("supporting_elders").aggravating);
    CHECK(screen(clue_with({"supporting_elders"}), *criteria, kToday).groups.empty());
}

TEST_CASE("rural, age and region weights are criteria data and only strengthen",
          "[domain][screening]") {
    auto doc = test_criteria_doc();
    doc["adjustments"] = {{"age_weight", 5}, {"rural_weight", 20}};
    doc["region_effects"] = json::array(
        {{{"region", "5117"}, {"group", "rural_poverty_risk"}, {"weight", 7}, {"note", "test"}},
         {{"region", "51"}, {"group", "crime_victim"}, {"weight", 3}}});
    auto criteria = parse_criteria(doc);
    REQUIRE(criteria);

    Clue poor = clue_with({"minimum_living_allowance"});
    poor.subject.rural = true;
    poor.subject.region = "511702";
    auto s = screen(poor, *criteria, kToday);
    REQUIRE(group_ids(s) == std::vector<std::string>{"rural_poverty_risk"});
    CHECK(s.groups[0].score == 50 + 20 + 7);
    const auto& reasons = s.groups[0].reasons;
    REQUIRE(reasons.size() == 3);
    CHECK(reasons[1].kind == "rural");
    CHECK(reasons[1].weight == 20);
    CHECK(reasons[2].kind == "region");
    CHECK(reasons[2].value == "5117");
    CHECK(reasons[2].note == "test");

    // Elsewhere, or with nothing matched, the region adds nothing.
    poor.subject.region = "110105";
    CHECK(screen(poor, *criteria, kToday).groups[0].score == 70);
    Clue nothing = clue_with({});
    nothing.subject.region = "511702";
    nothing.subject.rural = true;
    CHECK(screen(nothing, *criteria, kToday).groups.empty());

    for (const auto& [member, bad, message] :
         std::vector<std::tuple<std::string, json, std::string>>{
             {"adjustments", {{"rural_weight", -1}}, "adjustments.rural_weight"},
             {"adjustments", {{"speed", 1}}, "adjustments"},
             {"region_effects",
              json::array({{{"region", "511"}, {"group", "crime_victim"}, {"weight", 5}}}),
              "region_effects[0].region"},
             {"region_effects", json::array({{{"region", "51"}, {"group", "nope"}, {"weight", 5}}}),
              "region_effects[0].group"},
             {"region_effects",
              json::array({{{"region", "51"}, {"group", "crime_victim"}, {"weight", 0}}}),
              "region_effects[0].weight"},
         }) {
        auto broken = test_criteria_doc();
        broken[member] = bad;
        auto refused = parse_criteria(broken);
        REQUIRE_FALSE(refused);
        CHECK_THAT(refused.error(), Catch::Contains(message));
    }
}
