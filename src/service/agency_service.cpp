#include "clue_router/service/agency_service.hpp"

#include <algorithm>
#include <memory>

#include "clue_router/domain/region_code.hpp"
#include "clue_router/service/admin_scope.hpp"
#include "clue_router/service/audit_trail.hpp"

namespace clue_router::service {
namespace {

ServiceError admins_only() {
    return error(ErrorKind::forbidden, "only an admin key may change the directory");
}

ServiceError unavailable() {
    return error(ErrorKind::unavailable, "the database is unavailable");
}

// Field errors from Directory::with point at the agency's members.
ServiceError invalid(domain::FieldErrors errors) {
    return error(ErrorKind::validation, "the agency does not fit the directory", std::move(errors));
}

}  // namespace

nlohmann::json AgencyService::view(const storage::StoredAgency& stored) const {
    nlohmann::json out = domain::to_json(stored.agency);
    out["version"] = stored.version;
    out["updated_at"] = domain::format_rfc3339(stored.updated_at);
    if (auto code = domain::RegionCode::parse(stored.agency.region)) {
        out["level"] = domain::to_string(code->level());
    }
    const auto config = config_.get();
    if (config->regions) {
        if (const auto* name = config->regions->name(stored.agency.region)) {
            out["region_name"] = *name;
        }
    }
    return out;
}

Result<Page> AgencyService::list(const Actor&, std::optional<std::string> cursor, int limit) {
    try {
        auto all = store_.reader()->agency_records();
        // Sorted by id; the cursor is the last id of the previous page.
        auto it = all.begin();
        if (cursor) {
            it = std::upper_bound(all.begin(), all.end(), *cursor,
                                  [](const std::string& c, const storage::StoredAgency& a) {
                                      return c < a.agency.id;
                                  });
        }
        Page page;
        for (int n = 0; it != all.end() && n < limit; ++it, ++n) page.items.push_back(view(*it));
        if (it != all.end() && !page.items.empty()) {
            page.next_cursor = page.items.back()["id"].get<std::string>();
        }
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<storage::StoredAgency> AgencyService::get(const Actor&, const std::string& id) {
    try {
        auto found = store_.reader()->find_agency(id);
        if (!found) return domain::unexpected(error(ErrorKind::not_found, "no such agency"));
        return std::move(*found);
    } catch (const storage::StorageError&) {
        return domain::unexpected(unavailable());
    }
}

Result<domain::Agency> AgencyService::checked_agency(const nlohmann::json& body,
                                                     std::optional<std::string> path_id) {
    // Every error the body alone shows comes back at once: its shape, an id that differs
    // from the path's, and a region missing from the region list. What needs the directory
    // (the parent) is checked in the unit of work.
    domain::FieldErrors errors;
    auto agency = domain::parse_agency(body);
    if (!agency) errors = agency.error();
    if (path_id && body.is_object()) {
        const auto it = body.find("id");
        if (it != body.end() && it->is_string() && it->get<std::string>() != *path_id) {
            errors.push_back({"/id", "must match the agency in the path"});
        }
    }
    const auto regions = config_.get()->regions;
    if (regions && body.is_object()) {
        const auto it = body.find("region");
        const bool malformed = std::any_of(errors.begin(), errors.end(),
                                           [](const auto& e) { return e.pointer == "/region"; });
        if (!malformed && it != body.end() && it->is_string() &&
            !regions->contains(it->get<std::string>())) {
            errors.push_back({"/region", "is not a code in the configured region list"});
        }
    }
    if (!errors.empty()) {
        return domain::unexpected(error(ErrorKind::validation, "the agency is not valid", errors));
    }
    return std::move(*agency);
}

namespace {
// An admin changes only the agencies of her region, and cannot move one out of it or widen her
// own (issue 14 item 3). The command line's actor has no agency and is not scoped.
std::optional<ServiceError> outside_admin_region(
    const Actor& actor, const domain::Directory& directory, const domain::Agency& agency,
    const std::optional<storage::StoredAgency>& stored) {
    if (actor.agency_id.empty()) return std::nullopt;
    const auto* own = directory.find(actor.agency_id);
    const std::string region = own != nullptr ? own->region : "";
    if (stored && !region_within(stored->agency.region, region)) {
        return error(ErrorKind::forbidden, "the agency is outside this admin's region");
    }
    if (!region_within(agency.region, region)) {
        return error(ErrorKind::validation, "the agency is outside this admin's region",
                     {{"/region", "is outside the region of this admin's agency (" + region +
                                      "): an admin manages the agencies of her own region"}});
    }
    return std::nullopt;
}
}  // namespace

void AgencyService::create(const Actor& actor, const nlohmann::json& body,
                           Completion<storage::StoredAgency> done) {
    if (actor.role != Role::admin) return done(domain::unexpected(admins_only()));
    auto agency = checked_agency(body, std::nullopt);
    if (!agency) return done(domain::unexpected(std::move(agency.error())));
    write(actor, std::move(*agency), std::nullopt, true, std::move(done));
}

void AgencyService::replace(const Actor& actor, const std::string& id,
                            std::optional<std::int64_t> if_match, const nlohmann::json& body,
                            Completion<storage::StoredAgency> done) {
    if (actor.role != Role::admin) return done(domain::unexpected(admins_only()));
    nlohmann::json doc = body;
    if (doc.is_object() && !doc.contains("id")) doc["id"] = id;
    auto agency = checked_agency(doc, id);
    if (!agency) return done(domain::unexpected(std::move(agency.error())));
    if (!if_match) {
        return done(domain::unexpected(error(ErrorKind::precondition_required,
                                             "send If-Match with the agency's ETag, so that a "
                                             "change made meanwhile is not overwritten")));
    }
    write(actor, std::move(*agency), if_match, false, std::move(done));
}

void AgencyService::write(const Actor& actor, domain::Agency agency,
                          std::optional<std::int64_t> if_match, bool creating,
                          Completion<storage::StoredAgency> done) {
    struct Outcome {
        std::optional<Result<storage::StoredAgency>> result;
        std::shared_ptr<const domain::Directory> next;
    };
    auto outcome = std::make_shared<Outcome>();
    const auto regions = config_.get()->regions;
    const auto now = clock_.now();
    store_.write(
        [=](storage::WriteTransaction& tx) {
            const auto stored = tx.find_agency(agency.id);
            if (creating && stored) {
                outcome->result = domain::unexpected(error(
                    ErrorKind::conflict, "an agency with this id exists; replace it with PUT"));
                return;
            }
            if (!creating && !stored) {
                outcome->result = domain::unexpected(error(ErrorKind::not_found, "no such agency"));
                return;
            }
            if (!creating && stored->version != *if_match) {
                ServiceError e = error(ErrorKind::precondition_failed,
                                       "the agency changed since you read it; read it again");
                e.current_version = stored->version;
                outcome->result = domain::unexpected(std::move(e));
                return;
            }
            // Checked against the directory as committed so far in this group, not the live
            // snapshot, which is swapped only after the commit.
            std::vector<domain::Agency> current;
            for (auto& r : tx.agency_records()) current.push_back(std::move(r.agency));
            auto base = domain::Directory::build(std::move(current));
            if (!base) throw storage::StorageError("the stored directory is inconsistent");
            if (auto refused = outside_admin_region(actor, *base, agency, stored)) {
                outcome->result = domain::unexpected(std::move(*refused));
                return;
            }
            auto next = base->with(agency, regions.get());
            if (!next) {
                outcome->result = domain::unexpected(invalid(next.error()));
                return;
            }
            if (creating) {
                tx.upsert_agency(agency);
            } else if (!tx.update_agency(agency, *if_match)) {
                outcome->result = domain::unexpected(
                    error(ErrorKind::precondition_failed, "the agency changed since you read it"));
                return;
            }
            outcome->result = *tx.find_agency(agency.id);
            append_audit(tx, actor, now,
                         {creating ? "agency.created" : "agency.replaced",
                          "agency",
                          agency.id,
                          {{"version", (*outcome->result)->version}}});
            outcome->next = std::make_shared<const domain::Directory>(std::move(*next));
        },
        [this, outcome, done = std::move(done)](std::exception_ptr failure) {
            if (failure || !outcome->result) {
                done(domain::unexpected(error(ErrorKind::unavailable,
                                              "the change could not be stored; nothing "
                                              "changed")));
                return;
            }
            if (outcome->next) {
                // Units commit and complete in order, so the last swap is the latest state.
                config_.update([&](RuntimeConfig& c) { c.directory = *outcome->next; });
            }
            done(std::move(*outcome->result));
        });
}

}  // namespace clue_router::service
