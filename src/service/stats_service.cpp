#include "clue_router/service/stats_service.hpp"

namespace clue_router::service {
namespace {

std::string prefix_of(const std::string& region) {
    return region.substr(0, static_cast<std::size_t>(domain::region_prefix_length(region)));
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

        domain::StatsQuery q{request->from, request->to, domain::StatsGrouping::total, *scope,
                             local_offset_};
        const auto totals = reader->stats_figures(q);
        domain::GroupFigures total;
        for (const auto& g : totals) domain::merge_into(total, g);
        std::vector<domain::GroupFigures> groups;
        if (request->by != domain::StatsGrouping::total) {
            q.by = request->by;
            groups = reader->stats_figures(q);
        }
        return StatsReport{*request,
                           domain::make_stats_table(std::move(groups), total, request->by)};
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

}  // namespace clue_router::service
