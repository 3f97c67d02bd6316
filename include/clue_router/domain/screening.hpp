#pragma once
// Screening: a pure function of (clue, criteria, today) → score, priority, matched key
// groups and the reasons for each (DESIGN §4). This first version reads structured
// indicators only; the screening issue grows it with a narrative lexicon behind the same
// types.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

enum class Priority { low, normal, high, urgent };
std::string_view to_string(Priority p);
std::optional<Priority> parse_priority(std::string_view text);

struct Evidence {  // a span of the narrative, in bytes of its UTF-8 text
    std::size_t begin = 0;
    std::size_t end = 0;
};

struct Reason {
    std::string kind;   // "indicator", "term", "age", "rural"
    std::string value;  // the indicator id, the lexicon term, "age>=60", …
    int weight = 0;
    std::optional<Evidence> evidence;
};

struct GroupMatch {
    std::string group;  // a key-group id
    int score = 0;      // 0-100
    std::vector<Reason> reasons;
};

struct Screening {
    int score = 0;  // 0-100, the strongest group's score
    Priority priority = Priority::low;
    std::vector<GroupMatch> groups;       // matched groups, strongest first
    std::vector<Reason> urgency_reasons;  // why it is urgent, when it is
    std::string criteria_version;
};

nlohmann::json to_json(const Screening& s);

// Criteria: loaded from config/criteria.json, immutable once built.
struct IndicatorRule {
    std::vector<std::pair<std::string, int>> groups;  // key group → weight
    bool urgent = false;                              // ticking it alone means danger now
    // Strengthens only groups that another indicator already matched: raising minors is
    // a reason to help a woman who lost her breadwinner, not a key group of its own.
    bool aggravating = false;
};

struct Criteria {
    std::string version;
    std::map<std::string, IndicatorRule> indicators;  // indicator id → rule
    int elderly_age = 60;
    int high_threshold = 60;    // score at or above → high
    int normal_threshold = 30;  // score at or above → normal, below → low
};

// Validates the criteria document: known indicator and group ids, weights 1-100,
// thresholds in order. Errors name the place ("indicators.trafficking.groups: unknown key
// group 'x'").
Expected<Criteria, std::string> parse_criteria(const nlohmann::json& doc);

Screening screen(const Clue& clue, const Criteria& criteria, CivilDate today);

}  // namespace clue_router::domain
