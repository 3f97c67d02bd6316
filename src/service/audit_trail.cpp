#include "clue_router/service/audit_trail.hpp"

#include "clue_router/service/admin_scope.hpp"
#include "clue_router/service/crypto.hpp"

namespace clue_router::service {

namespace {

std::string hash_of(const domain::AuditEntry& e) {
    return sha256_hex(domain::canonical_form(e));
}

// An admin reads the rows of her region (issue 14 item 3): those written by its agencies,
// and those about them — a key or secret made for one of them by someone outside, a change
// to one of them. Rows of the service itself (no agency: the sweeper, the command line) are
// every admin's. The command line's actor reads all.
bool in_admin_region(const Actor& actor, const std::vector<domain::Agency>& agencies,
                     const domain::AuditEntry& e) {
    if (actor.agency_id.empty() || e.actor_agency.empty() || e.actor_agency == "system") {
        return true;
    }
    const auto manages = [&](const std::string& agency) {
        return agency == actor.agency_id || may_administer(agencies, actor.agency_id, agency);
    };
    if (manages(e.actor_agency)) return true;
    if (e.record_type == "agency" && manages(e.record_id)) return true;
    const auto about = e.detail.find("agency");
    return about != e.detail.end() && about->is_string() && manages(about->get<std::string>());
}

}  // namespace

void append_audit(storage::WriteTransaction& tx, const Actor& actor, domain::Timestamp at,
                  const AuditRecord& record) {
    domain::AuditEntry e;
    const auto last = tx.last_audit_entry();
    e.seq = last ? last->seq + 1 : 1;
    e.prev_hash = last ? last->hash : domain::kAuditGenesisHash;
    e.at = at;
    e.request_id = actor.request_id;
    e.actor_key = actor.key_id;
    e.actor_agency = actor.agency_id;
    e.actor_role = std::string(to_string(actor.role));
    e.actor_person = actor.person_id;
    e.actor_name = actor.person_name;
    e.action = record.action;
    e.record_type = record.record_type;
    e.record_id = record.record_id;
    e.detail = record.detail;
    // A credential issued by another agency's admin acts visibly as such (issue 14 item 3).
    if (!actor.issued_by_agency.empty()) e.detail["credential_issued_by"] = actor.issued_by_agency;
    e.hash = hash_of(e);
    tx.append_audit(e);
}

Actor command_line_actor(domain::Timestamp now) {
    return Actor{"cli", "", Role::admin, "cli-" + new_uuid_v7(now)};
}

Actor system_actor(std::string_view task, domain::Timestamp now) {
    return Actor{"system", "", Role::admin, std::string(task) + "-" + new_uuid_v7(now)};
}

AuditVerification verify_audit(storage::Reader& reader) {
    AuditVerification v;
    v.head_hash = domain::kAuditGenesisHash;
    std::int64_t after = 0;
    std::int64_t expected_seq = 1;
    for (;;) {
        const auto page = reader.audit_entries(after, 1000);
        if (page.empty()) break;
        for (const auto& e : page) {
            if (auto problem =
                    domain::audit_link_problem(e, expected_seq, v.head_hash, hash_of(e))) {
                v.intact = false;
                v.broken_at = e.seq;
                v.problem = *problem;
                return v;
            }
            ++v.rows;
            v.head_hash = e.hash;
            expected_seq = e.seq + 1;
            after = e.seq;
        }
    }
    return v;
}

nlohmann::json to_json(const AuditVerification& v) {
    nlohmann::json out = {
        {"intact", v.intact}, {"rows_checked", v.rows}, {"head_hash", v.head_hash}};
    if (v.broken_at) {
        out["first_broken_seq"] = *v.broken_at;
        out["problem"] = v.problem;
    }
    return out;
}

Result<nlohmann::json> AuditService::list(const Actor& actor, std::optional<std::string> cursor,
                                          int limit) {
    if (actor.role != Role::admin) {
        return domain::unexpected(error(ErrorKind::forbidden, "only admins read the audit trail"));
    }
    std::int64_t after = 0;
    if (cursor) {
        try {
            std::size_t used = 0;
            after = std::stoll(*cursor, &used);
            if (used != cursor->size() || after < 0) throw std::invalid_argument("cursor");
        } catch (const std::exception&) {
            return domain::unexpected(error(ErrorKind::bad_request, "cursor is not valid",
                                            {{"/query/cursor", "is not a cursor from this list"}}));
        }
    }
    try {
        auto rows = store_.reader()->audit_entries(after, limit + 1);
        // (A second reader: the first was released with its rows.)
        nlohmann::json items = nlohmann::json::array();
        const bool more = static_cast<int>(rows.size()) > limit;
        if (more) rows.resize(static_cast<std::size_t>(limit));
        auto reader = store_.reader();
        const auto agencies = reader->agencies();
        for (const auto& e : rows) {
            // The cursor follows the rows read, so a page may hold fewer than the limit.
            if (!in_admin_region(actor, agencies, e)) continue;
            nlohmann::json item = domain::to_json(e);
            // A break-glass read names its reason, kept sealed outside the chained row.
            if (const auto id = e.detail.find("reason_id");
                id != e.detail.end() && id->is_string()) {
                if (auto reason = reader->audit_reason(id->get<std::string>())) {
                    item["reason"] = std::move(*reason);
                }
            }
            items.push_back(std::move(item));
        }
        nlohmann::json page = {{"items", std::move(items)}, {"next_cursor", nullptr}};
        if (more && !rows.empty()) page["next_cursor"] = std::to_string(rows.back().seq);
        return page;
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

Result<AuditVerification> AuditService::verify(const Actor& actor) {
    if (actor.role != Role::admin) {
        return domain::unexpected(
            error(ErrorKind::forbidden, "only admins verify the audit trail"));
    }
    try {
        return verify_audit(*store_.reader());
    } catch (const storage::StorageError&) {
        return domain::unexpected(error(ErrorKind::unavailable, "the database is unavailable"));
    }
}

}  // namespace clue_router::service
