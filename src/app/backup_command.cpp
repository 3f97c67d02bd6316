#include "clue_router/app/backup_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "clue_router/app/command_store.hpp"
#include "clue_router/app/data_keys_loader.hpp"
#include "clue_router/app/database_lock.hpp"
#include "clue_router/app/progress.hpp"
#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/sqlite_backup.hpp"
#include "clue_router/storage/sqlite_store.hpp"

namespace clue_router::app {

namespace {

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

void describe(std::ostream& err, const storage::DatabaseFacts& facts) {
    const double mib = static_cast<double>(facts.pages * facts.page_size) / (1024.0 * 1024.0);
    err << static_cast<long long>(mib * 10 + 0.5) / 10.0 << " MiB, schema version "
        << facts.schema_version << ", " << facts.clues << " clue(s), " << facts.audit_rows
        << " audit row(s), audit head " << (facts.audit_head.empty() ? "-" : facts.audit_head)
        << "\n";
}

storage::CopyProgress drawing(Progress& progress) {
    return [&progress](std::int64_t copied, std::int64_t total) { progress.update(copied, total); };
}

bool holds_data(const std::string& database) {
    std::error_code ec;
    return std::filesystem::is_regular_file(database, ec) &&
           std::filesystem::file_size(database, ec) > 0;
}

// The keyring must open the backup before anything is replaced: a database restored without
// the keys it was sealed with has lost every victim's record it held.
bool keyring_opens(std::ostream& err, const Config& config, const std::string& file) {
    const auto keyring = require_data_keyring(config);
    const auto check = storage::check_keyring(file, *keyring);
    for (const auto& key_id : check.failing) {
        err << "error: data key " << key_id
            << (keyring->has_data_key(key_id)
                    ? " in the keyring is not the key the backup was sealed "
                      "with (same name, other bytes)"
                    : " is not in the keyring")
            << "\n";
    }
    if (check.index_key_matches == false) {
        err << "error: the keyring's index key is not the one the backup's blind index was made "
               "with; same-person links would silently stop working\n";
    }
    if (!check.ok()) {
        err << "error: nothing was restored; configure the keyring this backup was made with "
               "(data_keys_file or data_keys_env)\n";
    }
    return check.ok();
}

// The database file for a restore, mode 600 (storage/database_file). A new one made by root
// gets its directory's owner (the service's user, in /var/lib/clue-router), or the service
// could not open it; SQLite gives the -wal and -shm files the database file's owner. Returns
// whether it made the file.
bool prepare_database_file(const std::string& database) {
    std::error_code ec;
    const bool created = !std::filesystem::exists(database, ec);
    storage::secure_database_files(database);
    if (!created || ::geteuid() != 0) return created;
    struct stat dir {};
    const auto parent = std::filesystem::absolute(database).parent_path();
    if (::stat(parent.c_str(), &dir) != 0 ||
        ::chown(database.c_str(), dir.st_uid, dir.st_gid) != 0) {
        const std::string error = std::strerror(errno);
        std::filesystem::remove(database, ec);
        throw std::runtime_error("cannot give " + database + " the owner of " + parent.string() +
                                 ": " + error);
    }
    return true;
}

}  // namespace

int backup_command(const Config& config, const std::string& file, std::ostream& err) {
    storage::DatabaseFacts facts;
    {
        auto progress = Progress::on_stderr("backup", "pages");
        facts = storage::backup_database(config.database, file, drawing(progress));
    }
    err << "backed up " << config.database << " to " << file << ": ";
    describe(err, facts);
    if (!facts.data_keys.empty()) {
        err << "the backup holds no data key: reading it needs the keyring with data key(s) "
            << joined(facts.data_keys) << " and the index key; keep the keyring backed up "
            << "apart from the database's backups\n";
    }
    return 0;
}

int restore_command(const Config& config, const std::string& file, bool overwrite,
                    std::ostream& err) {
    const auto parent = std::filesystem::path(config.database).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent);
    const auto lock = DatabaseLock::try_acquire(config.database, DatabaseLock::Mode::exclusive);
    if (!lock) {
        err << "error: a clue-router server is using " << config.database << " (it holds "
            << DatabaseLock::path_for(config.database)
            << "); stop it first (systemctl stop clue-router); nothing was restored\n";
        return 1;
    }
    if (holds_data(config.database) && !overwrite) {
        err << "error: " << config.database
            << " holds a database; restoring replaces it, and what was written since the "
               "backup was made is lost. Back it up, then pass --overwrite\n";
        return 2;
    }
    // The backup first, then the keyring against it: nothing is replaced before both pass.
    const auto facts = storage::check_backup(file);
    if (!keyring_opens(err, config, file)) return 1;
    const bool created = prepare_database_file(config.database);
    try {
        auto progress = Progress::on_stderr("restore", "pages");
        storage::restore_database(file, config.database, drawing(progress));
    } catch (...) {
        // The copy is one transaction: an existing database is as it was; a new one goes.
        std::error_code ec;
        if (created) {
            for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
                std::filesystem::remove(config.database + suffix, ec);
            }
        }
        throw;
    }
    err << "restored " << file << " to " << config.database << ": ";
    describe(err, facts);

    // Opening the store applies the migrations the backup lacks; the trail records the
    // restore, then is walked whole.
    auto store = open_command_store(config);
    const auto now = service::SystemClock{}.now();
    storage::write_and_wait(*store, [&](storage::WriteTransaction& tx) {
        service::append_audit(tx, service::command_line_actor(now), now,
                              {"database.restored",
                               "database",
                               std::filesystem::path(file).filename().string(),
                               {{"schema_version", facts.schema_version},
                                {"clues", facts.clues},
                                {"audit_rows", facts.audit_rows},
                                {"audit_head", facts.audit_head}}});
    });
    const auto verification = service::verify_audit(*store->reader());
    store->stop();
    if (!verification.intact) {
        err << "error: restored, but the audit trail is BROKEN at row " << *verification.broken_at
            << ": " << verification.problem << "\n";
        return 1;
    }
    err << "audit trail intact: " << verification.rows << " row(s), head " << verification.head_hash
        << "; schema version " << storage::latest_schema_version() << "\n";
    return 0;
}

}  // namespace clue_router::app
