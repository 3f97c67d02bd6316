#include "clue_router/service/admin_scope.hpp"

#include <algorithm>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::service {

bool region_within(std::string_view inner, std::string_view outer) {
    const auto code = domain::RegionCode::parse(inner);
    if (!code) return false;
    // jurisdictions() climbs only through real levels: a municipality's district is inside
    // its municipality, never inside the grouping code 110100.
    const auto enclosing = code->jurisdictions();
    return std::find(enclosing.begin(), enclosing.end(), outer) != enclosing.end();
}

bool may_administer(const std::vector<domain::Agency>& agencies, std::string_view admin_agency,
                    std::string_view target_agency) {
    const auto find = [&](std::string_view id) -> const domain::Agency* {
        for (const auto& a : agencies) {
            if (a.id == id) return &a;
        }
        return nullptr;
    };
    const auto* admin = find(admin_agency);
    const auto* target = find(target_agency);
    if (admin == nullptr || target == nullptr) return false;
    return region_within(target->region, admin->region);
}

}  // namespace clue_router::service
