#include "clue_router/domain/base64.hpp"

namespace clue_router::domain {
namespace {

struct Spelling {
    std::string_view alphabet;  // 64 characters
    bool padded;
};

constexpr Spelling kUrl{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false};
constexpr Spelling kStandard{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                             true};

int digit_of(const Spelling& s, char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == s.alphabet[62]) return 62;
    if (c == s.alphabet[63]) return 63;
    return -1;
}

std::string encode(const Spelling& s, std::string_view bytes) {
    const std::size_t whole = bytes.size() / 3;
    const std::size_t rest = bytes.size() - whole * 3;
    const std::size_t tail = rest == 0 ? 0 : (s.padded ? 4 : rest + 1);
    // Sized once and written by index: sealed personal data is base64 in every stored clue,
    // and appending a character at a time cost more than the encryption.
    std::string out(whole * 4 + tail, '\0');
    const auto at = [&](std::size_t k) {
        return static_cast<unsigned>(static_cast<unsigned char>(bytes[k]));
    };
    char* o = out.data();
    for (std::size_t i = 0; i < whole * 3; i += 3, o += 4) {
        const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        o[0] = s.alphabet[(v >> 18) & 63];
        o[1] = s.alphabet[(v >> 12) & 63];
        o[2] = s.alphabet[(v >> 6) & 63];
        o[3] = s.alphabet[v & 63];
    }
    if (rest > 0) {
        const std::size_t i = whole * 3;
        const unsigned v = (at(i) << 16) | (rest == 2 ? at(i + 1) << 8 : 0);
        o[0] = s.alphabet[(v >> 18) & 63];
        o[1] = s.alphabet[(v >> 12) & 63];
        if (rest == 2) o[2] = s.alphabet[(v >> 6) & 63];
        if (s.padded) {
            if (rest == 1) o[2] = '=';
            o[3] = '=';
        }
    }
    return out;
}

std::optional<std::string> decode(const Spelling& s, std::string_view text) {
    if (s.padded) {
        if (text.size() % 4 != 0) return std::nullopt;
        // At most two '=', only at the very end.
        std::size_t pad = 0;
        while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
        text.remove_suffix(pad);
    }
    if (text.size() % 4 == 1) return std::nullopt;  // no length of bytes encodes to this
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        const int d = digit_of(s, c);
        if (d < 0) return std::nullopt;
        acc = ((acc << 6) | static_cast<unsigned>(d)) & 0xffffu;
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

}  // namespace

std::string base64url_encode(std::string_view bytes) {
    return encode(kUrl, bytes);
}
std::optional<std::string> base64url_decode(std::string_view text) {
    return decode(kUrl, text);
}
std::string base64_encode(std::string_view bytes) {
    return encode(kStandard, bytes);
}
std::optional<std::string> base64_decode(std::string_view text) {
    return decode(kStandard, text);
}
bool is_base64url_char(char c) {
    return digit_of(kUrl, c) >= 0;
}

}  // namespace clue_router::domain
