#include "clue_router/storage/sqlite_agencies.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/time.hpp"
#include "clue_router/storage/store.hpp"
#include "clue_router/storage/time_columns.hpp"

namespace clue_router::storage::sqlite_agencies {
namespace {

#define AGENCY_COLUMNS \
    "id, kind, name, region, parent, services_json, accepts_referrals, version, updated_at"

StoredAgency agency_row(const sqlite::Statement& s) {
    StoredAgency out;
    domain::Agency& a = out.agency;
    a.id = s.text(0);
    a.kind = s.text(1);
    a.name = s.text(2);
    a.region = s.text(3);
    a.parent = s.optional_text(4);
    const auto services = nlohmann::json::parse(s.text(5), nullptr, false);
    if (services.is_discarded() || !services.is_array()) {
        throw StorageError("stored agencies.services_json is bad");
    }
    for (const auto& service : services) {
        if (!service.is_string()) throw StorageError("stored agencies.services_json is bad");
        a.services.push_back(service.get<std::string>());
    }
    a.accepts_referrals = s.int64(6) != 0;
    out.version = s.int64(7);
    out.updated_at = time_column(s, 8, "agencies.updated_at");
    return out;
}

}  // namespace

std::vector<StoredAgency> all(sqlite::Connection& c) {
    auto q = c.query("SELECT " AGENCY_COLUMNS " FROM agencies ORDER BY id");
    std::vector<StoredAgency> out;
    while (q->step()) out.push_back(agency_row(*q));
    return out;
}

std::optional<StoredAgency> find(sqlite::Connection& c, const std::string& id) {
    auto q = c.query("SELECT " AGENCY_COLUMNS " FROM agencies WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return agency_row(*q);
}

std::int64_t upsert(sqlite::Connection& c, const domain::Agency& a) {
    auto q = c.query(
        "INSERT INTO agencies (id, kind, name, region, parent, services_json, "
        "accepts_referrals, version, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, 1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
        "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
        "region = excluded.region, parent = excluded.parent, "
        "services_json = excluded.services_json, "
        "accepts_referrals = excluded.accepts_referrals, version = agencies.version + 1, "
        "updated_at = excluded.updated_at "
        "RETURNING version");
    q->bind_all(a.id, a.kind, a.name, a.region, a.parent, nlohmann::json(a.services).dump(),
                a.accepts_referrals);
    if (!q->step()) throw StorageError("agency upsert returned no version");
    return q->int64(0);
}

bool update(sqlite::Connection& c, const domain::Agency& a, std::int64_t expected_version) {
    auto q = c.query(
        "UPDATE agencies SET kind = ?, name = ?, region = ?, parent = ?, services_json = ?, "
        "accepts_referrals = ?, version = version + 1, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND version = ?");
    q->bind_all(a.kind, a.name, a.region, a.parent, nlohmann::json(a.services).dump(),
                a.accepts_referrals, a.id, expected_version);
    q->run();
    return c.changes() == 1;
}

}  // namespace clue_router::storage::sqlite_agencies
