#include "clue_router/domain/directory.hpp"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

std::string kind_region_key(std::string_view kind, std::string_view region) {
    std::string key;
    key.reserve(kind.size() + 1 + region.size());
    key.append(kind).append("|").append(region);
    return key;
}

std::string join(const FieldErrors& errors) {
    std::string out;
    for (const auto& e : errors) {
        if (!out.empty()) out += "; ";
        out += e.pointer + ": " + e.detail;
    }
    return out;
}

}  // namespace

Expected<Directory, std::string> Directory::build(std::vector<Agency> agencies) {
    // Sorted by id, so that all() and at() answer in the same order whatever the order of
    // the file, and routing ("first by id") is reproducible.
    std::sort(agencies.begin(), agencies.end(),
              [](const Agency& a, const Agency& b) { return a.id < b.id; });

    Directory dir;
    for (std::size_t i = 0; i < agencies.size(); ++i) {
        const Agency& a = agencies[i];
        if (!dir.by_id_.emplace(a.id, i).second) {
            return unexpected("agency '" + a.id + "': duplicate id");
        }
        if (!vocabulary::is_agency_kind(a.kind)) {
            return unexpected("agency '" + a.id + "': unknown kind '" + a.kind + "'");
        }
        if (auto code = RegionCode::parse(a.region); !code) {
            return unexpected("agency '" + a.id + "': region: " + code.error());
        }
    }
    for (const Agency& a : agencies) {
        if (a.parent && !dir.by_id_.contains(*a.parent)) {
            return unexpected("agency '" + a.id + "': parent '" + *a.parent + "' does not exist");
        }
    }
    // Escalation climbs the parent chain; a cycle would make it climb forever.
    for (const Agency& a : agencies) {
        std::unordered_set<std::string_view> seen{a.id};
        const Agency* cur = &a;
        while (cur->parent) {
            if (!seen.insert(*cur->parent).second) {
                return unexpected("agency '" + a.id + "': parent chain has a cycle");
            }
            cur = &agencies[dir.by_id_.at(*cur->parent)];
        }
    }
    for (std::size_t i = 0; i < agencies.size(); ++i) {
        dir.by_kind_region_[kind_region_key(agencies[i].kind, agencies[i].region)].push_back(i);
    }
    dir.agencies_ = std::move(agencies);
    return dir;
}

Expected<Directory, std::string> Directory::from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) return unexpected(std::string("directory: must be an object"));
    for (const auto& [key, value] : doc.items()) {
        if (key != "agencies") return unexpected("directory: unknown member '" + key + "'");
    }
    auto list = doc.find("agencies");
    if (list == doc.end()) return unexpected(std::string("/agencies: is required"));
    if (!list->is_array()) return unexpected(std::string("/agencies: must be an array"));
    std::vector<Agency> agencies;
    agencies.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto agency = parse_agency((*list)[i], "/agencies/" + std::to_string(i));
        if (!agency) return unexpected(join(agency.error()));
        agencies.push_back(std::move(*agency));
    }
    return build(std::move(agencies));
}

Expected<Directory, FieldErrors> Directory::with(const Agency& agency,
                                                 const RegionList* regions) const {
    FieldErrors errors;
    if (regions != nullptr && !regions->contains(agency.region)) {
        errors.push_back({"/region", "is not a code in the configured region list"});
    }
    if (agency.parent) {
        if (*agency.parent == agency.id) {
            errors.push_back({"/parent", "must not be the agency itself"});
        } else if (!find(*agency.parent)) {
            errors.push_back({"/parent", "does not name an agency in the directory"});
        } else {
            // Climb from the new parent: meeting this agency again would close a cycle.
            const Agency* cur = find(*agency.parent);
            for (std::size_t steps = 0; cur != nullptr && steps <= agencies_.size(); ++steps) {
                if (cur->id == agency.id) {
                    errors.push_back({"/parent", "would make the parent chain a cycle"});
                    break;
                }
                cur = cur->parent ? find(*cur->parent) : nullptr;
            }
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));

    std::vector<Agency> next = agencies_;
    if (auto it = by_id_.find(agency.id); it != by_id_.end()) {
        next[it->second] = agency;
    } else {
        next.push_back(agency);
    }
    auto built = build(std::move(next));
    // Everything build() checks was checked above or by parse_agency; a failure here is a
    // directory that was already inconsistent.
    if (!built) return unexpected(FieldErrors{{"", built.error()}});
    return std::move(*built);
}

const Agency* Directory::find(std::string_view id) const {
    auto it = by_id_.find(std::string(id));
    return it == by_id_.end() ? nullptr : &agencies_[it->second];
}

std::vector<const Agency*> Directory::at(std::string_view kind, std::string_view region) const {
    std::vector<const Agency*> out;
    auto it = by_kind_region_.find(kind_region_key(kind, region));
    if (it == by_kind_region_.end()) return out;
    out.reserve(it->second.size());
    for (std::size_t i : it->second) out.push_back(&agencies_[i]);
    return out;
}

}  // namespace clue_router::domain
