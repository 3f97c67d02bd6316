#include "clue_router/http/query.hpp"

#include <algorithm>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::http {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            const int hi = hex_value(s[i + 1]);
            const int lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (s[i] == '+' && plus_is_space) {
            out.push_back(' ');
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

}  // namespace

std::vector<std::string> unknown_parameters(const Target& target,
                                            std::span<const std::string_view> allowed) {
    std::vector<std::string> out;
    for (const auto& [name, value] : target.query) {
        bool known = false;
        for (std::string_view a : allowed) known = known || a == name;
        if (!known) out.push_back(name);
    }
    return out;
}

bool is_cursor(std::string_view text, CursorKind kind) {
    const auto all_of = [&](auto pred) {
        for (char c : text) {
            if (!pred(c)) return false;
        }
        return true;
    };
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    switch (kind) {
        case CursorKind::uuid:
            return domain::is_lowercase_uuid(text);
        case CursorKind::agency_id:
            return !text.empty() && text.size() <= 64 && all_of([&](char c) {
                return (c >= 'a' && c <= 'z') || digit(c) || c == '.' || c == '_' || c == '-';
            });
        case CursorKind::sequence:
            // 19 digits may still overflow an int64: compare with its maximum as text.
            return !text.empty() && text.size() <= 19 && all_of(digit) &&
                   (text.size() < 19 || text <= "9223372036854775807");
    }
    return false;
}

std::optional<Target> parse_target(std::string_view target) {
    if (target.empty() || target.front() != '/') return std::nullopt;
    Target out;
    const auto q = target.find('?');
    const std::string_view path = target.substr(0, q);
    out.path = std::string(path);
    for (std::size_t start = 1; start <= path.size();) {
        const auto slash = std::min(path.find('/', start), path.size());
        auto segment = percent_decode(path.substr(start, slash - start), false);
        if (!segment) return std::nullopt;
        out.segments.push_back(std::move(*segment));
        start = slash + 1;
    }
    if (q == std::string_view::npos) return out;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = percent_decode(pair.substr(0, eq), true);
        auto value = percent_decode(
            eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
        if (!name || !value) return std::nullopt;
        out.query[std::move(*name)] = std::move(*value);
    }
    return out;
}

}  // namespace clue_router::http
