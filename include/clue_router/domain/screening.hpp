#pragma once
// Screening: a pure function of (clue, criteria, today) → score, priority, matched key
// groups and the reasons for each (DESIGN §4). It reads the structured indicators and the
// free-text narrative: the criteria's lexicon is compiled once into an Aho-Corasick
// automaton and the normalised narrative is scanned in one pass. The criteria format and
// the scoring rules are set out above parse_criteria and screen below.
#include <cstdint>
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
    std::string kind;   // "indicator", "term", "age", "rural"; "negated" in Screening::negated
    std::string value;  // the indicator id, the lexicon term as written in the criteria, …
    int weight = 0;     // what it added to the group's score (0: corroborates only)
    std::optional<Evidence> evidence;  // terms: bytes of the ORIGINAL narrative
    std::string set{};                 // terms: the lexicon set, "crime_victim.threats"
    std::string note{};                // e.g. "negated by '没有'"
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
    // Narrative evidence that did not count, kept so that staff can disagree: terms under a
    // negation ("没有家暴"), and groups whose narrative score stayed below the criteria's
    // match_threshold (strongest first).
    std::vector<Reason> negated;
    std::vector<GroupMatch> weak_groups;
};

nlohmann::json to_json(const Screening& s);
// Reads what to_json wrote (stored screenings); lists missing from older rows are empty.
// Throws std::invalid_argument when it cannot.
Screening screening_from_json(const nlohmann::json& j);

// Criteria: loaded from config/criteria.json, immutable once built.
struct IndicatorRule {
    std::vector<std::pair<std::string, int>> groups;  // key group → weight
    bool urgent = false;                              // ticking it alone means danger now
    // Strengthens only groups that another indicator already matched: raising minors is
    // a reason to help a woman who lost her breadwinner, not a key group of its own.
    bool aggravating = false;
};

// The narrative side of the criteria. A lexicon is made of *sets* of terms, each set in one
// key group ("crime_victim.threats"). A set counts once per clue, at its strongest matched
// term; it can be conditional (requires / unless / exclude_near) and can make a clue urgent.
struct LexiconTerm {
    std::string text;        // as written in the criteria (reported in reasons)
    std::string normalized;  // as matched
    std::string lang;        // "zh" or "en"
    int weight = 0;          // 1-100
    bool prefix = false;     // written with a trailing '*': no word boundary after it
};

struct Proximity {        // "not within `before` characters before or `after` characters after"
    std::size_t cue = 0;  // index into Lexicon::cues
    int before = 0;       // in code points, within the same clause
    int after = 0;
};

struct Requirement {  // one alternative of a set's `requires` (any of them suffices)
    enum class Kind { set, cue, indicator, elderly_age } kind = Kind::set;
    std::size_t index = 0;  // into Lexicon::sets or Lexicon::cues
    std::string id;         // the indicator id, or the reference as written
};

struct LexiconSet {
    std::string group;                     // a key-group id
    std::string name;                      // unique within the group
    bool urgent = false;                   // counting makes the clue urgent
    std::vector<Requirement> urgent_when;  // … or only when one of these holds
    std::vector<Requirement> required;     // any of; empty: unconditional
    std::vector<std::string> unless;       // key groups: the set does not count if one matched
    std::vector<Proximity> exclude_near;
    std::vector<LexiconTerm> terms;
    std::string id() const { return group + "." + name; }
};

struct CueSet {  // terms that score nothing and serve as conditions ("cue:pregnancy")
    std::string name;
    std::vector<LexiconTerm> terms;  // weight 0
};

struct NegationRules {
    std::vector<LexiconTerm> cues;         // 没有, 并未, not, never …
    std::vector<LexiconTerm> pseudo;       // look like cues but do not negate: 没想到, not only
    std::vector<LexiconTerm> terminators;  // end a negation's scope: 但是, but
    int window_zh = 5;                     // code points between a CJK cue and the term it negates
    int window_en = 20;                    // code points between an English cue and the term
};

class TermMatcher;

// Immutable once parsed; shared by every copy of the Criteria and safe across threads.
struct Lexicon {
    std::vector<LexiconSet> sets;  // by group id, then set name
    std::vector<CueSet> cues;      // by name
    NegationRules negation;
    // The compiled automaton over every distinct normalised term, cue, pseudo-cue and
    // terminator; roles[pattern] says what each pattern is.
    struct Role {
        enum class Kind { term, cue, negation, pseudo, terminator } kind = Kind::term;
        std::uint32_t owner = 0;  // set or cue-set index (term, cue)
        std::uint32_t term = 0;   // index within the owner
    };
    std::vector<std::vector<Role>> roles;
    std::shared_ptr<const TermMatcher> matcher;
    std::size_t term_count() const;
};

// A region whose circumstances strengthen a group already matched, e.g. the counties named
// for priority help under rural revitalisation strengthening rural_poverty_risk. `region` is
// a prefix of the subject's code: 2 digits (province), 4 (prefecture) or 6 (county).
struct RegionEffect {
    std::string region;
    std::string group;
    int weight = 0;
    std::string note;  // why, shown in the reason
};

struct Criteria {
    std::string version;
    std::map<std::string, IndicatorRule> indicators;  // indicator id → rule
    int elderly_age = 60;
    int age_weight = 10;  // added to elderly_unsupported when it is matched and age ≥ elderly_age
    int rural_weight = 10;  // added to rural_poverty_risk when it is matched and rural is set
    std::vector<RegionEffect> region_effects;
    int high_threshold = 60;    // score at or above → high
    int normal_threshold = 30;  // score at or above → normal, below → low
    // A group backed only by the narrative (no indicator) is matched when its score reaches
    // this; below it, it is reported in Screening::weak_groups.
    int match_threshold = 1;
    std::shared_ptr<const Lexicon> lexicon;  // null: indicators only
};

// Validates the criteria document: known indicator and group ids, weights 1-100,
// thresholds in order, a well-formed lexicon (no empty or duplicate terms — duplicates are
// judged after normalisation — known references, windows in range). Errors name the place
// ("indicators.trafficking.groups: unknown key group 'x'", "lexicon.crime_victim.threats.zh:
// duplicate term '殺了我' (same as '杀了我' in lexicon.crime_victim.threats)"). Compiles the
// automaton, so build a Criteria once and share it.
//
// The document (config/criteria.json); members other than these are refused:
//   adjustments {age_weight, rural_weight} and region_effects [{region: 2/4/6-digit prefix,
//   group, weight, note}] (both optional, both strengthen only groups already matched),
//   version, elderly_age, thresholds {high, normal}, indicators {id: {groups, urgent,
//   aggravating}}                                          as in the first version;
//   match_threshold  1-100, optional (default 1);
//   negation    {window_zh, window_en, cues, pseudo, terminators}, each list {zh: [..], en: [..]};
//   cues        {name: {zh: [..], en: [..]}}               condition-only term lists;
//   lexicon     {group: {set: {zh: {term: weight}, en: {term: weight},
//                              urgent: bool, urgent_when: [ref], requires: [ref],
//                              unless: [group],
//                              exclude_near: [{cue, before, after}]}}}
// where ref is "set:<group>.<set>", "cue:<name>", "indicator:<id>" or "age:elderly".
// en terms are ASCII; a term ending in '*' after a letter is a prefix ("traffick*").
Expected<Criteria, std::string> parse_criteria(const nlohmann::json& doc);

// The rules, in order:
//  1. The narrative is normalised (text_normalizer) and scanned once. A term or cue does not
//     count when a negation cue ends at most `window_*` code points before it, in the same
//     clause (no , . ; : ! ? 。 … newline and no terminator between), unless that cue lies
//     inside a pseudo-cue. Negated terms are listed in Screening::negated (weight 0).
//  2. A set's hit is dropped when a hit of an exclude_near cue overlaps it or lies within
//     `before` characters before it or `after` characters after it in the same clause
//     (瘫痪的婆婆: the illness is the mother-in-law's), and when it lies strictly inside a
//     longer surviving hit of any set (longest match wins: "打死" in "被人打死"). A set
//     *fires* when a hit survives 1 and 2.
//  3. Indicators (not aggravating) add their weights. A fired set whose `requires` holds
//     (any one reference: a fired set, a cue that survives negation, a ticked indicator, or
//     the subject's age reaching elderly_age) adds its strongest matched term's weight, once;
//     its other terms are listed with weight 0. Sets with `unless` are decided afterwards:
//     they do not count when one of the listed groups was already matched.
//  4. A group is matched when an indicator backs it or its score reaches match_threshold;
//     otherwise it goes to weak_groups. Aggravating indicators, age (elderly_unsupported
//     matched, or elderly_no_support ticked) and rural (rural_poverty_risk matched) then
//     add their weights to matched groups. Scores are sums capped at 100.
//  5. Urgent: an urgent indicator is ticked, or an urgent set counted in 3 (its terms are the
//     urgency reasons, with their evidence); a set with urgent_when is urgent when one of
//     those references holds (stalking, when a protection order is mentioned). Otherwise
//     high/normal/low by the thresholds on the strongest matched group.
// Deterministic: indicators in id order, terms by position, groups by score then id.
Screening screen(const Clue& clue, const Criteria& criteria, CivilDate today);

}  // namespace clue_router::domain
