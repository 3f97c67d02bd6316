#pragma once
// An immutable snapshot of the agency directory, indexed for routing: finding the agency of
// a kind for a region is a few hash lookups, never a scan. Snapshots are swapped whole on
// reload (DESIGN §6), so readers never lock.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/region_list.hpp"

namespace clue_router::domain {

class Directory {
  public:
    // Checks: ids unique, kinds known, region codes valid, parents exist, no parent cycles.
    static Expected<Directory, std::string> build(std::vector<Agency> agencies);
    // Reads {"agencies": [ … ]} (the format of config/demo-directory.json).
    static Expected<Directory, std::string> from_json(const nlohmann::json& doc);

    // A new snapshot with the agency added, or replacing the one with its id: what the
    // agencies API and `agencies import` check before they store anything. Errors point at
    // the agency's members (/region, /parent): a region missing from the list (when one is
    // loaded), a parent that does not exist, is the agency itself, or would close a cycle.
    Expected<Directory, FieldErrors> with(const Agency& agency,
                                          const RegionList* regions = nullptr) const;

    const Agency* find(std::string_view id) const;
    // The agencies of a kind whose region is exactly this code, in id order.
    std::vector<const Agency*> at(std::string_view kind, std::string_view region) const;
    const std::vector<Agency>& all() const { return agencies_; }

  private:
    std::vector<Agency> agencies_;
    std::unordered_map<std::string, std::size_t> by_id_;
    std::unordered_map<std::string, std::vector<std::size_t>> by_kind_region_;  // "kind|region"
};

}  // namespace clue_router::domain
