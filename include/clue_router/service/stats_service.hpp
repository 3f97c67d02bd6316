#pragma once
// Progress figures for a caller (GET /v1/stats): validates the question, decides from the
// caller's role which records it may count, reads their facts, gives each record its key and
// hands back the published table (domain/stats; protection in domain/cell_key). No figure
// carries personal data, and none is audited as a read of it.
//
// Scope by role (every region is where the woman lives, the clue's subject region):
//   admin      — any region (or all of them);
//   supervisor — women living within its own agency's region;
//   staff      — its own agency: the clues it submitted, the tickets handed to it and the
//                aid measures recorded on those tickets;
//   intake     — the clues its agency submitted, the tickets opened for them and their aid
//                measures.
// A `region` outside the caller's own agency's region is refused with 403 naming
// /query/region: region codes are public, so saying "not yours" reveals nothing, and it is
// clearer than an empty table that looks like "no clues there".
#include <chrono>
#include <map>
#include <string>

#include "clue_router/domain/stats.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

struct StatsReport {
    domain::StatsRequest request;
    domain::StatsTable table;
    std::chrono::minutes local_offset{0};
};

class StatsService {
  public:
    // local_offset: the service's local time (config local_offset_minutes), whose whole days
    // the figures cover. protection: config stats_noise and stats_min_count.
    StatsService(storage::Store& store, const Clock& clock, std::chrono::minutes local_offset,
                 domain::StatsProtection protection = {})
        : store_(store), clock_(clock), local_offset_(local_offset), protection_(protection) {}

    // query: the request's query parameters (from, to, region, by). Errors: bad_request with
    // /query/… pointers, forbidden for a region outside the caller's, unavailable.
    Result<StatsReport> figures(const Actor& actor,
                                const std::map<std::string, std::string>& query);

  private:
    storage::Store& store_;
    const Clock& clock_;
    std::chrono::minutes local_offset_;
    domain::StatsProtection protection_;
};

// The scope a caller's figures are limited to, given the region it asked for and its own
// agency's region (nullopt when its agency is not in the directory). Pure, for tests.
Result<domain::StatsScope> stats_scope(const Actor& actor,
                                       const std::optional<std::string>& requested_region,
                                       const std::optional<std::string>& own_region);

// Gives every clue, ticket and aid measure of the facts its record key: the first 8 bytes of
// HMAC-SHA256 under the database's figures secret of "clue/<id>", "ticket/<id>" or
// "measure/<id>". Keyed, so that nobody who knows ids — every sender knows its
// own clues' — can compute the noise and take it off.
void assign_record_keys(domain::StatsFacts& facts, const std::string& secret);

}  // namespace clue_router::service
