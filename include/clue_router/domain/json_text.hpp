#pragma once
// A JSON object written from members whose values are already serialised. A reply made of
// documents that are each serialised once, where they are made (the clue view and the
// screening on the request's thread, a ticket where it is planned), is assembled by
// concatenation instead of by building one tree and serialising it again on the writer
// thread. Members come out in key order, so the text is byte for byte what
// nlohmann::json::dump() gives for the same object.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/expected.hpp"

namespace clue_router::domain {

// Each value must be one complete JSON text (as dump() writes it); keys must be distinct.
std::string json_object_text(std::vector<std::pair<std::string, std::string>> members);

// A JSON array of already serialised elements.
std::string json_array_text(const std::vector<std::string>& elements);

// Where a byte of a text sits as a person counts: line and column, both from 1; columns count
// characters (UTF-8 code points), not bytes, so an editor's cursor lands on the spot.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t byte_offset);

// `text` parsed as JSON, or why not: "line 3, column 14: <what is wrong>". The reason never
// quotes the text (a request body may hold a victim's story), only where it breaks.
Expected<nlohmann::json, std::string> parse_json_text(std::string_view text);

}  // namespace clue_router::domain
