#pragma once
// The audit_log table: append and read. The chain itself (hashes) is computed by the service
// layer (service/audit_trail); here rows are only stored and returned as they are.
#include <cstdint>
#include <optional>
#include <vector>

#include "clue_router/domain/audit_entry.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_audit {

std::optional<domain::AuditEntry> last_entry(sqlite::Connection& c);
void append(sqlite::Connection& c, const domain::AuditEntry& entry);
// Rows with seq > after_seq, in seq order, at most limit (1-1000).
std::vector<domain::AuditEntry> entries(sqlite::Connection& c, std::int64_t after_seq, int limit);

}  // namespace clue_router::storage::sqlite_audit
