// The criteria example in docs/configuration.md is a document the service loads, and screens
// with as the page says: people copy examples, so an example that no longer parses is a bug.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"

using namespace clue_router::domain;

namespace {

// The first ```json block after `heading` in the page.
nlohmann::json json_block_after(const std::string& page, const std::string& heading) {
    std::ifstream in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/" + page);
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    const auto at = s.find(heading);
    REQUIRE(at != std::string::npos);
    const std::string open = "```json\n";
    const auto begin = s.find(open, at);
    REQUIRE(begin != std::string::npos);
    const auto end = s.find("```", begin + open.size());
    REQUIRE(end != std::string::npos);
    return nlohmann::json::parse(s.substr(begin + open.size(), end - begin - open.size()));
}

Clue clue(std::string narrative, std::vector<std::string> indicators = {}) {
    Clue c;
    c.subject.region = "511722";
    c.subject.rural = true;
    c.subject.age = 45;
    c.indicators = std::move(indicators);
    c.narrative = std::move(narrative);
    return c;
}

}  // namespace

TEST_CASE("docs/configuration.md: the criteria example loads and screens as described",
          "[app][docs]") {
    const auto doc = json_block_after("docs/configuration.md", "### The document");
    const auto criteria = parse_criteria(doc);
    INFO((criteria ? std::string() : criteria.error()));
    REQUIRE(criteria);
    CHECK(criteria->version == "2026.12-example-1");
    const CivilDate today{2026, 12, 1};

    // The README's clue: strangulation makes it urgent, from the narrative alone.
    const auto urgent =
        screen(clue("我丈夫经常喝酒后打我，昨晚掐住我的脖子说要杀了我。"), *criteria, today);
    CHECK(urgent.priority == Priority::urgent);
    REQUIRE_FALSE(urgent.groups.empty());
    CHECK(urgent.groups[0].group == "crime_victim");

    // A negation: nothing counts.
    const auto negated = screen(clue("他没有打我。"), *criteria, today);
    CHECK(negated.groups.empty());
    CHECK_FALSE(negated.negated.empty());

    // Divorce counts only with a sign of violence (requires).
    const auto divorce = screen(clue("我想离婚。"), *criteria, today);
    CHECK(divorce.groups.empty());
    const auto dv_divorce = screen(clue("他家暴，我想离婚。"), *criteria, today);
    bool has_dv_divorce = false;
    for (const auto& g : dv_divorce.groups) has_dv_divorce |= g.group == "dv_divorce";
    CHECK(has_dv_divorce);

    // Stalking is urgent only with a protection order (urgent_when).
    CHECK(screen(clue("他一直跟踪我。"), *criteria, today).priority != Priority::urgent);
    CHECK(screen(clue("法院发了保护令，他还一直跟踪我。"), *criteria, today).priority ==
          Priority::urgent);

    // The mother-in-law's illness is not hers (exclude_near).
    CHECK(screen(clue("婆婆瘫痪在床。"), *criteria, today).groups.empty());
    const auto ill = screen(clue("我瘫痪在床。"), *criteria, today);
    REQUIRE(ill.groups.size() == 1);
    CHECK(ill.groups[0].group == "illness_disability");

    // The rural flag and the region effect strengthen a matched group, the effect with its
    // note.
    const auto poor = screen(clue("", {"poverty_relapse_risk"}), *criteria, today);
    REQUIRE(poor.groups.size() == 1);
    CHECK(poor.groups[0].score == 90);
    CHECK(poor.groups[0].reasons.back().kind == "region");
    CHECK(poor.groups[0].reasons.back().note ==
          "a county named for priority help under rural revitalisation");

    // An aggravating indicator strengthens only a group already matched.
    const auto alone = screen(clue("", {"raising_minors"}), *criteria, today);
    CHECK(alone.groups.empty());
    const auto lost = screen(clue("", {"breadwinner_killed", "raising_minors"}), *criteria, today);
    REQUIRE(lost.groups.size() == 1);
    CHECK(lost.groups[0].score == 95);
}
