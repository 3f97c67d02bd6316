#include <algorithm>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "clue_router/domain/term_matcher.hpp"

using namespace clue_router::domain;

namespace {

std::vector<MatcherPattern> patterns(std::initializer_list<const char*> list) {
    std::vector<MatcherPattern> out;
    for (const char* p : list) out.push_back({p, false});
    return out;
}

using Found = std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>>;

Found found(const TermMatcher& m, std::string_view text) {
    Found out;
    for (const auto& x : m.find_all(text)) out.emplace_back(x.pattern, x.begin, x.end);
    return out;
}

}  // namespace

TEST_CASE("Aho-Corasick finds every occurrence, overlapping ones included", "[domain][matcher]") {
    const TermMatcher m(patterns({"家暴", "暴力", "家庭暴力", "打我", "我"}));
    // 家庭暴力打我: 家庭暴力 [0,12), 暴力 [6,12), 打我 [12,18), 我 [15,18).
    const Found f = found(m, "家庭暴力打我");
    CHECK(f == Found{{2, 0, 12}, {1, 6, 12}, {3, 12, 18}, {4, 15, 18}});
    CHECK(found(m, "没有").empty());
    CHECK(found(m, "").empty());
    // Repeated occurrences.
    CHECK(found(m, "我我") == Found{{4, 0, 3}, {4, 3, 6}});
}

TEST_CASE("the classic he/she/his/hers example", "[domain][matcher]") {
    // Byte patterns without word boundaries would report "he" inside "ushers"; English
    // patterns need boundaries, so use CJK-free but boundary-neutral patterns: symbols.
    const TermMatcher m(patterns({"+e", "$+e", "+|$", "+e@$"}));
    const Found f = found(m, "u$+e@$");
    CHECK(f == Found{{1, 1, 4}, {0, 2, 4}, {3, 2, 6}});
}

TEST_CASE("English patterns match whole words only", "[domain][matcher]") {
    const TermMatcher m(patterns({"not", "rape", "beat me", "no"}));
    CHECK(found(m, "nothing here").empty());
    CHECK(found(m, "cannot").empty());
    CHECK(found(m, "grape juice").empty());
    CHECK(found(m, "he did not") == Found{{0, 7, 10}});
    CHECK(found(m, "raped").empty());
    CHECK(found(m, "rape.") == Found{{1, 0, 4}});
    CHECK(found(m, "he beat me!") == Found{{2, 3, 10}});
    CHECK(found(m, "he beat men").empty());
    // CJK next to a word is a boundary.
    CHECK(found(m, "他说no了") == Found{{3, 6, 8}});
}

TEST_CASE("prefix patterns match inflected words", "[domain][matcher]") {
    std::vector<MatcherPattern> p{{"traffick", true}, {"abus", true}, {"kill", false}};
    const TermMatcher m(p);
    CHECK(found(m, "she was trafficked") == Found{{0, 8, 16}});
    CHECK(found(m, "abusive husband") == Found{{1, 0, 4}});
    CHECK(found(m, "he was killed").empty());  // "kill" is not a prefix pattern
    CHECK(found(m, "will kill her") == Found{{2, 5, 9}});
    CHECK(found(m, "untrafficked").empty());  // still a word boundary before
}

TEST_CASE("CJK patterns need no boundaries, empty and duplicate patterns", "[domain][matcher]") {
    std::vector<MatcherPattern> p{{"", false}, {"打", false}, {"打", false}};
    const TermMatcher m(p);
    CHECK(m.pattern_count() == 3);
    CHECK(found(m, "abc打def") == Found{{1, 3, 6}, {2, 3, 6}});
    const TermMatcher empty;
    CHECK(empty.find_all("anything").empty());
}

TEST_CASE("matches agree with a naive search on random text", "[domain][matcher]") {
    const std::vector<std::string> words{"家暴",       "暴", "打我", "我",   "没有",
                                         "他没有打我", "ab", "b",    "abab", "ba"};
    std::vector<MatcherPattern> p;
    for (const auto& w : words) p.push_back({w, false});
    const TermMatcher m(p);
    std::mt19937 rng(7);
    const std::vector<std::string> alphabet{"家", "暴", "打", "我", "没",
                                            "有", "他", "a",  "b",  " "};
    for (int round = 0; round < 200; ++round) {
        std::string text;
        for (int i = 0; i < 40; ++i) text += alphabet[rng() % alphabet.size()];
        std::vector<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>> naive;
        for (std::uint32_t id = 0; id < words.size(); ++id) {
            const auto& w = words[id];
            const bool ascii = static_cast<unsigned char>(w[0]) < 0x80;
            for (auto pos = text.find(w); pos != std::string::npos; pos = text.find(w, pos + 1)) {
                const auto end = pos + w.size();
                const auto word = [&](std::size_t i) { return text[i] == 'a' || text[i] == 'b'; };
                if (ascii && ((pos > 0 && word(pos - 1)) || (end < text.size() && word(end))))
                    continue;
                naive.emplace_back(id, static_cast<std::uint32_t>(pos),
                                   static_cast<std::uint32_t>(end));
            }
        }
        auto got = found(m, text);
        std::sort(naive.begin(), naive.end());
        std::sort(got.begin(), got.end());
        INFO(text);
        REQUIRE(got == naive);
    }
}
