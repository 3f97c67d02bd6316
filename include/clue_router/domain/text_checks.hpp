#pragma once
// Checks shared by every validator of free text and every field error: strict UTF-8 with a
// code-point count, and RFC 6901 escaping of member names in JSON pointers. A json built in
// code (not parsed from the wire) can hold any bytes, so validators cannot rely on the JSON
// parser having checked them.
#include <cstddef>
#include <string>
#include <string_view>

namespace clue_router::domain {

struct TextScan {
    bool valid_utf8 = true;    // no overlong forms, surrogates, or code points above U+10FFFF
    bool has_control = false;  // C0, DEL or C1, except the line breaks allowed
    std::size_t code_points = 0;
};

// allow_line_breaks: \n, \r and \t are not counted as control characters (narratives).
TextScan scan_text(std::string_view s, bool allow_line_breaks);

// "~" → "~0" and "/" → "~1", so that a member named "a/b" has the pointer "/a~1b".
std::string json_pointer_token(std::string_view member);

// A UUID as the service writes them: 8-4-4-4-12 lower-case hex digits (record ids, cursors).
bool is_lowercase_uuid(std::string_view text);

}  // namespace clue_router::domain
