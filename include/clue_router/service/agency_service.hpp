#pragma once
// The directory as data an administrator keeps: list and read agencies (any key: partners
// need each other's ids), create and replace them (admin keys; If-Match on replace, as for
// tickets). Every change is checked against the whole directory (domain::Directory::with)
// inside the unit of work that stores it, and the live snapshot routing reads is swapped
// after the commit, so the next clue routes with it.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/runtime_config.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

class AgencyService {
  public:
    AgencyService(storage::Store& store, RuntimeConfigHolder& config, const Clock& clock)
        : store_(store), config_(config), clock_(clock) {}

    Result<Page> list(const Actor& actor, std::optional<std::string> cursor, int limit);
    Result<storage::StoredAgency> get(const Actor& actor, const std::string& id);

    // The body is a whole agency (domain::parse_agency). create: 409 when the id exists.
    // replace: the path names the agency; an id in the body must match it; if_match is
    // required (428) and must be the stored version (412).
    void create(const Actor& actor, const nlohmann::json& body,
                Completion<storage::StoredAgency> done);
    void replace(const Actor& actor, const std::string& id, std::optional<std::int64_t> if_match,
                 const nlohmann::json& body, Completion<storage::StoredAgency> done);

    // The view replies use: the agency, its version, level and (with a region list) the
    // region's name.
    nlohmann::json view(const storage::StoredAgency& agency) const;

  private:
    // The agency a POST or PUT body describes, or every field error the body alone shows.
    Result<domain::Agency> checked_agency(const nlohmann::json& body,
                                          std::optional<std::string> path_id);
    void write(const Actor& actor, domain::Agency agency, std::optional<std::int64_t> if_match,
               bool creating, Completion<storage::StoredAgency> done);

    storage::Store& store_;
    RuntimeConfigHolder& config_;
    const Clock& clock_;
};

}  // namespace clue_router::service
