#include "clue_router/domain/password_policy.hpp"

#include <algorithm>
#include <cctype>

namespace clue_router::domain {

namespace {

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Code points of UTF-8 text: every byte that does not continue a sequence starts one.
std::size_t code_points(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

CommonPasswords CommonPasswords::parse(std::string_view text) {
    CommonPasswords list;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        list.words_.insert(ascii_lower(line));
    }
    return list;
}

bool CommonPasswords::contains(std::string_view password) const {
    return words_.count(ascii_lower(password)) != 0;
}

std::optional<std::string> password_problem(std::string_view password,
                                            const CommonPasswords& common) {
    const std::size_t n = code_points(password);
    if (n < kMinPasswordLength) {
        return "must be at least " + std::to_string(kMinPasswordLength) + " characters long";
    }
    if (n > kMaxPasswordLength || password.size() > 4 * kMaxPasswordLength) {
        return "must be at most " + std::to_string(kMaxPasswordLength) + " characters long";
    }
    if (password.find('\0') != std::string_view::npos) return "must not contain a NUL character";
    if (common.contains(password)) {
        return "is one of the commonly used passwords that attackers try first; choose another";
    }
    return std::nullopt;
}

}  // namespace clue_router::domain
