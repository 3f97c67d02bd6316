#include "clue_router/domain/text_checks.hpp"

#include <cstdint>

namespace clue_router::domain {

TextScan scan_text(std::string_view s, bool allow_line_breaks) {
    TextScan r;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0;
        std::size_t len = 0;
        if (b0 < 0x80) {
            cp = b0;
            len = 1;
        } else if (b0 >= 0xC2 && b0 <= 0xDF) {
            cp = b0 & 0x1Fu;
            len = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            cp = b0 & 0x0Fu;
            len = 3;
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            cp = b0 & 0x07u;
            len = 4;
        } else {
            r.valid_utf8 = false;
            return r;
        }
        if (i + len > s.size()) {
            r.valid_utf8 = false;
            return r;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0u) != 0x80u) {
                r.valid_utf8 = false;
                return r;
            }
            cp = (cp << 6) | (b & 0x3Fu);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            r.valid_utf8 = false;
            return r;
        }
        const bool line_break = cp == '\n' || cp == '\r' || cp == '\t';
        if ((cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) &&
            !(allow_line_breaks && line_break)) {
            r.has_control = true;
        }
        ++r.code_points;
        i += len;
    }
    return r;
}

std::string json_pointer_token(std::string_view member) {
    std::string out;
    out.reserve(member.size());
    for (char c : member) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

bool is_lowercase_uuid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const char c = text[i];
        if (dash != (c == '-')) return false;
        if (!dash && !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) return false;
    }
    return true;
}

}  // namespace clue_router::domain
