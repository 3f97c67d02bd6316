#pragma once
// Aho-Corasick over the bytes of normalised UTF-8 text (issue 3): every occurrence of every
// pattern in one pass over the text, whatever the number of patterns. Built once, then
// immutable and safe to share between threads.
//
// Word boundaries: a pattern that begins with an ASCII letter or digit matches only where
// the byte before is not one ("not" does not match inside "cannot"), and a pattern that ends
// with one matches only where the byte after is not one ("rape" does not match "grape", nor
// "not" "nothing"), unless the pattern is a prefix pattern ("traffick" + prefix matches
// "trafficked"). CJK patterns need no boundaries. Patterns are matched as given: normalise
// them (text_normalizer) the same way as the text.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace clue_router::domain {

struct MatcherPattern {
    std::string text;     // non-empty
    bool prefix = false;  // no word boundary required after it
};

struct TermMatch {
    std::uint32_t pattern = 0;  // index into the patterns given to the constructor
    std::uint32_t begin = 0;    // byte offsets into the searched text
    std::uint32_t end = 0;
    bool operator==(const TermMatch&) const = default;
};

class TermMatcher {
  public:
    TermMatcher();  // matches nothing
    // Duplicate patterns are allowed (each reports its own matches). Empty patterns are
    // ignored: they would match everywhere.
    explicit TermMatcher(const std::vector<MatcherPattern>& patterns);

    // Appends every match to `out`, ordered by end offset, then by pattern length
    // (longest first), then by pattern index. Does not clear `out`.
    void find_all(std::string_view text, std::vector<TermMatch>& out) const;
    std::vector<TermMatch> find_all(std::string_view text) const;

    std::size_t pattern_count() const { return lengths_.size(); }
    std::size_t state_count() const { return nodes_.size(); }

  private:
    // State 0 is the root. Children of the root are a dense 256-entry table; states one byte
    // deep have full 256-entry tables too (failures resolved); deeper states keep their
    // edges sorted by byte in one flat array. Everything the scan reads about a state sits
    // in one Node, for locality.
    static constexpr std::uint32_t kNoDense = 0xFFFFFFFFu;
    struct Node {
        std::uint32_t edge_begin = 0;  // edges [edge_begin, edge_end)
        std::uint32_t edge_end = 0;
        std::uint32_t fail = 0;
        std::uint32_t dense = kNoDense;  // index of its full table, if it has one
        std::uint32_t out_begin = 0;     // patterns ending here: out_pattern_[out_begin, out_end)
        std::uint32_t out_end = 0;
        // The state to report from when the scan reaches this one: itself if patterns end
        // here, else the nearest state on its failure chain with outputs; 0 if none.
        std::uint32_t report = 0;
        std::uint32_t dict = 0;  // next state with outputs on the failure chain, 0 if none
    };
    std::vector<Node> nodes_;
    std::vector<std::uint32_t> root_;
    std::vector<std::uint32_t> dense_;
    std::vector<unsigned char> edge_byte_;
    std::vector<std::uint32_t> edge_target_;
    std::vector<std::uint32_t> out_pattern_;
    std::vector<std::uint32_t> lengths_;
    std::vector<unsigned char> left_boundary_;
    std::vector<unsigned char> right_boundary_;

    std::uint32_t step(std::uint32_t state, unsigned char byte) const;
};

}  // namespace clue_router::domain
