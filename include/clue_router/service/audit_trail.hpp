#pragma once
// The audit trail: every read of personal data and every change is a row, written in the
// same unit of work as what it records, and chained: each row's hash is SHA-256 of its
// canonical form, which includes the previous row's hash. Editing, deleting or reordering
// rows breaks the chain at that row, and verify() says where.
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clue_router/domain/audit_entry.hpp"
#include "clue_router/service/actor.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// What is being recorded; the actor and time are added by append_audit.
struct AuditRecord {
    std::string action;
    std::string record_type;
    std::string record_id;
    nlohmann::json detail = nlohmann::json::object();  // ids and codes only, never personal data
};

// Appends one chained row inside the caller's unit of work (the writer thread runs units
// one at a time, so the row before it cannot change meanwhile).
void append_audit(storage::WriteTransaction& tx, const Actor& actor, domain::Timestamp at,
                  const AuditRecord& record);

// The actor of a command-line tool: no key, no agency; the request id says which run.
Actor command_line_actor(domain::Timestamp now);
// The service itself acting on a timer or at start-up (task: "sweep", "retention",
// "directory-seed"): key "system", no agency; the request id names the task and the run.
Actor system_actor(std::string_view task, domain::Timestamp now);

struct AuditVerification {
    bool intact = true;
    std::int64_t rows = 0;                  // rows checked (up to the first break)
    std::optional<std::int64_t> broken_at;  // seq of the first row that breaks the chain
    std::string problem;                    // why, in words; empty when intact
    std::string head_hash;                  // hash of the last sound row (record it elsewhere
                                            // to detect the loss of rows at the end)
};

// Walks the whole chain from the first row.
AuditVerification verify_audit(storage::Reader& reader);
nlohmann::json to_json(const AuditVerification& v);

// The admin API over the trail.
class AuditService {
  public:
    explicit AuditService(storage::Store& store) : store_(store) {}

    // Rows after the cursor (a seq), oldest first; admins only.
    Result<nlohmann::json> list(const Actor& actor, std::optional<std::string> cursor, int limit);
    Result<AuditVerification> verify(const Actor& actor);

  private:
    storage::Store& store_;
};

}  // namespace clue_router::service
