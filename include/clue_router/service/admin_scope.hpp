#pragma once
// Which agencies an administrator may manage (issue 14 item 3): those whose region is her own
// agency's region or lies inside it. A county federation's admin manages that county's
// agencies; a provincial one the province's. No admin of an agency can make a key, a secret, a
// webhook endpoint or a person for an agency above or beside her region, so no admin can raise
// herself to a wider one. The command line (an operator on the host) is not scoped.
#include <string_view>
#include <vector>

#include "clue_router/domain/agency.hpp"

namespace clue_router::service {

// True when `target_agency`'s region is `admin_agency`'s region or lies within it. False when
// either agency is not in `agencies`.
bool may_administer(const std::vector<domain::Agency>& agencies, std::string_view admin_agency,
                    std::string_view target_agency);

// The same question asked of region codes: `inner` is `outer` or lies within it (a county in
// its prefecture or province, a prefecture in its province).
bool region_within(std::string_view inner, std::string_view outer);

}  // namespace clue_router::service
