#pragma once
// Free text and stored replies that are sealed at rest like the narrative: the replies kept
// for idempotent requests (they hold the masked clue) and for inbound webhook-ids (they hold
// the ticket), a clue's dismissal reason, and the reasons given for break-glass reads, which
// live here sealed rather than in the hash-chained audit rows that name them by id; notes on
// tickets and the reasons given with transitions (storage/sqlite_ticket_work); screening results,
// whose reasons hold the narrative's matched words (storage/sqlite_screenings). Each value
// is sealed with the data keyring, bound to its table, row and column (storage/sealed_secrets),
// so a copy of the database and its WAL holds none of it in clear, and a value moved to
// another row does not open.
//
// Values written before this sealing began are clear text; they still read (a JSON reply or a
// reason is not an envelope) and `keys rotate-data-key` seals them. Every column sealed here
// is listed in storage/sealed_columns, which rotation, backup and restore read.
#include <optional>
#include <string>
#include <string_view>

#include "clue_router/storage/personal_data_cipher.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage::sqlite_sealed_texts {

// The row part of the binding of a value whose row has a two-part key.
std::string row_of(std::string_view first, std::string_view second);

// Sealed under the current key; throws StorageError without a cipher.
std::string seal(std::string_view value, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher);
// The clear value (as is when stored before sealing); throws StorageError naming the place,
// never the value, when it does not open.
std::string open(std::string_view stored, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher);
std::optional<std::string> open_optional(const std::optional<std::string>& stored,
                                         std::string_view table, std::string_view row,
                                         std::string_view column, const PersonalDataCipher* cipher);

void insert_audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                         const std::string& id, const std::string& reason,
                         const std::string& created_at);
std::optional<std::string> audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                        const std::string& id);

}  // namespace clue_router::storage::sqlite_sealed_texts
