#pragma once
// One row of the audit trail (DESIGN §4 "Audit"): who read or changed what, when. Pure: the
// canonical form that the chain hashes, and the judgement of one link. Hashing itself is in
// service/audit_trail.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct AuditEntry {
    std::int64_t seq = 0;  // 1, 2, 3 … without gaps
    Timestamp at{};
    std::string request_id;  // the HTTP request, or "cli-…" for a command
    std::string actor_key;   // key id, or "cli" for the command line
    std::string actor_agency;
    std::string actor_role;
    // A person signed in (issue 15): her account id and display name; empty for keys, the
    // command line and the service itself.
    std::string actor_person;
    std::string actor_name;
    std::string action;       // e.g. "clue.submitted", "clue.personal_data_read"
    std::string record_type;  // clue, ticket, api_key, criteria, audit …
    std::string record_id;
    nlohmann::json detail = nlohmann::json::object();  // never personal data
    std::string prev_hash;  // the previous row's hash; kGenesisHash for the first row
    std::string hash;       // SHA-256 hex of canonical_form()
};

// The previous hash of the first row.
inline const std::string kAuditGenesisHash(64, '0');

// What the hash covers: every field but the hash, in a fixed order, as compact JSON (object
// members sorted), so that the same row always gives the same bytes.
std::string canonical_form(const AuditEntry& entry);

// Why a row breaks the chain, or nullopt when it is a sound link. `expected_seq` and
// `expected_prev` come from the row before it (1 and kAuditGenesisHash for the first);
// `recomputed_hash` is the hash of the row's canonical form as read.
std::optional<std::string> audit_link_problem(const AuditEntry& entry, std::int64_t expected_seq,
                                              const std::string& expected_prev,
                                              const std::string& recomputed_hash);

nlohmann::json to_json(const AuditEntry& entry);

}  // namespace clue_router::domain
