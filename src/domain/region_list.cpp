#include "clue_router/domain/region_list.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {

Expected<RegionList, std::string> RegionList::from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) return unexpected(std::string("region list: must be an object"));
    RegionList list;
    list.names_.reserve(doc.size());
    for (const auto& [code, name] : doc.items()) {
        if (auto parsed = RegionCode::parse(code); !parsed) {
            return unexpected("region list: code '" + code + "': " + parsed.error());
        }
        if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
            return unexpected("region list: code '" + code + "': the name must be a string");
        }
        list.names_.emplace(code, name.get<std::string>());
    }
    return list;
}

bool RegionList::contains(std::string_view code) const {
    return names_.find(std::string(code)) != names_.end();
}

const std::string* RegionList::name(std::string_view code) const {
    auto it = names_.find(std::string(code));
    return it == names_.end() ? nullptr : &it->second;
}

}  // namespace clue_router::domain
