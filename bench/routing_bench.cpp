// Routing cost (issue 4): routing one clue through a 3,500-agency directory is a handful of
// hash lookups (the subject's region, its prefecture, its province, per purpose), not a scan.
// Measured against a baseline in the same run: the same decision taken by scanning every
// agency for each level, as a directory without an index would.
//
//   routing_bench [config/regions.json] [seconds-per-measurement]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/region_list.hpp"
#include "clue_router/domain/routing.hpp"

using namespace clue_router::domain;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kAgencies = 3500;
constexpr std::size_t kClues = 4096;

Agency make(const std::string& kind, const std::string& code, const std::string& service) {
    Agency a;
    a.id = (kind == "procuratorate" ? "proc-" : "fed-") + code;
    a.kind = kind;
    a.name = "机构";
    a.region = code;
    a.services = {service};
    return a;
}

// A procuratorate and a federation at every province and prefecture, then at counties in
// code order until 3,500 agencies: about half the counties have their own, half climb.
std::vector<Agency> directory_of(const RegionList& list) {
    std::vector<std::string> codes;
    for (const auto& [code, name] : list.all()) codes.push_back(code);
    std::sort(codes.begin(), codes.end());
    std::vector<Agency> out;
    auto add = [&](const std::string& code) {
        out.push_back(make("procuratorate", code, "judicial_assistance"));
        out.push_back(make("womens_federation", code, "social_support"));
    };
    for (const auto& c : codes) {
        if (RegionCode::parse(c)->level() != RegionLevel::county) add(c);
    }
    for (std::size_t i = 0; i < codes.size() && out.size() < kAgencies; i += 2) {
        if (RegionCode::parse(codes[i])->level() == RegionLevel::county) add(codes[i]);
    }
    return out;
}

// The baseline: the same rule (most specific level first, eligible, first by id) by
// scanning the whole directory at each level.
std::optional<std::string> scan_recipient(const PurposeRule& purpose, const std::string& region,
                                          const std::vector<Agency>& all,
                                          const std::string& sender) {
    auto code = RegionCode::parse(region);
    if (!code) return std::nullopt;
    for (const auto& level : code->jurisdictions()) {
        const Agency* best = nullptr;
        for (const auto& a : all) {
            if (a.kind != purpose.agency_kind || a.region != level) continue;
            if (!a.accepts_referrals || a.id == sender) continue;
            if (purpose.service && std::find(a.services.begin(), a.services.end(),
                                             *purpose.service) == a.services.end()) {
                continue;
            }
            if (!best || a.id < best->id) best = &a;
        }
        if (best) return best->id;
    }
    return std::nullopt;
}

template <class F>
double per_second(F&& route_all, double seconds) {
    std::size_t rounds = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        route_all();
        ++rounds;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    return static_cast<double>(rounds * kClues) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string list_path =
        argc > 1 ? argv[1] : std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/regions.json";
    const double seconds = argc > 2 ? std::stod(argv[2]) : 2.0;
    std::ifstream in(list_path);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", list_path.c_str());
        return 2;
    }
    auto list = RegionList::from_json(nlohmann::json::parse(in));
    if (!list) {
        std::fprintf(stderr, "%s\n", list.error().c_str());
        return 2;
    }
    const auto agencies = directory_of(*list);
    auto directory = Directory::build(agencies);
    if (!directory) {
        std::fprintf(stderr, "%s\n", directory.error().c_str());
        return 2;
    }
    std::ifstream rules_in(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/routing.json");
    auto rules = parse_routing_rules(nlohmann::json::parse(rules_in));
    if (!rules) {
        std::fprintf(stderr, "%s\n", rules.error().c_str());
        return 2;
    }

    // Clues for regions drawn from the whole list; violence victims, so both purposes.
    std::vector<std::string> codes;
    for (const auto& [code, name] : list->all()) codes.push_back(code);
    std::sort(codes.begin(), codes.end());
    std::mt19937 rng(20261123);
    std::vector<Clue> clues(kClues);
    for (auto& c : clues) {
        c.source.channel = "hotline_12309";
        c.subject.region = codes[rng() % codes.size()];
        c.consent.share_with_partners = true;
    }
    Screening screening;
    screening.score = 70;
    screening.priority = Priority::high;
    screening.groups.push_back({"crime_victim", 70, {}});
    const std::string sender = "hotline-12309";

    // Both sides must agree on every decision before either is timed.
    std::size_t agree = 0;
    for (const auto& c : clues) {
        const auto d = route({c, screening, sender, {}}, *directory, *rules);
        std::vector<std::string> scanned;
        for (const auto& p : purposes_for(c, screening, nullptr, *rules)) {
            if (auto r = scan_recipient(*rules->purpose(p), c.subject.region, agencies, sender)) {
                scanned.push_back(*r);
            }
        }
        std::vector<std::string> indexed;
        for (const auto& t : d.tickets) indexed.push_back(t.recipient_agency);
        agree += indexed == scanned ? 1 : 0;
    }
    if (agree != clues.size()) {
        std::fprintf(stderr, "the index and the scan disagree on %zu clues\n",
                     clues.size() - agree);
        return 1;
    }

    std::size_t sink = 0;
    const double indexed = per_second(
        [&] {
            for (const auto& c : clues) {
                sink += route({c, screening, sender, {}}, *directory, *rules).tickets.size();
            }
        },
        seconds);
    const double scanned = per_second(
        [&] {
            for (const auto& c : clues) {
                for (const auto& p : purposes_for(c, screening, nullptr, *rules)) {
                    sink += scan_recipient(*rules->purpose(p), c.subject.region, agencies, sender)
                                .has_value();
                }
            }
        },
        seconds);
    std::printf("agencies %zu, regions %zu, clues %zu (two purposes each)\n", agencies.size(),
                list->size(), clues.size());
    std::printf("indexed route(): %.0f clues/s (%.2f us/clue)\n", indexed, 1e6 / indexed);
    std::printf("linear scan:     %.0f clues/s (%.2f us/clue)\n", scanned, 1e6 / scanned);
    std::printf("ratio: %.1fx\n", indexed / scanned);
    return sink == 0 ? 1 : 0;
}
