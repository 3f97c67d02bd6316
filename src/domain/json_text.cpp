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

}  // namespace clue_router::domain
