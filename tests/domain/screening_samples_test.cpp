// Screening with the narrative lexicon: the project's sample clues, a held-out set, evidence spans,
// negation, normalisation, determinism, and criteria that must be refused.
#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/text_normalizer.hpp"
#include "clue_router/domain/vocabulary.hpp"

using namespace clue_router::domain;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

const CivilDate kToday{2026, 11, 20};

json read_json(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return json::parse(in);
}

const Criteria& shipped() {
    static const Criteria criteria = [] {
        auto c = parse_criteria(
            read_json(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json"));
        if (!c) throw std::runtime_error(c.error());
        return *c;
    }();
    return criteria;
}

struct Case {
    std::string reference;
    Clue clue;
    std::set<std::string> groups;
    bool urgent = false;
};

std::vector<Case> read_cases(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    std::vector<Case> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const auto doc = json::parse(line);
        auto clue = parse_clue(doc.at("clue"));
        INFO(line);
        REQUIRE(clue.has_value());
        Case c;
        c.reference = clue->source.reference;
        c.clue = std::move(*clue);
        for (const auto& g : doc.at("expect").at("key_groups"))
            c.groups.insert(g.get<std::string>());
        c.urgent = doc.at("expect").at("urgent").get<bool>();
        out.push_back(std::move(c));
    }
    return out;
}

std::set<std::string> groups_of(const Screening& s) {
    std::set<std::string> out;
    for (const auto& g : s.groups) out.insert(g.group);
    return out;
}

std::string joined(const std::set<std::string>& s) {
    std::string out;
    for (const auto& x : s) out += x + " ";
    return out;
}

Clue narrative_clue(std::string narrative, std::optional<int> age = 40, bool rural = false) {
    Clue c;
    c.subject.sex = "female";
    c.subject.region = "511702";
    c.subject.age = age;
    c.subject.rural = rural;
    c.narrative = std::move(narrative);
    c.consent.share_with_partners = true;
    return c;
}

Screening screen_text(const std::string& narrative, std::optional<int> age = 40) {
    return screen(narrative_clue(narrative, age), shipped(), kToday);
}

bool has_group(const Screening& s, const std::string& g) {
    return groups_of(s).contains(g);
}

// A small lexicon whose arithmetic the tests below can follow.
json small_criteria_doc() {
    return json::parse(R"({
      "version": "lex-test-1",
      "elderly_age": 60,
      "thresholds": {"high": 60, "normal": 30},
      "match_threshold": 30,
      "indicators": {
        "domestic_violence": {"groups": {"crime_victim": 70}},
        "raising_minors": {"groups": {"lost_breadwinner": 15}, "aggravating": true}
      },
      "negation": {"window_zh": 4, "window_en": 12,
                   "cues": {"zh": ["没有", "并未"], "en": ["no", "not", "never"]},
                   "pseudo": {"zh": ["没有想到"], "en": ["not only"]},
                   "terminators": {"zh": ["但是"], "en": ["but"]}},
      "cues": {"order": {"zh": ["保护令"]},
               "kin": {"zh": ["婆婆"]}},
      "lexicon": {
        "crime_victim": {
          "dv": {"zh": {"家暴": 60, "打我": 50}, "en": {"beat me": 50, "abus*": 40}},
          "stalking": {"zh": {"跟踪": 40}, "urgent_when": ["cue:order"]},
          "threats": {"zh": {"杀了我": 60}, "urgent": true},
          "harm": {"zh": {"打伤": 40}, "unless": ["lost_breadwinner"]},
          "police": {"zh": {"报警": 20}}
        },
        "dv_divorce": {
          "divorce": {"zh": {"离婚": 60}, "requires": ["set:crime_victim.dv", "indicator:domestic_violence"]}
        },
        "lost_breadwinner": {
          "killed": {"zh": {"被害身亡": 65}}
        },
        "illness_disability": {
          "disability": {"zh": {"瘫痪": 60}, "exclude_near": [{"cue": "kin", "before": 2, "after": 2}]}
        },
        "elderly_unsupported": {
          "alone": {"zh": {"无人赡养": 60}, "requires": ["age:elderly"]}
        },
        "rural_poverty_risk": {
          "status": {"zh": {"低保": 60}}
        }
      }
    })");
}

Criteria small_criteria() {
    auto c = parse_criteria(small_criteria_doc());
    INFO((c ? std::string() : c.error()));
    REQUIRE(c.has_value());
    return *c;
}

std::string refusal(const json& doc) {
    auto c = parse_criteria(doc);
    REQUIRE_FALSE(c.has_value());
    return c.error();
}

}  // namespace

TEST_CASE("every sample clue gets exactly the expected groups and urgency",
          "[domain][screening][samples]") {
    const auto cases =
        read_cases(std::string(CLUE_ROUTER_SOURCE_DIR) + "/tests/fixtures/clues.jsonl");
    REQUIRE(cases.size() >= 20);
    // The set is a check only if it exercises every key group, urgent clues and calm ones.
    std::set<std::string> covered;
    int urgent = 0;
    for (const auto& c : cases) {
        covered.insert(c.groups.begin(), c.groups.end());
        urgent += c.urgent ? 1 : 0;
    }
    CHECK(covered.size() == vocabulary::key_groups().size());
    CHECK(urgent >= 3);
    CHECK(cases.size() - urgent >= 3);
    for (const auto& c : cases) {
        const auto s = screen(c.clue, shipped(), kToday);
        INFO(c.reference << " got " << joined(groups_of(s)) << "want " << joined(c.groups));
        CHECK(groups_of(s) == c.groups);
        CHECK((s.priority == Priority::urgent) == c.urgent);
        CHECK(s.criteria_version == shipped().version);
    }
}

TEST_CASE("the held-out clues: no urgent case missed, macro-F1 at least 0.8",
          "[domain][screening][holdout]") {
    const auto cases =
        read_cases(std::string(CLUE_ROUTER_SOURCE_DIR) + "/tests/domain/screening_holdout.jsonl");
    REQUIRE(cases.size() >= 30);
    std::map<std::string, std::array<int, 3>> counts;  // tp, fp, fn
    int urgent_expected = 0;
    int urgent_found = 0;
    int exact = 0;
    for (const auto& c : cases) {
        const auto s = screen(c.clue, shipped(), kToday);
        const auto got = groups_of(s);
        const bool urgent = s.priority == Priority::urgent;
        for (auto id : vocabulary::key_groups()) {
            const std::string g(id);
            const bool want = c.groups.contains(g);
            const bool have = got.contains(g);
            if (want && have) ++counts[g][0];
            if (!want && have) ++counts[g][1];
            if (want && !have) ++counts[g][2];
        }
        if (c.urgent) {
            ++urgent_expected;
            INFO(c.reference << " should be urgent");
            CHECK(urgent);
            if (urgent) ++urgent_found;
        }
        if (got == c.groups && urgent == c.urgent) ++exact;
    }
    double f1_sum = 0;
    int n = 0;
    for (const auto& [g, c] : counts) {
        const auto [tp, fp, fn] = c;
        if (tp + fp + fn == 0) continue;
        const double p = tp + fp == 0 ? 1.0 : double(tp) / (tp + fp);
        const double r = tp + fn == 0 ? 1.0 : double(tp) / (tp + fn);
        f1_sum += (p + r) > 0 ? 2 * p * r / (p + r) : 0.0;
        ++n;
    }
    const double macro_f1 = n == 0 ? 1.0 : f1_sum / n;
    INFO("exact " << exact << "/" << cases.size() << ", macro-F1 " << macro_f1);
    CHECK(urgent_expected > 5);
    CHECK(urgent_found == urgent_expected);
    CHECK(macro_f1 >= 0.8);
}

TEST_CASE("evidence spans point at the original narrative", "[domain][screening]") {
    SECTION("every term reason of every sample slices to its term") {
        const auto cases =
            read_cases(std::string(CLUE_ROUTER_SOURCE_DIR) + "/tests/fixtures/clues.jsonl");
        for (const auto& c : cases) {
            const auto s = screen(c.clue, shipped(), kToday);
            for (const auto& g : s.groups) {
                for (const auto& r : g.reasons) {
                    if (r.kind != "term") continue;
                    REQUIRE(r.evidence);
                    REQUIRE(r.evidence->end <= c.clue.narrative.size());
                    const auto slice = c.clue.narrative.substr(r.evidence->begin,
                                                               r.evidence->end - r.evidence->begin);
                    std::string term = r.value;
                    if (!term.empty() && term.back() == '*') term.pop_back();
                    INFO(c.reference << " " << r.value);
                    CHECK(normalize(slice).starts_with(normalize(term)));
                }
            }
        }
    }
    SECTION("traditional and full-width text: spans in the original bytes") {
        const std::string text = "ＡＢ他說要殺了我";  // 2 full-width letters, 6 bytes
        const auto s = screen_text(text);
        REQUIRE(s.priority == Priority::urgent);
        const auto it = std::find_if(s.urgency_reasons.begin(), s.urgency_reasons.end(),
                                     [](const Reason& x) { return x.value == "杀了我"; });
        REQUIRE(it != s.urgency_reasons.end());
        const Reason& r = *it;
        REQUIRE(r.evidence);
        CHECK(text.substr(r.evidence->begin, r.evidence->end - r.evidence->begin) == "殺了我");
        CHECK(r.evidence->begin == 6 + 9);
    }
    SECTION("English in mixed case") {
        const std::string text = "Caller says: He BEAT ME yesterday.";
        const auto s = screen_text(text);
        REQUIRE(has_group(s, "crime_victim"));
        bool found = false;
        for (const auto& r : s.groups.at(0).reasons) {
            if (r.value == "beat me") {
                found = true;
                CHECK(text.substr(r.evidence->begin, r.evidence->end - r.evidence->begin) ==
                      "BEAT ME");
            }
        }
        CHECK(found);
    }
}

TEST_CASE("negated terms do not count and are listed", "[domain][screening]") {
    SECTION("zh") {
        for (const char* text : {"他没有打我，只是想咨询财产分割", "对方并未家暴，我们感情不和",
                                 "我不是家暴受害者，想问工伤赔偿", "他从来没有拿刀威胁过我"}) {
            INFO(text);
            const auto s = screen_text(text);
            CHECK(s.groups.empty());
            CHECK(s.priority != Priority::urgent);
            CHECK_FALSE(s.negated.empty());
        }
        const auto s = screen_text("他没有打我");
        REQUIRE(s.negated.size() == 1);
        CHECK(s.negated[0].kind == "negated");
        CHECK(s.negated[0].value == "打我");
        CHECK(s.negated[0].weight == 0);
        CHECK(s.negated[0].note == "negated by '没有'");
        CHECK(s.negated[0].evidence->begin == 9);
    }
    SECTION("en") {
        const auto s = screen_text("There was no violence. She asks about custody.");
        CHECK(s.groups.empty());
        REQUIRE_FALSE(s.negated.empty());
        CHECK(s.negated[0].value == "violence");
        CHECK(screen_text("He has never hit me").groups.empty());
    }
    SECTION("the negation's scope ends at punctuation, a terminator, or its window") {
        CHECK(has_group(screen_text("他没有钱，天天打我"), "crime_victim"));
        CHECK(has_group(screen_text("他没有工作但是天天打我"), "crime_victim"));
        CHECK(has_group(screen_text("He has no job but he beats me"), "crime_victim"));
        // Pseudo-negations: 没想到 and "not only" do not negate.
        CHECK(has_group(screen_text("没想到他会打我"), "crime_victim"));
        CHECK(has_group(screen_text("He not only beat me but also took my money"), "crime_victim"));
    }
    SECTION("with the small criteria: window counted in characters") {
        const auto c = small_criteria();
        CHECK(screen(narrative_clue("没有1234家暴"), c, kToday).groups.empty());
        CHECK(groups_of(screen(narrative_clue("没有12345家暴"), c, kToday)) ==
              std::set<std::string>{"crime_victim"});
        CHECK(screen(narrative_clue("no beat me"), c, kToday).groups.empty());
    }
}

TEST_CASE("normalisation: traditional characters, full-width forms, case", "[domain][screening]") {
    CHECK(groups_of(screen_text("我老公長期家暴我，我想起訴離婚")) ==
          std::set<std::string>{"crime_victim", "dv_divorce"});
    CHECK(groups_of(screen_text("ＨＥ　ＢＥＡＴＳ　ＭＥ")) ==
          std::set<std::string>{"crime_victim"});
    CHECK(groups_of(screen_text("DOMESTIC VIOLENCE")) == std::set<std::string>{"crime_victim"});
    CHECK(screen_text("他說要殺了我").priority == Priority::urgent);
    CHECK(screen_text("醫院說急需手術").priority == Priority::urgent);
}

TEST_CASE("urgency from the narrative, with its evidence", "[domain][screening]") {
    for (const char* text :
         {"他说要杀了我", "他掐住我的脖子", "他拿刀追着我", "医院说急需手术，家里拿不出钱",
          "He threatened to kill her", "he choked me", "虽然有保护令，他还是天天跟踪我"}) {
        INFO(text);
        const auto s = screen_text(text);
        CHECK(s.priority == Priority::urgent);
        REQUIRE_FALSE(s.urgency_reasons.empty());
        CHECK(s.urgency_reasons[0].kind == "term");
        CHECK(s.urgency_reasons[0].evidence.has_value());
    }
    // Stalking alone is not urgent; with a protection order it is.
    CHECK(screen_text("前夫天天跟踪我").priority != Priority::urgent);
}

TEST_CASE("the lexicon's rules, with small criteria", "[domain][screening]") {
    const auto c = small_criteria();
    SECTION("a set counts once, at its strongest term; other terms are listed at 0") {
        const auto s = screen(narrative_clue("家暴，打我，又打我"), c, kToday);
        REQUIRE(s.groups.size() == 1);
        CHECK(s.groups[0].score == 60);
        REQUIRE(s.groups[0].reasons.size() == 2);  // 打我 listed once
        CHECK(s.groups[0].reasons[0].value == "家暴");
        CHECK(s.groups[0].reasons[0].weight == 60);
        CHECK(s.groups[0].reasons[0].set == "crime_victim.dv");
        CHECK(s.groups[0].reasons[1].value == "打我");
        CHECK(s.groups[0].reasons[1].weight == 0);
        CHECK(s.priority == Priority::high);
    }
    SECTION("sets add up, capped at 100") {
        const auto s = screen(narrative_clue("家暴，他说要杀了我，打伤了"), c, kToday);
        CHECK(s.groups.at(0).score == 100);
        CHECK(s.priority == Priority::urgent);
    }
    SECTION("below match_threshold: a weak group, not a match") {
        const auto s = screen(narrative_clue("我报警了"), c, kToday);
        CHECK(s.groups.empty());
        REQUIRE(s.weak_groups.size() == 1);
        CHECK(s.weak_groups[0].group == "crime_victim");
        CHECK(s.weak_groups[0].score == 20);
        CHECK(s.priority == Priority::low);
    }
    SECTION("an indicator backs a group whatever its score") {
        auto clue = narrative_clue("我报警了");
        clue.indicators = {"domestic_violence"};
        const auto s = screen(clue, c, kToday);
        REQUIRE(s.groups.size() == 1);
        CHECK(s.groups[0].score == 90);
        CHECK(s.groups[0].reasons[0].kind == "indicator");
        CHECK(s.groups[0].reasons[1].kind == "term");
    }
    SECTION("requires: divorce counts only with violence, from a term or an indicator") {
        CHECK(screen(narrative_clue("我想离婚"), c, kToday).groups.empty());
        CHECK(groups_of(screen(narrative_clue("他打我，我想离婚"), c, kToday)) ==
              std::set<std::string>{"crime_victim", "dv_divorce"});
        auto clue = narrative_clue("我想离婚");
        clue.indicators = {"domestic_violence"};
        CHECK(groups_of(screen(clue, c, kToday)) ==
              std::set<std::string>{"crime_victim", "dv_divorce"});
        // A negated requirement does not hold.
        CHECK(screen(narrative_clue("他没有打我，我想离婚"), c, kToday).groups.empty());
    }
    SECTION("requires age:elderly") {
        CHECK(screen(narrative_clue("无人赡养", 50), c, kToday).groups.empty());
        const auto s = screen(narrative_clue("无人赡养", 70), c, kToday);
        REQUIRE(groups_of(s) == std::set<std::string>{"elderly_unsupported"});
        CHECK(s.groups[0].score == 70);  // 60 + age 10
        CHECK(s.groups[0].reasons.back().kind == "age");
    }
    SECTION("unless: harm to the breadwinner is not the woman's own") {
        CHECK(groups_of(screen(narrative_clue("他被人打伤"), c, kToday)) ==
              std::set<std::string>{"crime_victim"});
        CHECK(groups_of(screen(narrative_clue("丈夫被人打伤后被害身亡"), c, kToday)) ==
              std::set<std::string>{"lost_breadwinner"});
    }
    SECTION("exclude_near: someone else's illness") {
        CHECK(groups_of(screen(narrative_clue("我瘫痪三年"), c, kToday)) ==
              std::set<std::string>{"illness_disability"});
        CHECK(screen(narrative_clue("照顾瘫痪的婆婆"), c, kToday).groups.empty());
        CHECK(screen(narrative_clue("婆婆瘫痪"), c, kToday).groups.empty());
        // Another clause is out of reach.
        CHECK(groups_of(screen(narrative_clue("婆婆走了。瘫痪"), c, kToday)) ==
              std::set<std::string>{"illness_disability"});
    }
    SECTION("urgent_when") {
        CHECK(screen(narrative_clue("他跟踪我"), c, kToday).priority != Priority::urgent);
        const auto s = screen(narrative_clue("有保护令他还跟踪我"), c, kToday);
        CHECK(s.priority == Priority::urgent);
        REQUIRE(s.urgency_reasons.size() == 1);
        CHECK(s.urgency_reasons[0].value == "跟踪");
        CHECK(s.urgency_reasons[0].set == "crime_victim.stalking");
    }
    SECTION("prefix terms and rural strengthening") {
        CHECK(groups_of(screen(narrative_clue("he is abusive"), c, kToday)) ==
              std::set<std::string>{"crime_victim"});
        const auto s = screen(narrative_clue("我家是低保", 40, true), c, kToday);
        CHECK(s.groups.at(0).score == 70);
        CHECK(s.groups.at(0).reasons.back().kind == "rural");
    }
    SECTION("aggravating indicators strengthen narrative matches") {
        auto clue = narrative_clue("丈夫被害身亡");
        clue.indicators = {"raising_minors"};
        const auto s = screen(clue, c, kToday);
        CHECK(s.groups.at(0).score == 80);
    }
    SECTION("invalid UTF-8 in a narrative does not throw") {
        REQUIRE_NOTHROW(screen(narrative_clue(std::string("\xFF\xFE家暴\xC0")), c, kToday));
        CHECK(groups_of(screen(narrative_clue(std::string("\xFF家暴")), c, kToday)) ==
              std::set<std::string>{"crime_victim"});
    }
}

TEST_CASE("screening is deterministic and the criteria are shareable", "[domain][screening]") {
    const auto cases =
        read_cases(std::string(CLUE_ROUTER_SOURCE_DIR) + "/tests/fixtures/clues.jsonl");
    const Criteria copy = shipped();  // copies share the compiled lexicon
    CHECK(copy.lexicon.get() == shipped().lexicon.get());
    std::vector<std::string> first;
    for (const auto& c : cases) first.push_back(to_json(screen(c.clue, shipped(), kToday)).dump());
    std::vector<std::string> a;
    std::vector<std::string> b;
    std::thread ta([&] {
        for (const auto& c : cases) a.push_back(to_json(screen(c.clue, copy, kToday)).dump());
    });
    std::thread tb([&] {
        for (const auto& c : cases) b.push_back(to_json(screen(c.clue, shipped(), kToday)).dump());
    });
    ta.join();
    tb.join();
    CHECK(a == first);
    CHECK(b == first);
    // Re-parsing the same document yields the same results.
    auto again =
        parse_criteria(read_json(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json"));
    REQUIRE(again);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        CHECK(to_json(screen(cases[i].clue, *again, kToday)).dump() == first[i]);
    }
}

TEST_CASE("malformed criteria are refused with a message naming the place", "[domain][screening]") {
    auto doc = small_criteria_doc();
    auto& dv = doc["lexicon"]["crime_victim"]["dv"];
    SECTION("broken JSON") {
        const auto broken = json::parse(R"({"version": "x", "lexicon": {)", nullptr, false);
        REQUIRE(broken.is_discarded());
        CHECK_THAT(refusal(broken), Contains("criteria: must be an object"));
    }
    SECTION("unknown key group") {
        doc["lexicon"]["bad_luck"] = {{"s", {{"zh", {{"倒霉", 10}}}}}};
        CHECK(refusal(doc) == "lexicon: unknown key group 'bad_luck'");
    }
    SECTION("negative, zero, too large and non-integer weights") {
        for (const auto& w : {json(-5), json(0), json(101), json(50.5), json("50")}) {
            auto d = doc;
            d["lexicon"]["crime_victim"]["dv"]["zh"]["家暴"] = w;
            CHECK_THAT(refusal(d), Contains("lexicon.crime_victim.dv.zh: term '家暴': weight must "
                                            "be an integer 1-100"));
        }
    }
    SECTION("duplicate term") {
        doc["lexicon"]["crime_victim"]["harm"]["zh"]["家暴"] = 30;
        CHECK_THAT(refusal(doc), Contains("lexicon.crime_victim.harm.zh: duplicate term '家暴' "
                                          "(same as '家暴' in lexicon.crime_victim.dv.zh)"));
    }
    SECTION("duplicate after normalisation: traditional, full-width, case") {
        auto d1 = doc;
        d1["lexicon"]["crime_victim"]["dv"]["zh"]["殺了我"] = 30;
        d1["lexicon"]["crime_victim"]["threats"]["zh"]["殺了我"] = 60;
        CHECK_THAT(refusal(d1), Contains("duplicate term"));
        auto d2 = doc;
        d2["lexicon"]["crime_victim"]["dv"]["en"]["BEAT ME"] = 30;
        CHECK_THAT(refusal(d2), Contains("lexicon.crime_victim.dv.en: duplicate term") &&
                                    Contains("'BEAT ME'") && Contains("'beat me'"));
        auto d3 = doc;
        d3["lexicon"]["crime_victim"]["dv"]["zh"]["ｂｅａｔ ｍｅ"] = 30;
        CHECK_THAT(refusal(d3), Contains("duplicate term") && Contains("'ｂｅａｔ ｍｅ'"));
        auto d4 = doc;
        d4["negation"]["cues"]["zh"].push_back("沒有");
        CHECK_THAT(refusal(d4), Contains("negation.cues.zh: duplicate term '沒有'"));
    }
    SECTION("the same term in two groups is allowed") {
        doc["lexicon"]["dv_divorce"]["divorce"]["zh"]["家暴"] = 10;
        CHECK(parse_criteria(doc).has_value());
    }
    SECTION("empty and blank terms") {
        dv["zh"][""] = 10;
        CHECK_THAT(refusal(doc), Contains("lexicon.crime_victim.dv.zh: empty term"));
        auto d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["dv"]["zh"]["　"] = 10;  // an ideographic space
        CHECK_THAT(refusal(d), Contains("lexicon.crime_victim.dv.zh: empty term"));
        auto e = small_criteria_doc();
        e["lexicon"]["crime_victim"]["dv"]["en"][" beat"] = 10;
        CHECK_THAT(refusal(e), Contains("begins or ends with a space"));
        auto f = small_criteria_doc();
        f["cues"]["kin"]["zh"].push_back("");
        CHECK_THAT(refusal(f), Contains("cues.kin.zh: empty term"));
    }
    SECTION("unknown members") {
        dv["urgnet"] = true;
        CHECK(refusal(doc) == "lexicon.crime_victim.dv: unknown member 'urgnet'");
        auto d = small_criteria_doc();
        d["lexcion"] = json::object();
        CHECK_THAT(refusal(d), Contains("criteria: unknown member 'lexcion'"));
        auto n = small_criteria_doc();
        n["negation"]["window"] = 5;
        CHECK_THAT(refusal(n), Contains("negation: unknown member 'window'"));
        auto l = small_criteria_doc();
        l["lexicon"]["crime_victim"]["dv"]["fr"] = json::object();
        CHECK_THAT(refusal(l), Contains("lexicon.crime_victim.dv: unknown member 'fr'"));
    }
    SECTION("broken shapes and references") {
        auto d = doc;
        d["lexicon"]["crime_victim"]["dv"]["zh"] = json::array({"家暴"});
        CHECK_THAT(refusal(d), Contains("lexicon.crime_victim.dv.zh: must be an object"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["dv"] = json::object();
        CHECK_THAT(refusal(d), Contains("lexicon.crime_victim.dv: has no terms"));
        d = small_criteria_doc();
        d["lexicon"]["dv_divorce"]["divorce"]["requires"] = {"set:crime_victim.nope"};
        CHECK_THAT(refusal(d), Contains("lexicon.dv_divorce.divorce.requires: unknown set "
                                        "'crime_victim.nope'"));
        d = small_criteria_doc();
        d["lexicon"]["dv_divorce"]["divorce"]["requires"] = {"crime_victim.dv"};
        CHECK_THAT(refusal(d), Contains("is not set:<group>.<set>"));
        d = small_criteria_doc();
        d["lexicon"]["dv_divorce"]["divorce"]["requires"] = {"indicator:bad_luck"};
        CHECK_THAT(refusal(d), Contains("unknown indicator 'bad_luck'"));
        d = small_criteria_doc();
        d["lexicon"]["illness_disability"]["disability"]["exclude_near"][0]["cue"] = "nope";
        CHECK_THAT(refusal(d), Contains("exclude_near: unknown cue list 'nope'"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["harm"]["unless"] = {"crime_victim"};
        CHECK_THAT(refusal(d), Contains("cannot be conditional on its own group"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["harm"]["unless"] = {"x"};
        CHECK_THAT(refusal(d), Contains("lexicon.crime_victim.harm.unless: unknown key group"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["dv"]["en"]["家暴啊"] = 10;
        CHECK_THAT(refusal(d), Contains("must be ASCII"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"]["dv"]["zh"]["家*"] = 10;
        CHECK_THAT(refusal(d), Contains("a prefix '*' must follow a letter or digit"));
        d = small_criteria_doc();
        d["negation"]["window_zh"] = 51;
        CHECK_THAT(refusal(d), Contains("negation.window_zh: must be an integer 0-50"));
        d = small_criteria_doc();
        d["match_threshold"] = 0;
        CHECK_THAT(refusal(d), Contains("match_threshold: must be an integer 1-100"));
        d = small_criteria_doc();
        d["lexicon"]["crime_victim"] = json::array();
        CHECK_THAT(refusal(d), Contains("lexicon.crime_victim: must be an object"));
    }
}
