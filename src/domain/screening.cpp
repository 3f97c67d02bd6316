#include "clue_router/domain/screening.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "clue_router/domain/term_matcher.hpp"
#include "clue_router/domain/text_normalizer.hpp"
#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;
using namespace std::string_view_literals;

constexpr std::array kPriorities{"low"sv, "normal"sv, "high"sv, "urgent"sv};

// Fixed weights for the two reasons that do not come from an indicator or the narrative.
// They only ever strengthen a group that something else already matched.
constexpr int kMaxScore = 100;
constexpr int kMaxWindow = 50;

constexpr std::string_view kElderlyGroup = "elderly_unsupported";
constexpr std::string_view kElderlyIndicator = "elderly_no_support";
constexpr std::string_view kRuralGroup = "rural_poverty_risk";

json to_json(const Reason& r) {
    json j{{"kind", r.kind}, {"value", r.value}, {"weight", r.weight}};
    if (r.evidence) j["evidence"] = {{"begin", r.evidence->begin}, {"end", r.evidence->end}};
    if (!r.set.empty()) j["set"] = r.set;
    if (!r.note.empty()) j["note"] = r.note;
    return j;
}

json to_json(const std::vector<Reason>& reasons) {
    json arr = json::array();
    for (const auto& r : reasons) arr.push_back(to_json(r));
    return arr;
}

json to_json(const std::vector<GroupMatch>& groups) {
    json arr = json::array();
    for (const auto& g : groups) {
        arr.push_back({{"group", g.group}, {"score", g.score}, {"reasons", to_json(g.reasons)}});
    }
    return arr;
}

// Integers only: 60.5 or true as a weight is a mistake in the file, not a value to round.
std::optional<std::int64_t> as_integer(const json& j) {
    if (j.is_number_integer()) {
        if (j.is_number_unsigned()) {
            auto u = j.get<std::uint64_t>();
            if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                return std::nullopt;
            return static_cast<std::int64_t>(u);
        }
        return j.get<std::int64_t>();
    }
    return std::nullopt;
}

// Rejects any member not in `allowed`: a typo such as "urgnet" would otherwise silently
// turn an urgent rule into a non-urgent one.
std::optional<std::string> unknown_member(const json& obj, std::string_view place,
                                          std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : obj.items()) {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return std::string(place) + ": unknown member '" + key + "'";
        }
    }
    return std::nullopt;
}

Expected<IndicatorRule, std::string> parse_rule(const json& doc, const std::string& place) {
    if (!doc.is_object()) return unexpected(place + ": must be an object");
    if (auto e = unknown_member(doc, place, {"groups", "urgent", "aggravating"}))
        return unexpected(*e);
    IndicatorRule rule;
    auto groups = doc.find("groups");
    if (groups == doc.end()) return unexpected(place + ".groups: is required");
    if (!groups->is_object()) return unexpected(place + ".groups: must be an object");
    for (const auto& [group, weight] : groups->items()) {
        if (!vocabulary::is_key_group(group)) {
            return unexpected(place + ".groups: unknown key group '" + group + "'");
        }
        auto w = as_integer(weight);
        if (!w || *w < 1 || *w > kMaxScore) {
            return unexpected(place + ".groups." + group + ": weight must be an integer 1-100");
        }
        rule.groups.emplace_back(group, static_cast<int>(*w));
    }
    if (auto urgent = doc.find("urgent"); urgent != doc.end()) {
        if (!urgent->is_boolean()) return unexpected(place + ".urgent: must be a boolean");
        rule.urgent = urgent->get<bool>();
    }
    if (auto aggravating = doc.find("aggravating"); aggravating != doc.end()) {
        if (!aggravating->is_boolean()) {
            return unexpected(place + ".aggravating: must be a boolean");
        }
        rule.aggravating = aggravating->get<bool>();
    }
    return rule;
}

Expected<std::pair<int, int>, std::string> parse_thresholds(const json& doc) {
    if (!doc.is_object()) return unexpected(std::string("thresholds: must be an object"));
    if (auto e = unknown_member(doc, "thresholds", {"high", "normal"})) return unexpected(*e);
    std::array<std::int64_t, 2> values{};
    std::array<std::string_view, 2> names{"high", "normal"};
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto it = doc.find(names[i]);
        if (it == doc.end()) {
            return unexpected("thresholds." + std::string(names[i]) + ": is required");
        }
        auto v = as_integer(*it);
        if (!v) return unexpected("thresholds." + std::string(names[i]) + ": must be an integer");
        values[i] = *v;
    }
    auto [high, normal] = values;
    if (!(0 < normal && normal < high && high <= kMaxScore)) {
        return unexpected(std::string("thresholds: must satisfy 0 < normal < high <= 100"));
    }
    return std::pair{static_cast<int>(high), static_cast<int>(normal)};
}

// ---- lexicon parsing -------------------------------------------------------------------

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Reads one term: non-empty, no surrounding space, en terms ASCII, an optional trailing '*'
// (prefix) after a letter or digit.
Expected<LexiconTerm, std::string> parse_term(const std::string& written, const std::string& lang,
                                              int weight, const std::string& place) {
    LexiconTerm t;
    t.text = written;
    t.lang = lang;
    t.weight = weight;
    std::string body = written;
    if (!body.empty() && body.back() == '*') {
        body.pop_back();
        if (body.empty() || !is_ascii_alnum(body.back())) {
            return unexpected(place + ": term '" + written +
                              "': a prefix '*' must follow a letter or digit");
        }
        t.prefix = true;
    }
    t.normalized = normalize(body);
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    if (t.normalized.empty() || std::all_of(t.normalized.begin(), t.normalized.end(), blank)) {
        return unexpected(place + ": empty term");
    }
    if (blank(t.normalized.front()) || blank(t.normalized.back())) {
        return unexpected(place + ": term '" + written + "' begins or ends with a space");
    }
    if (t.normalized.find("\xEF\xBF\xBD") != std::string::npos) {
        return unexpected(place + ": term '" + written + "' is not valid UTF-8");
    }
    if (lang == "en" && !is_ascii(t.normalized)) {
        return unexpected(place + ": en term '" + written + "' must be ASCII (put it under zh)");
    }
    return t;
}

// Terms already seen in one scope (a key group, a cue list): normalised text → where.
using SeenTerms = std::map<std::pair<std::string, bool>, std::pair<std::string, std::string>>;

std::optional<std::string> check_duplicate(SeenTerms& seen, const LexiconTerm& t,
                                           const std::string& place) {
    auto [it, fresh] = seen.emplace(std::pair{t.normalized, t.prefix}, std::pair{t.text, place});
    if (fresh) return std::nullopt;
    return place + ": duplicate term '" + t.text + "' (same as '" + it->second.first + "' in " +
           it->second.second + ")";
}

constexpr std::array kLanguages{"zh"sv, "en"sv};

// {"zh": ["…"], "en": ["…"]} → terms of weight 0.
Expected<std::vector<LexiconTerm>, std::string> parse_term_lists(const json& doc,
                                                                 const std::string& place) {
    if (!doc.is_object()) return unexpected(place + ": must be an object");
    if (auto e = unknown_member(doc, place, {"zh", "en"})) return unexpected(*e);
    std::vector<LexiconTerm> out;
    SeenTerms seen;
    for (auto lang : kLanguages) {
        auto it = doc.find(std::string(lang));
        if (it == doc.end()) continue;
        const std::string lplace = place + "." + std::string(lang);
        if (!it->is_array()) return unexpected(lplace + ": must be an array of strings");
        for (const auto& item : *it) {
            if (!item.is_string()) return unexpected(lplace + ": must be an array of strings");
            auto t = parse_term(item.get<std::string>(), std::string(lang), 0, lplace);
            if (!t) return unexpected(t.error());
            if (auto e = check_duplicate(seen, *t, lplace)) return unexpected(*e);
            out.push_back(std::move(*t));
        }
    }
    return out;
}

Expected<NegationRules, std::string> parse_negation(const json& doc) {
    const std::string place = "negation";
    if (!doc.is_object()) return unexpected(place + ": must be an object");
    if (auto e = unknown_member(doc, place,
                                {"window_zh", "window_en", "cues", "pseudo", "terminators"})) {
        return unexpected(*e);
    }
    NegationRules rules;
    for (auto [name, target] :
         {std::pair{"window_zh", &rules.window_zh}, std::pair{"window_en", &rules.window_en}}) {
        auto it = doc.find(name);
        if (it == doc.end()) continue;
        auto v = as_integer(*it);
        if (!v || *v < 0 || *v > kMaxWindow) {
            return unexpected(place + "." + name + ": must be an integer 0-50");
        }
        *target = static_cast<int>(*v);
    }
    for (auto [name, target] : {std::pair{"cues", &rules.cues}, std::pair{"pseudo", &rules.pseudo},
                                std::pair{"terminators", &rules.terminators}}) {
        auto it = doc.find(name);
        if (it == doc.end()) continue;
        auto terms = parse_term_lists(*it, place + "." + name);
        if (!terms) return unexpected(terms.error());
        *target = std::move(*terms);
    }
    return rules;
}

struct RawSet {  // a set before its references are resolved
    LexiconSet set;
    std::vector<std::string> required;
    std::vector<std::string> urgent_when;
    std::vector<std::pair<std::string, std::pair<int, int>>> near;  // cue name, before, after
    std::string place;
};

Expected<RawSet, std::string> parse_set(const json& doc, const std::string& group,
                                        const std::string& name, SeenTerms& group_terms) {
    RawSet raw;
    raw.place = "lexicon." + group + "." + name;
    const std::string& place = raw.place;
    raw.set.group = group;
    raw.set.name = name;
    if (!doc.is_object()) return unexpected(place + ": must be an object");
    if (auto e = unknown_member(
            doc, place,
            {"zh", "en", "urgent", "urgent_when", "requires", "unless", "exclude_near"})) {
        return unexpected(*e);
    }
    for (auto lang : kLanguages) {
        auto it = doc.find(std::string(lang));
        if (it == doc.end()) continue;
        const std::string lplace = place + "." + std::string(lang);
        if (!it->is_object()) return unexpected(lplace + ": must be an object of term: weight");
        for (const auto& [term, weight] : it->items()) {
            auto w = as_integer(weight);
            if (!w || *w < 1 || *w > kMaxScore) {
                return unexpected(lplace + ": term '" + term +
                                  "': weight must be an integer 1-100");
            }
            auto t = parse_term(term, std::string(lang), static_cast<int>(*w), lplace);
            if (!t) return unexpected(t.error());
            if (auto e = check_duplicate(group_terms, *t, lplace)) return unexpected(*e);
            raw.set.terms.push_back(std::move(*t));
        }
    }
    if (raw.set.terms.empty()) return unexpected(place + ": has no terms");
    if (auto it = doc.find("urgent"); it != doc.end()) {
        if (!it->is_boolean()) return unexpected(place + ".urgent: must be a boolean");
        raw.set.urgent = it->get<bool>();
    }
    for (auto [name, target] :
         {std::pair{"requires", &raw.required}, std::pair{"urgent_when", &raw.urgent_when}}) {
        auto it = doc.find(name);
        if (it == doc.end()) continue;
        const std::string rplace = place + "." + name;
        if (!it->is_array() || it->empty()) {
            return unexpected(rplace + ": must be a non-empty array of references");
        }
        for (const auto& ref : *it) {
            if (!ref.is_string()) return unexpected(rplace + ": must be strings");
            target->push_back(ref.get<std::string>());
        }
    }
    if (auto it = doc.find("unless"); it != doc.end()) {
        if (!it->is_array()) return unexpected(place + ".unless: must be an array of key groups");
        for (const auto& g : *it) {
            if (!g.is_string() || !vocabulary::is_key_group(g.get<std::string>())) {
                return unexpected(place + ".unless: unknown key group " + g.dump());
            }
            if (g.get<std::string>() == group) {
                return unexpected(place + ".unless: a set cannot be conditional on its own group");
            }
            raw.set.unless.push_back(g.get<std::string>());
        }
    }
    if (auto it = doc.find("exclude_near"); it != doc.end()) {
        if (!it->is_array()) return unexpected(place + ".exclude_near: must be an array");
        for (std::size_t i = 0; i < it->size(); ++i) {
            const json& p = (*it)[i];
            const std::string pplace = place + ".exclude_near[" + std::to_string(i) + "]";
            if (!p.is_object()) return unexpected(pplace + ": must be an object");
            if (auto e = unknown_member(p, pplace, {"cue", "before", "after"})) {
                return unexpected(*e);
            }
            auto cue = p.find("cue");
            if (cue == p.end() || !cue->is_string()) {
                return unexpected(pplace + ".cue: must be the name of a cue list");
            }
            std::array<int, 2> window{0, 0};
            std::array<const char*, 2> names{"before", "after"};
            for (std::size_t k = 0; k < 2; ++k) {
                auto w = p.find(names[k]);
                if (w == p.end()) continue;
                auto v = as_integer(*w);
                if (!v || *v < 0 || *v > kMaxWindow) {
                    return unexpected(pplace + "." + names[k] + ": must be an integer 0-50");
                }
                window[k] = static_cast<int>(*v);
            }
            raw.near.push_back({cue->get<std::string>(), {window[0], window[1]}});
        }
    }
    return raw;
}

Expected<std::shared_ptr<const Lexicon>, std::string> parse_lexicon(const json* lexicon_doc,
                                                                    const json* cues_doc,
                                                                    const json* negation_doc) {
    auto lex = std::make_shared<Lexicon>();

    if (negation_doc) {
        auto n = parse_negation(*negation_doc);
        if (!n) return unexpected(n.error());
        lex->negation = std::move(*n);
    }
    if (cues_doc) {
        if (!cues_doc->is_object()) return unexpected(std::string("cues: must be an object"));
        for (const auto& [name, list] : cues_doc->items()) {
            auto terms = parse_term_lists(list, "cues." + name);
            if (!terms) return unexpected(terms.error());
            if (terms->empty()) return unexpected("cues." + name + ": has no terms");
            lex->cues.push_back(CueSet{name, std::move(*terms)});
        }
    }

    std::vector<RawSet> raw;
    if (lexicon_doc) {
        if (!lexicon_doc->is_object()) return unexpected(std::string("lexicon: must be an object"));
        for (const auto& [group, sets] : lexicon_doc->items()) {
            if (!vocabulary::is_key_group(group)) {
                return unexpected("lexicon: unknown key group '" + group + "'");
            }
            if (!sets.is_object()) return unexpected("lexicon." + group + ": must be an object");
            SeenTerms group_terms;  // a term may appear once per key group
            for (const auto& [name, set_doc] : sets.items()) {
                auto r = parse_set(set_doc, group, name, group_terms);
                if (!r) return unexpected(r.error());
                raw.push_back(std::move(*r));
            }
        }
    }

    // Resolve references now that every set and cue list is known.
    const auto find_set = [&](std::string_view id) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i].set.id() == id) return i;
        }
        return std::nullopt;
    };
    const auto find_cue = [&](std::string_view name) -> std::optional<std::size_t> {
        for (std::size_t i = 0; i < lex->cues.size(); ++i) {
            if (lex->cues[i].name == name) return i;
        }
        return std::nullopt;
    };
    const auto resolve = [&](const RawSet& r, const std::string& ref,
                             const std::string& field) -> Expected<Requirement, std::string> {
        const std::string place = r.place + "." + field;
        Requirement req;
        req.id = ref;
        const auto colon = ref.find(':');
        const std::string kind = colon == std::string::npos ? "" : ref.substr(0, colon);
        const std::string target = colon == std::string::npos ? "" : ref.substr(colon + 1);
        if (kind == "set") {
            auto i = find_set(target);
            if (!i) return unexpected(place + ": unknown set '" + target + "'");
            if (raw[*i].set.id() == r.set.id()) {
                return unexpected(place + ": a set cannot refer to itself");
            }
            req.kind = Requirement::Kind::set;
            req.index = *i;
        } else if (kind == "cue") {
            auto i = find_cue(target);
            if (!i) return unexpected(place + ": unknown cue list '" + target + "'");
            req.kind = Requirement::Kind::cue;
            req.index = *i;
        } else if (kind == "indicator") {
            if (!vocabulary::is_indicator(target)) {
                return unexpected(place + ": unknown indicator '" + target + "'");
            }
            req.kind = Requirement::Kind::indicator;
            req.id = target;
        } else if (ref == "age:elderly") {
            req.kind = Requirement::Kind::elderly_age;
        } else {
            return unexpected(place + ": '" + ref +
                              "' is not set:<group>.<set>, cue:<name>, indicator:<id> or "
                              "age:elderly");
        }
        return req;
    };
    for (auto& r : raw) {
        for (auto [field, refs, target] :
             {std::tuple{"requires", &r.required, &r.set.required},
              std::tuple{"urgent_when", &r.urgent_when, &r.set.urgent_when}}) {
            for (const auto& ref : *refs) {
                auto req = resolve(r, ref, field);
                if (!req) return unexpected(req.error());
                target->push_back(std::move(*req));
            }
        }
        for (const auto& [name, window] : r.near) {
            auto i = find_cue(name);
            if (!i) return unexpected(r.place + ".exclude_near: unknown cue list '" + name + "'");
            r.set.exclude_near.push_back(Proximity{*i, window.first, window.second});
        }
    }
    for (auto& r : raw) lex->sets.push_back(std::move(r.set));

    // Compile: one automaton pattern per distinct (normalised text, prefix).
    std::map<std::pair<std::string, bool>, std::uint32_t> index;
    std::vector<MatcherPattern> patterns;
    const auto add = [&](const LexiconTerm& t, Lexicon::Role role) {
        auto [it, fresh] = index.emplace(std::pair{t.normalized, t.prefix},
                                         static_cast<std::uint32_t>(patterns.size()));
        if (fresh) {
            patterns.push_back(MatcherPattern{t.normalized, t.prefix});
            lex->roles.emplace_back();
        }
        lex->roles[it->second].push_back(role);
    };
    using Kind = Lexicon::Role::Kind;
    for (std::uint32_t s = 0; s < lex->sets.size(); ++s) {
        for (std::uint32_t t = 0; t < lex->sets[s].terms.size(); ++t) {
            add(lex->sets[s].terms[t], {Kind::term, s, t});
        }
    }
    for (std::uint32_t c = 0; c < lex->cues.size(); ++c) {
        for (std::uint32_t t = 0; t < lex->cues[c].terms.size(); ++t) {
            add(lex->cues[c].terms[t], {Kind::cue, c, t});
        }
    }
    for (std::uint32_t t = 0; t < lex->negation.cues.size(); ++t) {
        add(lex->negation.cues[t], {Kind::negation, 0, t});
    }
    for (std::uint32_t t = 0; t < lex->negation.pseudo.size(); ++t) {
        add(lex->negation.pseudo[t], {Kind::pseudo, 0, t});
    }
    for (std::uint32_t t = 0; t < lex->negation.terminators.size(); ++t) {
        add(lex->negation.terminators[t], {Kind::terminator, 0, t});
    }
    lex->matcher = std::make_shared<const TermMatcher>(patterns);
    return std::shared_ptr<const Lexicon>(std::move(lex));
}

// ---- screening -------------------------------------------------------------------------

// Whether at most `window` code points lie between two offsets; stops counting early.
bool within(std::string_view text, std::size_t from, std::size_t to, int window) {
    if (to - from > 4 * static_cast<std::size_t>(window) + 4) return false;
    int n = 0;
    for (std::size_t i = from; i < to; ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++n > window) return false;
    }
    return true;
}

// A clause break between two positions of the normalised text: sentence or clause
// punctuation (full-width forms are already ASCII), 。, …, a line break.
bool has_break(std::string_view text, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
        switch (text[i]) {
            case ',':
            case '.':
            case ';':
            case ':':
            case '!':
            case '?':
            case '\n':
            case '\r':
                return true;
            case '\xE3':  // 。 U+3002
                if (i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\x82')
                    return true;
                break;
            case '\xE2':  // … U+2026
                if (i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\xA6')
                    return true;
                break;
            default:
                break;
        }
    }
    return false;
}

struct Span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

struct Hit {  // a term of a set, or a cue, found in the narrative and not negated
    std::uint32_t owner = 0;
    std::uint32_t term = 0;
    Span span;
};

struct Scan {
    NormalizedText norm;
    std::vector<Hit> set_hits;  // by position
    std::vector<Hit> cue_hits;
    std::vector<Reason> negated;
    std::vector<char> set_fired;
    std::vector<char> cue_fired;
};

class Scanner {
  public:
    Scanner(const Lexicon& lex, std::string_view narrative) : lex_(lex) {
        scan_.norm = normalize_text(narrative);
        scan_.set_fired.assign(lex.sets.size(), 0);
        scan_.cue_fired.assign(lex.cues.size(), 0);
        const std::string_view text = scan_.norm.text;
        matches_.reserve(64);
        lex.matcher->find_all(text, matches_);

        using Kind = Lexicon::Role::Kind;
        std::vector<Span> pseudo;
        for (const auto& m : matches_) {
            for (const auto& role : lex.roles[m.pattern]) {
                if (role.kind == Kind::pseudo) pseudo.push_back({m.begin, m.end});
                if (role.kind == Kind::terminator) terminators_.push_back({m.begin, m.end});
            }
        }
        for (const auto& m : matches_) {
            for (const auto& role : lex.roles[m.pattern]) {
                if (role.kind != Kind::negation) continue;
                const bool inside_pseudo = std::any_of(pseudo.begin(), pseudo.end(), [&](Span p) {
                    return p.begin <= m.begin && m.end <= p.end;
                });
                if (!inside_pseudo) {
                    negations_.push_back(Hit{0, role.term, Span{m.begin, m.end}});
                }
            }
        }
        std::vector<Hit> candidates;
        for (const auto& m : matches_) {
            for (const auto& role : lex.roles[m.pattern]) {
                if (role.kind != Kind::term && role.kind != Kind::cue) continue;
                const Span span{m.begin, m.end};
                if (auto cue = negated_by(span)) {
                    if (role.kind == Kind::term) note_negated(role, span, *cue);
                    continue;
                }
                if (role.kind == Kind::cue) {
                    scan_.cue_hits.push_back({role.owner, role.term, span});
                    scan_.cue_fired[role.owner] = 1;
                } else {
                    candidates.push_back({role.owner, role.term, span});
                }
            }
        }
        // Longest match wins: a hit strictly inside a longer hit of any set says less than
        // the longer phrase ("打死" in "被打死", "对我动手" in "对我动手动脚").
        std::vector<Span> kept;
        for (const auto& hit : candidates) {
            if (!excluded(lex.sets[hit.owner], hit.span)) kept.push_back(hit.span);
        }
        for (const auto& hit : candidates) {
            if (excluded(lex.sets[hit.owner], hit.span)) continue;
            const bool inside = std::any_of(kept.begin(), kept.end(), [&](Span other) {
                return other.begin <= hit.span.begin && hit.span.end <= other.end &&
                       other.end - other.begin > hit.span.end - hit.span.begin;
            });
            if (inside) continue;
            scan_.set_hits.push_back(hit);
            scan_.set_fired[hit.owner] = 1;
        }
        std::stable_sort(scan_.set_hits.begin(), scan_.set_hits.end(),
                         [](const Hit& a, const Hit& b) {
                             if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
                             return a.span.end > b.span.end;
                         });
    }

    Scan take() { return std::move(scan_); }

  private:
    const Lexicon& lex_;
    Scan scan_;
    std::vector<TermMatch> matches_;
    std::vector<Span> terminators_;
    std::vector<Hit> negations_;  // owner unused; term = index into negation.cues

    bool broken(std::uint32_t from, std::uint32_t to) const {
        if (has_break(scan_.norm.text, from, to)) return true;
        return std::any_of(terminators_.begin(), terminators_.end(),
                           [&](Span t) { return from <= t.begin && t.end <= to; });
    }

    // The negation cue that negates a term at `span`, if any: the nearest one before it.
    // Cues come ordered by end offset, so the walk back stops once they are out of reach
    // (a code point is at most 4 bytes).
    std::optional<std::uint32_t> negated_by(Span span) const {
        const std::string_view text = scan_.norm.text;
        const auto reach = static_cast<std::uint32_t>(
            4 * std::max(lex_.negation.window_en, lex_.negation.window_zh));
        for (auto it = negations_.rbegin(); it != negations_.rend(); ++it) {
            if (it->span.end > span.begin) continue;
            if (span.begin - it->span.end > reach) break;
            const auto& cue = lex_.negation.cues[it->term];
            const int window = cue.lang == "en" ? lex_.negation.window_en : lex_.negation.window_zh;
            if (!within(text, it->span.end, span.begin, window)) continue;
            if (broken(it->span.end, span.begin)) continue;
            return it->term;
        }
        return std::nullopt;
    }

    bool excluded(const LexiconSet& set, Span span) const {
        const std::string_view text = scan_.norm.text;
        for (const auto& near : set.exclude_near) {
            for (const auto& cue : scan_.cue_hits) {
                if (cue.owner != near.cue) continue;
                if (cue.span.begin < span.end && cue.span.end > span.begin) return true;
                if (cue.span.end <= span.begin &&
                    within(text, cue.span.end, span.begin, near.before) &&
                    !broken(cue.span.end, span.begin)) {
                    return true;
                }
                if (cue.span.begin >= span.end &&
                    within(text, span.end, cue.span.begin, near.after) &&
                    !broken(span.end, cue.span.begin)) {
                    return true;
                }
            }
        }
        return false;
    }

    void note_negated(const Lexicon::Role& role, Span span, std::uint32_t cue) {
        const auto& set = lex_.sets[role.owner];
        const auto& term = set.terms[role.term];
        const std::string id = set.id();
        for (const auto& r : scan_.negated) {
            if (r.set == id && r.value == term.text) return;  // first occurrence only
        }
        Reason r{"negated",      term.text, 0,
                 evidence(span), id,        "negated by '" + lex_.negation.cues[cue].text + "'"};
        scan_.negated.push_back(std::move(r));
    }

    Evidence evidence(Span span) const {
        return Evidence{scan_.norm.original_offset(span.begin),
                        scan_.norm.original_offset(span.end)};
    }
};

struct Accum {
    int score = 0;
    bool indicator_backed = false;
    std::vector<Reason> indicators;
    std::vector<Reason> terms;
    std::vector<Reason> extra;
};

}  // namespace

std::size_t Lexicon::term_count() const {
    std::size_t n = 0;
    for (const auto& s : sets) n += s.terms.size();
    return n;
}

std::string_view to_string(Priority p) {
    return kPriorities.at(static_cast<std::size_t>(p));
}

std::optional<Priority> parse_priority(std::string_view text) {
    for (std::size_t i = 0; i < kPriorities.size(); ++i) {
        if (kPriorities[i] == text) return static_cast<Priority>(i);
    }
    return std::nullopt;
}

nlohmann::json to_json(const Screening& s) {
    return {{"score", s.score},
            {"priority", to_string(s.priority)},
            {"criteria_version", s.criteria_version},
            {"key_groups", to_json(s.groups)},
            {"urgency_reasons", to_json(s.urgency_reasons)},
            {"negated", to_json(s.negated)},
            {"weak_groups", to_json(s.weak_groups)}};
}

namespace {

Reason reason_from_json(const json& j) {
    Reason r;
    r.kind = j.at("kind").get<std::string>();
    r.value = j.at("value").get<std::string>();
    r.weight = j.at("weight").get<int>();
    if (const auto it = j.find("evidence"); it != j.end()) {
        r.evidence = Evidence{it->at("begin").get<std::size_t>(), it->at("end").get<std::size_t>()};
    }
    r.set = j.value("set", std::string());
    r.note = j.value("note", std::string());
    return r;
}

std::vector<Reason> reasons_from_json(const json& j, const char* member) {
    std::vector<Reason> out;
    if (const auto it = j.find(member); it != j.end()) {
        for (const auto& r : *it) out.push_back(reason_from_json(r));
    }
    return out;
}

std::vector<GroupMatch> groups_from_json(const json& j, const char* member) {
    std::vector<GroupMatch> out;
    if (const auto it = j.find(member); it != j.end()) {
        for (const auto& g : *it) {
            out.push_back({g.at("group").get<std::string>(), g.at("score").get<int>(),
                           reasons_from_json(g, "reasons")});
        }
    }
    return out;
}

}  // namespace

Screening screening_from_json(const nlohmann::json& j) {
    try {
        Screening s;
        s.score = j.at("score").get<int>();
        const auto priority = parse_priority(j.at("priority").get<std::string>());
        if (!priority) throw std::invalid_argument("unknown priority");
        s.priority = *priority;
        s.criteria_version = j.value("criteria_version", std::string());
        s.groups = groups_from_json(j, "key_groups");
        s.urgency_reasons = reasons_from_json(j, "urgency_reasons");
        s.negated = reasons_from_json(j, "negated");
        s.weak_groups = groups_from_json(j, "weak_groups");
        return s;
    } catch (const json::exception&) {
        throw std::invalid_argument("a stored screening does not parse");
    }
}

Expected<Criteria, std::string> parse_criteria(const nlohmann::json& doc) {
    if (!doc.is_object()) return unexpected(std::string("criteria: must be an object"));
    if (auto e =
            unknown_member(doc, "criteria",
                           {"version", "indicators", "thresholds", "elderly_age", "adjustments",
                            "region_effects", "match_threshold", "negation", "cues", "lexicon"})) {
        return unexpected(*e);
    }
    Criteria criteria;

    auto version = doc.find("version");
    if (version == doc.end()) return unexpected(std::string("version: is required"));
    if (!version->is_string() || version->get_ref<const std::string&>().empty()) {
        return unexpected(std::string("version: must be a non-empty string"));
    }
    criteria.version = version->get<std::string>();

    auto indicators = doc.find("indicators");
    if (indicators == doc.end()) return unexpected(std::string("indicators: is required"));
    if (!indicators->is_object()) return unexpected(std::string("indicators: must be an object"));
    for (const auto& [id, rule_doc] : indicators->items()) {
        if (!vocabulary::is_indicator(id)) {
            return unexpected("indicators: unknown indicator '" + id + "'");
        }
        auto rule = parse_rule(rule_doc, "indicators." + id);
        if (!rule) return unexpected(rule.error());
        criteria.indicators.emplace(id, std::move(*rule));
    }

    auto thresholds = doc.find("thresholds");
    if (thresholds == doc.end()) return unexpected(std::string("thresholds: is required"));
    auto t = parse_thresholds(*thresholds);
    if (!t) return unexpected(t.error());
    criteria.high_threshold = t->first;
    criteria.normal_threshold = t->second;

    auto elderly = doc.find("elderly_age");
    if (elderly == doc.end()) return unexpected(std::string("elderly_age: is required"));
    auto age = as_integer(*elderly);
    if (!age || *age < 40 || *age > 100) {
        return unexpected(std::string("elderly_age: must be an integer 40-100"));
    }
    criteria.elderly_age = static_cast<int>(*age);

    if (auto a = doc.find("adjustments"); a != doc.end()) {
        if (!a->is_object()) return unexpected(std::string("adjustments: must be an object"));
        if (auto e = unknown_member(*a, "adjustments", {"age_weight", "rural_weight"})) {
            return unexpected(*e);
        }
        for (const auto& [name, target] : {std::pair{"age_weight", &criteria.age_weight},
                                           std::pair{"rural_weight", &criteria.rural_weight}}) {
            if (auto it = a->find(name); it != a->end()) {
                auto v = as_integer(*it);
                if (!v || *v < 0 || *v > kMaxScore) {
                    return unexpected("adjustments." + std::string(name) +
                                      ": must be an integer 0-100");
                }
                *target = static_cast<int>(*v);
            }
        }
    }

    if (auto r = doc.find("region_effects"); r != doc.end()) {
        if (!r->is_array()) return unexpected(std::string("region_effects: must be an array"));
        for (std::size_t i = 0; i < r->size(); ++i) {
            const json& e = (*r)[i];
            const std::string place = "region_effects[" + std::to_string(i) + "]";
            if (!e.is_object()) return unexpected(place + ": must be an object");
            if (auto bad = unknown_member(e, place, {"region", "group", "weight", "note"})) {
                return unexpected(*bad);
            }
            RegionEffect effect;
            auto region = e.find("region");
            const bool digits = region != e.end() && region->is_string() &&
                                std::all_of(region->get_ref<const std::string&>().begin(),
                                            region->get_ref<const std::string&>().end(),
                                            [](char c) { return c >= '0' && c <= '9'; });
            const std::size_t len = digits ? region->get_ref<const std::string&>().size() : 0;
            if (len != 2 && len != 4 && len != 6) {
                return unexpected(place + ".region: must be 2, 4 or 6 digits");
            }
            effect.region = region->get<std::string>();
            auto group = e.find("group");
            if (group == e.end() || !group->is_string() ||
                !vocabulary::is_key_group(group->get_ref<const std::string&>())) {
                return unexpected(place + ".group: must be a known key group");
            }
            effect.group = group->get<std::string>();
            auto weight = e.find("weight");
            auto w = weight == e.end() ? std::nullopt : as_integer(*weight);
            if (!w || *w < 1 || *w > kMaxScore) {
                return unexpected(place + ".weight: must be an integer 1-100");
            }
            effect.weight = static_cast<int>(*w);
            if (auto note = e.find("note"); note != e.end()) {
                if (!note->is_string()) return unexpected(place + ".note: must be a string");
                effect.note = note->get<std::string>();
            }
            criteria.region_effects.push_back(std::move(effect));
        }
    }

    if (auto m = doc.find("match_threshold"); m != doc.end()) {
        auto v = as_integer(*m);
        if (!v || *v < 1 || *v > kMaxScore) {
            return unexpected(std::string("match_threshold: must be an integer 1-100"));
        }
        criteria.match_threshold = static_cast<int>(*v);
    }

    const auto member = [&](const char* name) -> const json* {
        auto it = doc.find(name);
        return it == doc.end() ? nullptr : &*it;
    };
    const json* lexicon = member("lexicon");
    const json* cues = member("cues");
    const json* negation = member("negation");
    if (lexicon || cues || negation) {
        auto lex = parse_lexicon(lexicon, cues, negation);
        if (!lex) return unexpected(lex.error());
        criteria.lexicon = std::move(*lex);
    }
    return criteria;
}

Screening screen(const Clue& clue, const Criteria& criteria, CivilDate today) {
    Screening result;
    result.criteria_version = criteria.version;

    const std::set<std::string> ticked(clue.indicators.begin(), clue.indicators.end());
    std::map<std::string, Accum> groups;  // ordered, for determinism
    const auto age = subject_age(clue.subject, today);
    const bool elderly = age && *age >= criteria.elderly_age;

    // 3a. Indicators that establish groups, in id order.
    for (const auto& indicator : ticked) {
        auto rule = criteria.indicators.find(indicator);
        if (rule == criteria.indicators.end() || rule->second.aggravating) continue;
        for (const auto& [group, weight] : rule->second.groups) {
            auto& g = groups[group];
            g.score += weight;
            g.indicator_backed = true;
            g.indicators.push_back(Reason{"indicator", indicator, weight, std::nullopt, {}, {}});
        }
    }
    for (const auto& indicator : ticked) {
        auto rule = criteria.indicators.find(indicator);
        if (rule != criteria.indicators.end() && rule->second.urgent) {
            // Urgency is a flag, not a score: the weight says nothing here.
            result.urgency_reasons.push_back(
                Reason{"indicator", indicator, 0, std::nullopt, {}, {}});
        }
    }

    const auto matched = [&](const std::string& group) {
        auto it = groups.find(group);
        return it != groups.end() &&
               (it->second.indicator_backed || it->second.score >= criteria.match_threshold);
    };

    // 3b. The narrative.
    const Lexicon* lex = criteria.lexicon.get();
    if (lex != nullptr && !clue.narrative.empty() && !lex->sets.empty()) {
        Scan scan = Scanner(*lex, clue.narrative).take();
        result.negated = std::move(scan.negated);

        const auto any_holds = [&](const std::vector<Requirement>& refs) {
            for (const auto& req : refs) {
                switch (req.kind) {
                    case Requirement::Kind::set:
                        if (scan.set_fired[req.index]) return true;
                        break;
                    case Requirement::Kind::cue:
                        if (scan.cue_fired[req.index]) return true;
                        break;
                    case Requirement::Kind::indicator:
                        if (ticked.contains(req.id)) return true;
                        break;
                    case Requirement::Kind::elderly_age:
                        if (elderly) return true;
                        break;
                }
            }
            return false;
        };
        const auto requirement_holds = [&](const LexiconSet& set) {
            return set.required.empty() || any_holds(set.required);
        };

        std::vector<Reason> urgency;
        const auto count_set = [&](std::size_t s) {
            const LexiconSet& set = lex->sets[s];
            // The strongest term counts; ties go to the earliest. Every distinct term is
            // listed once, at its first occurrence.
            const Hit* best = nullptr;
            for (const auto& hit : scan.set_hits) {
                if (hit.owner != s) continue;
                if (best == nullptr || set.terms[hit.term].weight > set.terms[best->term].weight)
                    best = &hit;
            }
            if (best == nullptr) return;
            const std::string set_id = set.id();
            auto& g = groups[set.group];
            const bool urgent =
                set.urgent || (!set.urgent_when.empty() && any_holds(set.urgent_when));
            std::vector<std::uint32_t> seen;
            for (const auto& hit : scan.set_hits) {
                if (hit.owner != s) continue;
                if (std::find(seen.begin(), seen.end(), hit.term) != seen.end()) continue;
                seen.push_back(hit.term);
                const auto& term = set.terms[hit.term];
                const Evidence ev{scan.norm.original_offset(hit.span.begin),
                                  scan.norm.original_offset(hit.span.end)};
                const int weight = (&hit == best) ? term.weight : 0;
                g.score += weight;
                g.terms.push_back(Reason{"term", term.text, weight, ev, set_id, {}});
                if (urgent) urgency.push_back(Reason{"term", term.text, 0, ev, set_id, {}});
            }
        };

        for (std::size_t s = 0; s < lex->sets.size(); ++s) {
            const auto& set = lex->sets[s];
            if (!set.unless.empty() || !scan.set_fired[s] || !requirement_holds(set)) continue;
            count_set(s);
        }
        std::set<std::string> matched_first;  // groups matched before the `unless` sets
        for (const auto& [id, g] : groups) {
            if (matched(id)) matched_first.insert(id);
        }
        for (std::size_t s = 0; s < lex->sets.size(); ++s) {
            const auto& set = lex->sets[s];
            if (set.unless.empty() || !scan.set_fired[s] || !requirement_holds(set)) continue;
            const bool suppressed =
                std::any_of(set.unless.begin(), set.unless.end(),
                            [&](const std::string& g) { return matched_first.contains(g); });
            if (!suppressed) count_set(s);
        }
        std::stable_sort(urgency.begin(), urgency.end(), [](const Reason& a, const Reason& b) {
            return a.evidence->begin < b.evidence->begin;
        });
        for (auto& r : urgency) result.urgency_reasons.push_back(std::move(r));
        for (auto& [id, g] : groups) {
            std::stable_sort(g.terms.begin(), g.terms.end(), [](const Reason& a, const Reason& b) {
                return a.evidence->begin < b.evidence->begin;
            });
        }
    }

    // 4. Aggravating indicators strengthen matched groups only.
    for (const auto& indicator : ticked) {
        auto rule = criteria.indicators.find(indicator);
        if (rule == criteria.indicators.end() || !rule->second.aggravating) continue;
        for (const auto& [group, weight] : rule->second.groups) {
            if (!matched(group)) continue;
            auto& g = groups[group];
            g.score += weight;
            g.extra.push_back(Reason{"indicator", indicator, weight, std::nullopt, {}, {}});
        }
    }

    // Age alone does not make a woman unsupported: it only strengthens a group that
    // something else already points at, or the operator's own "no one supports her" tick.
    if (elderly) {
        const std::string group(kElderlyGroup);
        const bool ticked_elderly = ticked.contains(std::string(kElderlyIndicator));
        if (matched(group) || ticked_elderly) {
            auto& g = groups[group];
            if (ticked_elderly) g.indicator_backed = true;
            g.score += criteria.age_weight;
            g.extra.push_back(Reason{"age",
                                     "age>=" + std::to_string(criteria.elderly_age),
                                     criteria.age_weight,
                                     std::nullopt,
                                     {},
                                     {}});
        }
    }

    // Likewise living in the countryside strengthens, but never creates, the poverty group.
    if (clue.subject.rural && matched(std::string(kRuralGroup))) {
        auto& g = groups[std::string(kRuralGroup)];
        g.score += criteria.rural_weight;
        g.extra.push_back(Reason{"rural", "rural", criteria.rural_weight, std::nullopt, {}, {}});
    }

    // Region effects strengthen a matched group, once each, most specific listed first.
    for (const auto& effect : criteria.region_effects) {
        if (!clue.subject.region.starts_with(effect.region) || !matched(effect.group)) continue;
        auto& g = groups[effect.group];
        g.score += effect.weight;
        g.extra.push_back(
            Reason{"region", effect.region, effect.weight, std::nullopt, {}, effect.note});
    }

    for (auto& [id, g] : groups) {
        GroupMatch match;
        match.group = id;
        match.score = std::min(g.score, kMaxScore);
        match.reasons = std::move(g.indicators);
        for (auto& r : g.terms) match.reasons.push_back(std::move(r));
        for (auto& r : g.extra) match.reasons.push_back(std::move(r));
        if (g.indicator_backed || g.score >= criteria.match_threshold) {
            result.score = std::max(result.score, match.score);
            result.groups.push_back(std::move(match));
        } else {
            result.weak_groups.push_back(std::move(match));
        }
    }
    const auto by_strength = [](const GroupMatch& a, const GroupMatch& b) {
        if (a.score != b.score) return a.score > b.score;
        return a.group < b.group;
    };
    std::stable_sort(result.groups.begin(), result.groups.end(), by_strength);
    std::stable_sort(result.weak_groups.begin(), result.weak_groups.end(), by_strength);

    if (!result.urgency_reasons.empty()) {
        result.priority = Priority::urgent;
    } else if (result.score >= criteria.high_threshold) {
        result.priority = Priority::high;
    } else if (result.score >= criteria.normal_threshold) {
        result.priority = Priority::normal;
    } else {
        result.priority = Priority::low;
    }
    return result;
}

}  // namespace clue_router::domain
