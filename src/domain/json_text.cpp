#include "clue_router/domain/json_text.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace clue_router::domain {

std::string json_object_text(std::vector<std::pair<std::string, std::string>> members) {
    // nlohmann's objects are std::maps: dump() writes members by byte-wise key order.
    std::sort(members.begin(), members.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t size = 2;
    for (const auto& [key, value] : members) size += key.size() + value.size() + 4;
    std::string out;
    out.reserve(size);
    out += '{';
    for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out += ',';
        out += nlohmann::json(members[i].first).dump();  // the key, escaped as dump() would
        out += ':';
        out += members[i].second;
    }
    out += '}';
    return out;
}

std::string json_array_text(const std::vector<std::string>& elements) {
    std::string out = "[";
    for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out += ',';
        out += elements[i];
    }
    out += ']';
    return out;
}

TextPosition position_of(std::string_view text, std::size_t byte_offset) {
    TextPosition at;
    const std::size_t end = std::min(byte_offset, text.size());
    for (std::size_t i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++at.line;
            at.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
            ++at.column;
        }
    }
    return at;
}

Expected<nlohmann::json, std::string> parse_json_text(std::string_view text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // e.byte counts from 1 and names the byte the parser stopped at (one past the end
        // for a text cut short). nlohmann's own message quotes what it last read: not used.
        const TextPosition at = position_of(text, e.byte == 0 ? 0 : e.byte - 1);
        const bool cut_short = e.byte > text.size();
        return unexpected("line " + std::to_string(at.line) + ", column " +
                          std::to_string(at.column) + ": " +
                          (cut_short ? "the text ends before the JSON does"
                                     : "not valid JSON here (RFC 8259, UTF-8)"));
    } catch (const nlohmann::json::exception&) {
        // Well formed, but a number beyond what a double holds (1e400): nlohmann says where
        // only for syntax errors.
        return unexpected(std::string("a number is too large to read"));
    }
}

}  // namespace clue_router::domain
