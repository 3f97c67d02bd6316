// The screening engine on arbitrary narratives with the shipped criteria
// (config/criteria.json): normalisation, the Aho-Corasick pass, negation windows, clause
// boundaries, exclusions and scoring. Intake only lets valid UTF-8 through, so invalid
// input is skipped here too. The first bytes choose indicators, age and the rural flag so
// that the rules depending on them are reached. Properties: scores stay in 0-100, every
// evidence span lies inside the narrative on code-point boundaries, the result is
// deterministic and serialises.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clue_router/domain/screening.hpp"
#include "clue_router/domain/text_checks.hpp"
#include "clue_router/domain/vocabulary.hpp"
#include "fuzz_support.hpp"

using namespace clue_router::domain;

namespace {

const Criteria& criteria() {
    static const Criteria loaded = [] {
        std::ifstream in(CLUE_ROUTER_SOURCE_DIR "/config/criteria.json");
        auto parsed = parse_criteria(nlohmann::json::parse(in));
        FUZZ_CHECK(parsed.has_value());
        return std::move(*parsed);
    }();
    return loaded;
}

bool on_boundary(std::string_view text, std::size_t at) {
    return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0u) != 0x80u;
}

void check_evidence(std::string_view narrative, const Reason& r) {
    if (!r.evidence) return;
    FUZZ_CHECK(r.evidence->begin < r.evidence->end);
    FUZZ_CHECK(r.evidence->end <= narrative.size());
    FUZZ_CHECK(on_boundary(narrative, r.evidence->begin));
    FUZZ_CHECK(on_boundary(narrative, r.evidence->end));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 3) return 0;
    const std::uint8_t flags = data[0];
    const std::uint8_t indicator_bits = data[1];
    const std::uint8_t age = data[2];
    const std::string_view narrative(reinterpret_cast<const char*>(data) + 3, size - 3);
    if (!scan_text(narrative, true).valid_utf8) return 0;

    Clue clue;
    clue.narrative = std::string(narrative);
    clue.subject.rural = (flags & 1u) != 0;
    clue.subject.sex = (flags & 2u) != 0 ? "female" : "unknown";
    if ((flags & 4u) != 0) clue.subject.age = age % 131;
    const auto& all = vocabulary::indicators();
    std::size_t i = 0;
    for (const auto& indicator : all) {
        if (i >= 8) break;
        if ((indicator_bits >> i) & 1u) clue.indicators.emplace_back(indicator);
        ++i;
    }

    const CivilDate today{2026, 11, 20};
    const Screening s = screen(clue, criteria(), today);
    FUZZ_CHECK(s.score >= 0 && s.score <= 100);
    for (const auto& g : s.groups) {
        FUZZ_CHECK(g.score >= 0 && g.score <= 100);
        for (const auto& r : g.reasons) check_evidence(narrative, r);
    }
    for (const auto& g : s.weak_groups) {
        for (const auto& r : g.reasons) check_evidence(narrative, r);
    }
    for (const auto& r : s.urgency_reasons) check_evidence(narrative, r);
    for (const auto& r : s.negated) check_evidence(narrative, r);
    const auto json = to_json(s);
    FUZZ_CHECK(to_json(screen(clue, criteria(), today)) == json);
    (void)json.dump();
    return 0;
}
