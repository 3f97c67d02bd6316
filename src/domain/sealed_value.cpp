#include "clue_router/domain/sealed_value.hpp"

#include <array>

#include "clue_router/domain/base64.hpp"

namespace clue_router::domain {
namespace {

constexpr std::string_view kPrefix = "cr1.";
}  // namespace

bool valid_key_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    for (char c : id) {
        if (!is_base64url_char(c)) return false;  // letters, digits, '-' and '_'
    }
    return true;
}

std::string format_sealed(const SealedValue& value) {
    std::string out(kPrefix);
    out += value.key_id;
    out += '.';
    out += base64url_encode(value.nonce);
    out += '.';
    out += base64url_encode(value.ciphertext);
    return out;
}

std::optional<SealedValue> parse_sealed(std::string_view text) {
    if (!text.starts_with(kPrefix)) return std::nullopt;
    text.remove_prefix(kPrefix.size());
    std::array<std::string_view, 3> parts;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const auto dot = text.find('.');
        if ((dot == std::string_view::npos) != (i == parts.size() - 1)) return std::nullopt;
        parts[i] = text.substr(0, dot);
        if (dot != std::string_view::npos) text.remove_prefix(dot + 1);
    }
    if (!valid_key_id(parts[0])) return std::nullopt;
    auto nonce = base64url_decode(parts[1]);
    auto ciphertext = base64url_decode(parts[2]);
    if (!nonce || !ciphertext || nonce->empty() || ciphertext->empty()) return std::nullopt;
    return SealedValue{std::string(parts[0]), std::move(*nonce), std::move(*ciphertext)};
}

}  // namespace clue_router::domain
