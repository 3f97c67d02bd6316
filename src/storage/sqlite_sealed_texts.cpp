#include "clue_router/storage/sqlite_sealed_texts.hpp"

#include "clue_router/storage/sealed_secrets.hpp"

namespace clue_router::storage::sqlite_sealed_texts {

namespace {

SecretSlot slot(std::string_view table, std::string_view row, std::string_view column) {
    return SecretSlot{table, row, column};
}

}  // namespace

std::string row_of(std::string_view first, std::string_view second) {
    // Agency ids have no '/', so the split is unambiguous whatever the second part holds.
    return std::string(first) + "/" + std::string(second);
}

std::string seal(std::string_view value, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher) {
    return seal_secret(value, slot(table, row, column), cipher);
}

std::string open(std::string_view stored, std::string_view table, std::string_view row,
                 std::string_view column, const PersonalDataCipher* cipher) {
    return open_secret(stored, slot(table, row, column), cipher);
}

std::optional<std::string> open_optional(const std::optional<std::string>& stored,
                                         std::string_view table, std::string_view row,
                                         std::string_view column,
                                         const PersonalDataCipher* cipher) {
    if (!stored) return std::nullopt;
    return open(*stored, table, row, column, cipher);
}

void insert_audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                         const std::string& id, const std::string& reason,
                         const std::string& created_at) {
    auto q = c.query("INSERT INTO audit_reasons (id, reason, created_at) VALUES (?, ?, ?)");
    q->bind_all(id, seal(reason, "audit_reasons", id, "reason", cipher), created_at);
    q->run();
}

std::optional<std::string> audit_reason(sqlite::Connection& c, const PersonalDataCipher* cipher,
                                        const std::string& id) {
    auto q = c.query("SELECT reason FROM audit_reasons WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) return std::nullopt;
    return open(q->text(0), "audit_reasons", id, "reason", cipher);
}

}  // namespace clue_router::storage::sqlite_sealed_texts
