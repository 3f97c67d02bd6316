#pragma once
// The full list of GB/T 2260 codes in force, with their names: {"110000": "北京市", …}.
// Optional (config `regions`): the structure check in RegionCode accepts any well-shaped
// code, the list says whether a code exists and what it is called. Codes are retired and
// added every year, so the list is data, never compiled in.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"

namespace clue_router::domain {

class RegionList {
  public:
    // Every member must be a structurally valid code naming a non-empty string.
    static Expected<RegionList, std::string> from_json(const nlohmann::json& doc);

    bool contains(std::string_view code) const;
    // nullptr when the code is not in the list.
    const std::string* name(std::string_view code) const;
    std::size_t size() const { return names_.size(); }
    // Every code, in no particular order.
    const std::unordered_map<std::string, std::string>& all() const { return names_; }

  private:
    std::unordered_map<std::string, std::string> names_;
};

}  // namespace clue_router::domain
