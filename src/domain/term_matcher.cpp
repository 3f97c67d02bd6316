#include "clue_router/domain/term_matcher.hpp"

#include <algorithm>
#include <deque>
#include <map>

namespace clue_router::domain {
namespace {

bool is_word_byte(unsigned char b) {
    return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

}  // namespace

TermMatcher::TermMatcher() : TermMatcher(std::vector<MatcherPattern>{}) {}

TermMatcher::TermMatcher(const std::vector<MatcherPattern>& patterns) {
    // 1. A trie with ordered children (std::map keeps the build deterministic and simple;
    //    it is thrown away once the flat arrays are built).
    std::vector<std::map<unsigned char, std::uint32_t>> children(1);
    std::vector<std::vector<std::uint32_t>> outputs(1);
    lengths_.reserve(patterns.size());
    for (std::uint32_t id = 0; id < patterns.size(); ++id) {
        const auto& p = patterns[id];
        lengths_.push_back(static_cast<std::uint32_t>(p.text.size()));
        const bool word_start = !p.text.empty() && is_word_byte(p.text.front());
        const bool word_end = !p.text.empty() && is_word_byte(p.text.back()) && !p.prefix;
        left_boundary_.push_back(word_start ? 1 : 0);
        right_boundary_.push_back(word_end ? 1 : 0);
        if (p.text.empty()) continue;
        std::uint32_t s = 0;
        for (const char c : p.text) {
            const auto b = static_cast<unsigned char>(c);
            auto it = children[s].find(b);
            if (it == children[s].end()) {
                const auto next = static_cast<std::uint32_t>(children.size());
                children[s].emplace(b, next);
                children.emplace_back();
                outputs.emplace_back();
                s = next;
            } else {
                s = it->second;
            }
        }
        outputs[s].push_back(id);
    }
    const std::size_t n = children.size();
    nodes_.resize(n);

    // 2. Flat edges and outputs (patterns ending at one state all have its depth as their
    //    length; they are kept in id order).
    root_.assign(256, 0);
    for (const auto& [b, t] : children[0]) root_[b] = t;
    for (std::size_t s = 0; s < n; ++s) {
        Node& node = nodes_[s];
        node.edge_begin = static_cast<std::uint32_t>(edge_byte_.size());
        if (s != 0) {  // the root uses root_
            for (const auto& [b, t] : children[s]) {
                edge_byte_.push_back(b);
                edge_target_.push_back(t);
            }
        }
        node.edge_end = static_cast<std::uint32_t>(edge_byte_.size());
        node.out_begin = static_cast<std::uint32_t>(out_pattern_.size());
        for (auto id : outputs[s]) out_pattern_.push_back(id);
        node.out_end = static_cast<std::uint32_t>(out_pattern_.size());
    }

    // 3. Failure links, breadth first; `order` is the breadth-first order.
    std::vector<std::uint32_t> order;
    order.reserve(n);
    for (const auto& [b, t] : children[0]) order.push_back(t);
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::uint32_t s = order[i];
        for (const auto& [b, t] : children[s]) {
            std::uint32_t f = nodes_[s].fail;
            while (true) {
                if (f == 0) {
                    const std::uint32_t r = root_[b];
                    nodes_[t].fail = (r != t) ? r : 0;
                    break;
                }
                auto it = children[f].find(b);
                if (it != children[f].end()) {
                    nodes_[t].fail = it->second;
                    break;
                }
                f = nodes_[f].fail;
            }
            order.push_back(t);
        }
    }

    // 4. Dictionary links: along a failure chain, states come by decreasing depth, so the
    //    matches at one end offset come out longest first.
    const auto has_output = [&](std::uint32_t s) {
        return nodes_[s].out_begin != nodes_[s].out_end;
    };
    for (const auto s : order) {  // fail(s) is before s in breadth-first order
        const std::uint32_t f = nodes_[s].fail;
        nodes_[s].dict = (f != 0 && has_output(f)) ? f : nodes_[f].dict;
        nodes_[s].report = has_output(s) ? s : nodes_[s].dict;
    }

    // 5. Full tables for the root's children (the failure of a depth-1 state is the root,
    //    so every entry resolves through root_).
    for (const auto& [b, t] : children[0]) {
        const auto d = static_cast<std::uint32_t>(dense_.size() / 256);
        nodes_[t].dense = d;
        dense_.resize(dense_.size() + 256);
        for (unsigned c = 0; c < 256; ++c) {
            auto it = children[t].find(static_cast<unsigned char>(c));
            dense_[d * 256 + c] = it != children[t].end() ? it->second : root_[c];
        }
    }
}

std::uint32_t TermMatcher::step(std::uint32_t state, unsigned char byte) const {
    while (state != 0) {
        const Node& node = nodes_[state];
        if (node.dense != kNoDense) return dense_[node.dense * 256 + byte];
        std::uint32_t lo = node.edge_begin;
        std::uint32_t hi = node.edge_end;
        while (lo < hi) {  // binary search over the sorted edges
            const std::uint32_t mid = (lo + hi) / 2;
            const unsigned char b = edge_byte_[mid];
            if (b == byte) return edge_target_[mid];
            if (b < byte) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        state = node.fail;
    }
    return root_[byte];
}

void TermMatcher::find_all(std::string_view text, std::vector<TermMatch>& out) const {
    if (out_pattern_.empty()) return;
    std::uint32_t state = 0;
    const auto size = static_cast<std::uint32_t>(text.size());
    for (std::uint32_t i = 0; i < size; ++i) {
        state = step(state, static_cast<unsigned char>(text[i]));
        std::uint32_t s = nodes_[state].report;
        const std::uint32_t end = i + 1;
        while (s != 0) {
            const Node& node = nodes_[s];
            for (std::uint32_t k = node.out_begin; k < node.out_end; ++k) {
                const std::uint32_t id = out_pattern_[k];
                const std::uint32_t begin = end - lengths_[id];
                if (left_boundary_[id] && begin > 0 &&
                    is_word_byte(static_cast<unsigned char>(text[begin - 1]))) {
                    continue;
                }
                if (right_boundary_[id] && end < size &&
                    is_word_byte(static_cast<unsigned char>(text[end]))) {
                    continue;
                }
                out.push_back(TermMatch{id, begin, end});
            }
            s = node.dict;
        }
    }
}

std::vector<TermMatch> TermMatcher::find_all(std::string_view text) const {
    std::vector<TermMatch> out;
    find_all(text, out);
    return out;
}

}  // namespace clue_router::domain
