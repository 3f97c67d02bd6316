#include "clue_router/storage/sqlite_backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "clue_router/domain/sealed_value.hpp"
#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/migrations.hpp"
#include "clue_router/storage/sealed_clues.hpp"
#include "clue_router/storage/sealed_columns.hpp"
#include "clue_router/storage/sealed_secrets.hpp"
#include "clue_router/storage/sqlite.hpp"

namespace clue_router::storage {
namespace {

namespace fs = std::filesystem;
using sqlite::Connection;

constexpr int kBusyTimeoutMs = 5000;
// 1024 pages (4 MiB at SQLite's default page size) a step: fine-grained enough for a
// progress line, coarse enough that the per-step overhead does not show.
constexpr int kPagesPerStep = 1024;
// sqlite3_backup_step does not wait on a busy destination by itself: retry for ~5 s.
constexpr int kBusyRetries = 250;
constexpr auto kBusyPause = std::chrono::milliseconds(20);

// sqlite3_backup_finish, however the copy ends.
class BackupHandle {
  public:
    explicit BackupHandle(sqlite3_backup* handle) : handle_(handle) {}
    ~BackupHandle() {
        if (handle_ != nullptr) sqlite3_backup_finish(handle_);
    }
    BackupHandle(const BackupHandle&) = delete;
    BackupHandle& operator=(const BackupHandle&) = delete;
    sqlite3_backup* get() const { return handle_; }
    // Finishes now and returns SQLite's verdict on the whole copy.
    int finish() { return sqlite3_backup_finish(std::exchange(handle_, nullptr)); }

  private:
    sqlite3_backup* handle_;
};

void copy_pages(Connection& from, Connection& to, const CopyProgress& progress) {
    BackupHandle backup(sqlite3_backup_init(to.handle(), "main", from.handle(), "main"));
    if (backup.get() == nullptr) {
        sqlite::throw_error(to.handle(), sqlite3_errcode(to.handle()), "backup");
    }
    int busy = 0;
    for (;;) {
        const int rc = sqlite3_backup_step(backup.get(), kPagesPerStep);
        const std::int64_t total = sqlite3_backup_pagecount(backup.get());
        if (progress) progress(total - sqlite3_backup_remaining(backup.get()), total);
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_OK) continue;
        if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && busy++ < kBusyRetries) {
            std::this_thread::sleep_for(kBusyPause);
            continue;
        }
        sqlite::throw_error(to.handle(), rc, "backup step");
    }
    if (const int rc = backup.finish(); rc != SQLITE_OK) {
        sqlite::throw_error(to.handle(), rc, "backup");
    }
}

// Starts a read transaction and keeps it open: every later read, the backup API's included,
// sees this one snapshot while other connections commit (WAL).
void pin_snapshot(Connection& c) {
    c.exec("BEGIN");
    auto q = c.query("SELECT count(*) FROM sqlite_schema");
    q->step();
}

bool has_table(Connection& c, const char* name) {
    auto q = c.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?");
    q->bind_all(name);
    return q->step();
}

std::int64_t single_int(Connection& c, const char* sql) {
    auto q = c.query(sql);
    return q->step() ? q->int64(0) : 0;
}

// SQLite's own check of every page, index and constraint. Its messages name tables, indexes
// and pages, never stored values.
void require_integrity(Connection& c, const std::string& what) {
    std::string first;
    try {
        auto q = c.query("PRAGMA integrity_check(1)");
        if (q->step()) first = q->text(0);
    } catch (const StorageError& e) {
        throw StorageError(what + " is not a sound SQLite database: " + e.what());
    }
    if (first != "ok") throw StorageError(what + " fails SQLite's integrity check: " + first);
}

bool has_sealed_clues(Connection& c) {
    if (!has_table(c, "clues")) return false;
    auto q = c.query("SELECT 1 FROM pragma_table_info('clues') WHERE name = 'sealed_with'");
    return q->step();
}

DatabaseFacts facts_of(Connection& c, const std::string& what) {
    DatabaseFacts f;
    f.schema_version = migrations::current_version(c);
    if (f.schema_version == 0 || !has_table(c, "clues")) {
        throw StorageError(what + " is not a clue-router database (no schema_migrations)");
    }
    f.pages = single_int(c, "PRAGMA page_count");
    f.page_size = single_int(c, "PRAGMA page_size");
    f.clues = single_int(c, "SELECT count(*) FROM clues");
    if (has_table(c, "audit_log")) {
        f.audit_rows = single_int(c, "SELECT count(*) FROM audit_log");
        auto q = c.query("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
        if (q->step()) f.audit_head = q->text(0);
    }
    std::set<std::string> keys;
    if (has_sealed_clues(c)) {
        auto q = c.query("SELECT DISTINCT sealed_with FROM clues WHERE sealed_with IS NOT NULL");
        while (q->step()) keys.insert(q->text(0));
    }
    sealed_columns::each_sealed_value(c, [&](const SecretSlot&, const std::string&,
                                             const std::string& key_id) { keys.insert(key_id); });
    f.data_keys.assign(keys.begin(), keys.end());
    return f;
}

std::string errno_text() {
    return std::strerror(errno);
}

void sync_path(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) throw StorageError("cannot open " + path + " to sync it: " + errno_text());
    const int rc = ::fsync(fd);
    const std::string error = rc == 0 ? "" : errno_text();
    ::close(fd);
    if (rc != 0) throw StorageError("cannot sync " + path + ": " + error);
}

// The clue's document opened with the cipher; throws StorageError when it does not open.
domain::Clue open_stored_clue(Connection& c, const std::string& id, const std::string& key_id,
                              const PersonalDataCipher& cipher) {
    auto q = c.query("SELECT body_json FROM clues WHERE id = ?");
    q->bind_all(id);
    if (!q->step()) throw StorageError("stored clue " + id + " vanished");
    auto doc = nlohmann::json::parse(q->text(0), nullptr, false);
    if (doc.is_discarded()) throw StorageError("stored clue " + id + " is not JSON");
    return open_clue_document(std::move(doc), id, key_id, &cipher);
}

std::optional<bool> index_key_matches(Connection& c, const PersonalDataCipher& cipher) {
    if (!has_table(c, "clue_identifiers")) return std::nullopt;
    auto pick = c.query(
        "SELECT c.id, c.sealed_with FROM clue_identifiers i JOIN clues c ON c.id = i.clue_id "
        "WHERE c.sealed_with IS NOT NULL AND c.personal_data_purged_at IS NULL LIMIT 1");
    if (!pick->step()) return std::nullopt;
    const std::string id = pick->text(0);
    const std::string key_id = pick->text(1);
    domain::Clue clue;
    try {
        clue = open_stored_clue(c, id, key_id, cipher);
    } catch (const StorageError&) {
        return std::nullopt;  // its data key is reported failing already
    }
    std::set<std::pair<std::string, std::string>> stored;
    auto q = c.query("SELECT kind, digest FROM clue_identifiers WHERE clue_id = ?");
    q->bind_all(id);
    while (q->step()) stored.emplace(q->text(0), q->text(1));
    const auto computed = identifier_digests(clue, cipher);
    return stored ==
           std::set<std::pair<std::string, std::string>>(computed.begin(), computed.end());
}

}  // namespace

DatabaseFacts backup_database(const std::string& database, const std::string& destination,
                              const CopyProgress& progress) {
    std::error_code ec;
    // Opened read-write below (a read-only connection cannot always open a WAL database
    // whose -wal is gone), so make sure SQLite does not create an empty one instead.
    if (!fs::is_regular_file(database, ec)) {
        throw StorageError("there is no database at " + database);
    }
    if (fs::exists(destination, ec)) {
        throw StorageError(destination + " exists; a backup never overwrites a file");
    }
    const std::string partial = destination + ".partial";
    fs::remove(partial, ec);  // left by an earlier run that died: never a whole backup
    // Mode 600 before SQLite opens it (SQLite would make it 644): it holds every record.
    secure_database_files(partial);
    try {
        DatabaseFacts facts;
        {
            Connection source(database, Connection::Mode::read_write_create, kBusyTimeoutMs);
            pin_snapshot(source);
            Connection copy(partial, Connection::Mode::read_write_create, kBusyTimeoutMs);
            copy_pages(source, copy, progress);
            source.exec("COMMIT");
            // One self-contained file: the copy took the source's WAL flag with page 1.
            copy.exec("PRAGMA journal_mode = DELETE");
            require_integrity(copy, "the copy");
            facts = facts_of(copy, "the copy");
        }
        sync_path(partial, O_RDONLY);
        fs::rename(partial, destination);
        const auto parent = fs::absolute(destination).parent_path();
        sync_path(parent.string(), O_RDONLY | O_DIRECTORY);
        return facts;
    } catch (...) {
        fs::remove(partial, ec);
        throw;
    }
}

DatabaseFacts check_backup(const std::string& backup) {
    std::error_code ec;
    if (!fs::is_regular_file(backup, ec)) throw StorageError("there is no file " + backup);
    Connection c(backup, Connection::Mode::read_only, kBusyTimeoutMs);
    require_integrity(c, backup);
    auto facts = facts_of(c, backup);
    if (facts.schema_version > migrations::latest_version()) {
        throw StorageError(
            backup + " has schema version " + std::to_string(facts.schema_version) +
            ", newer than this binary's " + std::to_string(migrations::latest_version()) +
            "; restore it with the clue-router version that made it, or a newer one");
    }
    return facts;
}

DatabaseFacts restore_database(const std::string& backup, const std::string& destination,
                               const CopyProgress& progress) {
    auto facts = check_backup(backup);
    secure_database_files(destination);  // a new one 0600; a shared one refused, as the store does
    Connection source(backup, Connection::Mode::read_only, kBusyTimeoutMs);
    pin_snapshot(source);
    Connection target(destination, Connection::Mode::read_write_create, kBusyTimeoutMs);
    copy_pages(source, target, progress);
    source.exec("COMMIT");
    {
        auto q = target.query("PRAGMA journal_mode = WAL");
        if (!q->step() || q->text(0) != "wal") {
            throw StorageError("the restored database could not be put in WAL mode");
        }
    }
    target.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return facts;
}

KeyringCheck check_keyring(const std::string& database, const PersonalDataCipher& cipher) {
    Connection c(database, Connection::Mode::read_only, kBusyTimeoutMs);
    pin_snapshot(c);
    std::map<std::string, bool> opens;  // key id → every value tried opened
    if (has_sealed_clues(c)) {
        // One clue per key: a wrong key fails on its first value; the rest add only time.
        auto q = c.query(
            "SELECT sealed_with, min(id) FROM clues WHERE sealed_with IS NOT NULL "
            "AND personal_data_purged_at IS NULL GROUP BY sealed_with");
        while (q->step()) {
            const std::string key_id = q->text(0);
            const std::string id = q->text(1);
            try {
                open_stored_clue(c, id, key_id, cipher);
                opens.emplace(key_id, true);
            } catch (const StorageError&) {
                opens[key_id] = false;
            }
        }
    }
    sealed_columns::each_sealed_value(
        c, [&](const SecretSlot& slot, const std::string& stored, const std::string& key_id) {
            bool ok = true;
            try {
                open_secret(stored, slot, &cipher);
            } catch (const StorageError&) {
                ok = false;
            }
            auto [it, inserted] = opens.emplace(key_id, ok);
            if (!inserted) it->second = it->second && ok;
        });
    KeyringCheck check;
    for (const auto& [key_id, ok] : opens) {
        check.data_keys.push_back(key_id);
        if (!ok) check.failing.push_back(key_id);
    }
    check.index_key_matches = index_key_matches(c, cipher);
    c.exec("COMMIT");
    return check;
}

}  // namespace clue_router::storage
