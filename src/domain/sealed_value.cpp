#include "clue_router/domain/sealed_value.hpp"

#include <array>

namespace clue_router::domain {
namespace {

constexpr std::string_view kPrefix = "cr1.";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int base64url_digit(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

bool valid_key_id(std::string_view id) {
    if (id.empty() || id.size() > 32) return false;
    for (char c : id) {
        if (base64url_digit(c) < 0) return false;  // letters, digits, '-' and '_'
    }
    return true;
}

std::string base64url_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[k])); };
    for (; i + 3 <= bytes.size(); i += 3) {
        const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest > 0) {
        const unsigned v = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        if (rest == 2) out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;  // no length of bytes encodes to this
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        const int d = base64url_digit(c);
        if (d < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    // The bits left over must be zero, so that every byte string has exactly one encoding.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
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
