#pragma once
// A JSON object written from members whose values are already serialised. A reply made of
// documents that are each serialised once, where they are made (the clue view and the
// screening on the request's thread, a ticket where it is planned), is assembled by
// concatenation instead of by building one tree and serialising it again on the writer
// thread. Members come out in key order, so the text is byte for byte what
// nlohmann::json::dump() gives for the same object.
#include <string>
#include <utility>
#include <vector>

namespace clue_router::domain {

// Each value must be one complete JSON text (as dump() writes it); keys must be distinct.
std::string json_object_text(std::vector<std::pair<std::string, std::string>> members);

// A JSON array of already serialised elements.
std::string json_array_text(const std::vector<std::string>& elements);

}  // namespace clue_router::domain
