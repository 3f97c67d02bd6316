// The pure rules of a case: how screenings merge, how priorities combine, and when two cases
// are one woman's.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/domain/case.hpp"

using namespace clue_router::domain;

namespace {

Reason reason(std::string kind, std::string value, int weight) {
    return Reason{std::move(kind), std::move(value), weight, std::nullopt, {}, {}};
}

Screening screening(Priority priority, int score, std::vector<GroupMatch> groups,
                    std::string version = "v1") {
    Screening s;
    s.priority = priority;
    s.score = score;
    s.groups = std::move(groups);
    s.criteria_version = std::move(version);
    return s;
}

std::vector<std::string> group_ids(const std::vector<GroupMatch>& groups) {
    std::vector<std::string> out;
    for (const auto& g : groups) out.push_back(g.group);
    return out;
}

CaseIdentity identity(std::string id, std::vector<CaseIdentifier> identifiers) {
    return CaseIdentity{std::move(id), std::move(identifiers)};
}

}  // namespace

TEST_CASE("merged screenings unite key groups and never lower the priority", "[domain][case]") {
    const auto violence =
        screening(Priority::urgent, 90,
                  {{"crime_victim", 90, {reason("indicator", "domestic_violence", 70)}}}, "v1");
    const auto poverty = screening(
        Priority::normal, 45,
        {{"rural_poverty_risk", 45, {reason("indicator", "minimum_living_allowance", 35)}},
         {"crime_victim", 30, {reason("term", "打我", 30)}}},
        "v2");

    const auto merged = merge_screenings(violence, poverty);
    CHECK(merged.priority == Priority::urgent);  // a normal report does not lower an urgent case
    CHECK(merged.score == 90);
    CHECK(group_ids(merged.groups) ==
          std::vector<std::string>{"crime_victim", "rural_poverty_risk"});
    // A group in both keeps the higher score and the reasons of both, as they were.
    REQUIRE(merged.groups[0].reasons.size() == 2);
    CHECK(merged.groups[0].score == 90);
    CHECK(merged.groups[0].reasons[1].value == "打我");
    CHECK(merged.criteria_version == "v2");

    // The other way round: the priority rises, the groups are the same.
    const auto reverse = merge_screenings(poverty, violence);
    CHECK(reverse.priority == Priority::urgent);
    CHECK(group_ids(reverse.groups) == group_ids(merged.groups));
}

TEST_CASE("a weak group the other screening matched is no longer weak", "[domain][case]") {
    auto a = screening(Priority::low, 10, {});
    a.weak_groups = {{"illness_disability", 10, {reason("term", "生病", 10)}},
                     {"elderly_unsupported", 5, {}}};
    a.negated = {reason("negated", "家暴", 0)};
    auto b = screening(Priority::high, 70, {{"illness_disability", 70, {}}});
    b.urgency_reasons = {reason("indicator", "urgent_medical", 0)};

    const auto merged = merge_screenings(a, b);
    CHECK(group_ids(merged.groups) == std::vector<std::string>{"illness_disability"});
    CHECK(group_ids(merged.weak_groups) == std::vector<std::string>{"elderly_unsupported"});
    CHECK(merged.negated.size() == 1);
    CHECK(merged.urgency_reasons.size() == 1);
    CHECK(merged.priority == Priority::high);
}

TEST_CASE("merging round-trips through the stored form", "[domain][case]") {
    auto s = screening(Priority::high, 60,
                       {{"crime_victim", 60, {reason("indicator", "domestic_violence", 60)}}});
    s.groups[0].reasons.push_back(
        Reason{"term", "打我", 20, Evidence{3, 9}, "crime_victim.x", "n"});
    const auto stored = to_json(s);
    CHECK(to_json(screening_from_json(stored)) == stored);
    // Rows written before a list existed read as empty.
    nlohmann::json old = stored;
    old.erase("weak_groups");
    old.erase("negated");
    CHECK(screening_from_json(old).weak_groups.empty());
    CHECK_THROWS_AS(screening_from_json(nlohmann::json{{"score", "high"}}), std::invalid_argument);
}

TEST_CASE("priorities combine upwards", "[domain][case]") {
    CHECK(higher(Priority::low, Priority::urgent) == Priority::urgent);
    CHECK(higher(Priority::high, Priority::normal) == Priority::high);
    CHECK(higher(Priority::normal, Priority::normal) == Priority::normal);
}

TEST_CASE("two open cases are one woman's when an identifier matches and nothing says not",
          "[domain][case]") {
    const CaseIdentifier id_a{"id_number", "d-id-a"};
    const CaseIdentifier id_b{"id_number", "d-id-b"};
    const CaseIdentifier phone{"phone", "d-phone"};
    const CaseIdentifier other_phone{"phone", "d-phone-2"};

    SECTION("the same ID number") {
        CHECK(belong_together(identity("x", {id_a, phone}), identity("y", {id_a}), false));
    }
    SECTION("the same phone, one side without an ID number") {
        CHECK(belong_together(identity("x", {phone}), identity("y", {id_a, phone}), false));
    }
    SECTION("the same phone, different ID numbers: two women sharing a phone") {
        CHECK(id_numbers_conflict(identity("x", {id_a, phone}), identity("y", {id_b, phone})));
        CHECK_FALSE(
            belong_together(identity("x", {id_a, phone}), identity("y", {id_b, phone}), false));
    }
    SECTION("a case holding two ID numbers shares one: no conflict") {
        CHECK_FALSE(
            id_numbers_conflict(identity("x", {id_a, id_b}), identity("y", {id_b, other_phone})));
    }
    SECTION("nothing shared") {
        CHECK_FALSE(belong_together(identity("x", {id_a}), identity("y", {other_phone}), false));
    }
    SECTION("separated by hand") {
        CHECK_FALSE(belong_together(identity("x", {id_a}), identity("y", {id_a}), true));
    }
}

TEST_CASE("case status names round-trip", "[domain][case]") {
    for (auto s : {CaseStatus::open, CaseStatus::closed, CaseStatus::merged}) {
        CHECK(parse_case_status(to_string(s)) == s);
    }
    CHECK_FALSE(parse_case_status("answered"));
}
