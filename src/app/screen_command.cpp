#include "clue_router/app/screen_command.hpp"
#include "clue_router/app/runtime_loader.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/clue.hpp"
#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::app {
namespace {

using nlohmann::json;

struct Counts {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    int tn = 0;
};

double ratio(int num, int den) {
    return den == 0 ? 1.0 : static_cast<double>(num) / den;
}

double round4(double v) {
    return std::round(v * 10000.0) / 10000.0;
}

struct Expect {
    std::set<std::string> groups;
    bool urgent = false;
};

// The expect member, or a message saying what is wrong with it.
std::optional<std::string> parse_expect(const json& doc, Expect& out) {
    if (!doc.is_object()) return "expect: must be an object";
    for (const auto& [key, value] : doc.items()) {
        if (key != "key_groups" && key != "urgent") return "expect: unknown member '" + key + "'";
    }
    auto groups = doc.find("key_groups");
    if (groups == doc.end() || !groups->is_array()) return "expect.key_groups: must be an array";
    for (const auto& g : *groups) {
        if (!g.is_string() || !domain::vocabulary::is_key_group(g.get<std::string>())) {
            return "expect.key_groups: unknown key group";
        }
        out.groups.insert(g.get<std::string>());
    }
    auto urgent = doc.find("urgent");
    if (urgent == doc.end() || !urgent->is_boolean()) return "expect.urgent: must be a boolean";
    out.urgent = urgent->get<bool>();
    return std::nullopt;
}

}  // namespace

int screen_file(const std::string& criteria_path, const std::string& jsonl_path, std::ostream& out,
                std::ostream& err, domain::CivilDate today) {
    json criteria_doc;
    try {
        criteria_doc = read_json_file(criteria_path, "criteria");
    } catch (const std::runtime_error& e) {
        err << "error: " << e.what() << "\n";
        return 2;
    }
    const auto criteria = domain::parse_criteria(criteria_doc);
    if (!criteria) {
        err << "error: criteria " << criteria_path << ": " << criteria.error() << "\n";
        return 2;
    }
    std::ifstream in(jsonl_path);
    if (!in) {
        err << "error: cannot read " << jsonl_path << "\n";
        return 2;
    }

    std::map<std::string, Counts> per_group;
    for (auto g : domain::vocabulary::key_groups()) per_group[std::string(g)];
    Counts urgent;
    int lines = 0;
    int screened = 0;
    int invalid = 0;
    int evaluated = 0;
    int exact = 0;

    std::string text;
    int line_no = 0;
    while (std::getline(in, text)) {
        ++line_no;
        if (std::all_of(text.begin(), text.end(),
                        [](char c) { return c == ' ' || c == '\t' || c == '\r'; })) {
            continue;
        }
        ++lines;
        const json doc = json::parse(text, nullptr, false);
        json line{{"line", line_no}};
        if (doc.is_discarded() || !doc.is_object() || !doc.contains("clue")) {
            line["error"] =
                doc.is_discarded() ? "not valid JSON" : "must be an object with a 'clue' member";
            line["pointers"] = json::array();
            ++invalid;
            out << line.dump() << "\n";
            continue;
        }
        const json& clue_doc = doc["clue"];
        if (clue_doc.is_object()) {
            if (auto src = clue_doc.find("source"); src != clue_doc.end() && src->is_object()) {
                if (auto ref = src->find("reference"); ref != src->end() && ref->is_string()) {
                    line["reference"] = *ref;
                }
            }
        }
        std::optional<Expect> expect;
        if (auto e = doc.find("expect"); e != doc.end()) {
            Expect parsed;
            if (auto problem = parse_expect(*e, parsed)) {
                line["error"] = *problem;
                line["pointers"] = json::array({"/expect"});
                ++invalid;
                out << line.dump() << "\n";
                continue;
            }
            expect = std::move(parsed);
        }
        const auto clue = domain::parse_clue(clue_doc);
        if (!clue) {
            json pointers = json::array();
            for (const auto& fe : clue.error()) pointers.push_back(fe.pointer);
            line["error"] = "invalid clue";
            line["pointers"] = std::move(pointers);
            ++invalid;
            out << line.dump() << "\n";
            continue;
        }
        ++screened;
        const auto s = domain::screen(*clue, *criteria, today);
        const json full = domain::to_json(s);
        std::set<std::string> got;
        json ids = json::array();
        for (const auto& g : s.groups) {
            ids.push_back(g.group);
            got.insert(g.group);
        }
        const bool is_urgent = s.priority == domain::Priority::urgent;
        line["key_groups"] = std::move(ids);
        line["score"] = s.score;
        line["priority"] = domain::to_string(s.priority);
        line["urgent"] = is_urgent;
        line["criteria_version"] = s.criteria_version;
        line["reasons"] = full["key_groups"];
        line["urgency_reasons"] = full["urgency_reasons"];
        line["negated"] = full["negated"];
        line["weak_groups"] = full["weak_groups"];
        if (expect) {
            ++evaluated;
            for (auto& [group, c] : per_group) {
                const bool want = expect->groups.contains(group);
                const bool have = got.contains(group);
                if (want && have) ++c.tp;
                if (!want && have) ++c.fp;
                if (want && !have) ++c.fn;
                if (!want && !have) ++c.tn;
            }
            if (expect->urgent && is_urgent) ++urgent.tp;
            if (!expect->urgent && is_urgent) ++urgent.fp;
            if (expect->urgent && !is_urgent) ++urgent.fn;
            if (!expect->urgent && !is_urgent) ++urgent.tn;
            const bool match = got == expect->groups && is_urgent == expect->urgent;
            if (match) ++exact;
            line["expect"] = {{"key_groups", expect->groups}, {"urgent", expect->urgent}};
            line["match"] = match;
        }
        out << line.dump() << "\n";
    }

    json groups = json::object();
    double f1_sum = 0;
    int f1_count = 0;
    for (const auto& [group, c] : per_group) {
        const double p = ratio(c.tp, c.tp + c.fp);
        const double r = ratio(c.tp, c.tp + c.fn);
        const double f1 = (p + r) > 0 ? 2 * p * r / (p + r) : 0.0;
        groups[group] = {{"tp", c.tp},          {"fp", c.fp},
                         {"fn", c.fn},          {"precision", round4(p)},
                         {"recall", round4(r)}, {"f1", round4(f1)}};
        if (c.tp + c.fp + c.fn > 0) {
            f1_sum += f1;
            ++f1_count;
        }
    }
    json summary{{"criteria_version", criteria->version},
                 {"lines", lines},
                 {"screened", screened},
                 {"invalid", invalid},
                 {"evaluated", evaluated}};
    if (evaluated > 0) {
        summary["exact_matches"] = exact;
        summary["groups"] = std::move(groups);
        summary["macro_f1"] = round4(f1_count == 0 ? 1.0 : f1_sum / f1_count);
        summary["urgent"] = {{"tp", urgent.tp},
                             {"fp", urgent.fp},
                             {"fn", urgent.fn},
                             {"tn", urgent.tn},
                             {"precision", round4(ratio(urgent.tp, urgent.tp + urgent.fp))},
                             {"recall", round4(ratio(urgent.tp, urgent.tp + urgent.fn))}};
    }
    out << json{{"summary", std::move(summary)}}.dump() << "\n";
    return 0;
}

}  // namespace clue_router::app
