#include "clue_router/service/stats_service.hpp"

#include <algorithm>

#include "clue_router/service/crypto.hpp"

namespace clue_router::service {
namespace {

std::string prefix_of(const std::string& region) {
    return region.substr(0, static_cast<std::size_t>(domain::region_prefix_length(region)));
}

bool wants(const domain::StatsRequest& r, domain::StatsDimension d) {
    return std::find(r.by.begin(), r.by.end(), d) != r.by.end();
}

}  // namespace

Result<domain::StatsScope> stats_scope(const Actor& actor,
                                       const std::optional<std::string>& requested_region,
                                       const std::optional<std::string>& own_region) {
    domain::StatsScope scope;
    if (actor.role == Role::admin) {
        if (requested_region) scope.region_prefix = prefix_of(*requested_region);
        return scope;
    }
    if (requested_region &&
        (!own_region || !domain::region_within(*requested_region, *own_region))) {
        return domain::unexpected(error(ErrorKind::forbidden,
                                        "figures outside your agency's region are not yours to see",
                                        {{"/query/region", "lies outside your agency's region"}}));
    }
    switch (actor.role) {
        case Role::supervisor:
            if (!own_region) {
                return domain::unexpected(error(ErrorKind::forbidden,
                                                "your agency is not in the stored directory, so it "
                                                "has no region to supervise"));
            }
            scope.region_prefix = prefix_of(requested_region.value_or(*own_region));
            break;
        case Role::staff:
            scope.agency = actor.agency_id;
            if (requested_region) scope.region_prefix = prefix_of(*requested_region);
            break;
        case Role::intake:
            scope.clue_sender = actor.agency_id;
            if (requested_region) scope.region_prefix = prefix_of(*requested_region);
            break;
        case Role::admin:
            break;
    }
    return scope;
}

void assign_record_keys(domain::StatsFacts& facts, const std::string& secret) {
    auto key_of = [&secret](const std::string& name) {
        const std::string mac = hmac_sha256(secret, name);
        domain::CellKey k = 0;
        for (int i = 0; i < 8; ++i) {
            k = (k << 8) | static_cast<unsigned char>(mac[static_cast<std::size_t>(i)]);
        }
        return k;
    };
    for (auto& c : facts.clues) c.key = key_of("clue/" + c.id);
    for (auto& t : facts.tickets) t.key = key_of("ticket/" + t.id);
    for (auto& m : facts.measures) m.key = key_of("measure/" + m.id);
}

Result<StatsReport> StatsService::figures(const Actor& actor,
                                          const std::map<std::string, std::string>& query) {
    auto request = domain::parse_stats_request(query, clock_.now(), local_offset_);
    if (!request) {
        return domain::unexpected(
            error(ErrorKind::bad_request, "the figures asked for are not valid", request.error()));
    }
    try {
        auto reader = store_.reader();
        std::optional<std::string> own_region;
        if (actor.role != Role::admin) {
            if (const auto agency = reader->find_agency(actor.agency_id)) {
                own_region = agency->agency.region;
            }
        }
        auto scope = stats_scope(actor, request->region, own_region);
        if (!scope) return domain::unexpected(std::move(scope.error()));

        using domain::StatsDimension;
        domain::StatsQuery q;
        q.from = domain::start_of_local_day(request->days.first, local_offset_);
        q.to = domain::start_of_local_day(request->days.end, local_offset_);
        q.days = request->days;
        q.scope = *scope;
        q.key_groups = wants(*request, StatsDimension::key_group);
        q.purposes = wants(*request, StatsDimension::purpose);
        q.rural = wants(*request, StatsDimension::rural);
        auto facts = reader->stats_facts(q);
        assign_record_keys(facts, reader->figures_secret());
        auto table = domain::make_stats_table(facts, *request, protection_, local_offset_);
        return StatsReport{std::move(*request), std::move(table), local_offset_};
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

}  // namespace clue_router::service
