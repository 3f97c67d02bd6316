// Backup and restore of the SQLite database (storage/sqlite_backup) against real files, with
// the store writing at the same time.
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "clue_router/service/data_keys.hpp"
#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_backup.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

// One unit of work: a clue and its ticket, together or not at all.
void write_clue(Store& store, int n) {
    const std::string id = "c" + std::to_string(n);
    write_and_wait(store, [&](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue(id, "hotline-a"));
        tx.insert_ticket(ticket("t" + std::to_string(n), id, "hotline-a", "proc-b"));
    });
}

std::int64_t count(const std::string& db, const char* sql) {
    sqlite::Connection c(db, sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(sql);
    q->step();
    return q->int64(0);
}

void add_filler(const std::string& db, int mib) {
    secure_database_files(db);  // 0600, as the store demands
    sqlite::Connection c(db, sqlite::Connection::Mode::read_write_create, 1000);
    c.exec("CREATE TABLE filler (b BLOB)");
    auto q = c.query(
        "INSERT INTO filler WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
        "WHERE i < ?) SELECT randomblob(1048576) FROM n");
    q->bind_all(mib);
    q->run();
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const StorageError& e) {
        return e.what();
    }
    return "";
}

// A keyring text with the test keyring's key ids, and other bytes where asked.
std::string keyring_text(bool other_data_key, bool other_index_key) {
    const std::string fresh = service::DataKeyring::with_new_data_key("", domain::Timestamp{});
    const auto other = service::DataKeyring::parse(fresh)->to_text();
    const std::string ours = test_keyring()->to_text();
    auto entry = [](const std::string& text, const std::string& prefix) {
        const auto at = text.find(prefix);
        return text.substr(at + prefix.size(), 64);
    };
    const std::string id = test_keyring()->current_key_id();
    const std::string other_id = service::DataKeyring::parse(fresh)->current_key_id();
    return "current=" + id + "\ndata." + id + "=" +
           entry(other_data_key ? other : ours, "data." + (other_data_key ? other_id : id) + "=") +
           "\nindex=" + entry(other_index_key ? other : ours, "index=") + "\n";
}

}  // namespace

TEST_CASE("a backup is one snapshot while the store keeps writing, and restores whole",
          "[storage][backup]") {
    TempDir dir;
    add_filler(dir.db(), 24);  // 24 MiB: several copy steps with writes between them
    auto store = open_sqlite_store(options_for(dir));
    for (int i = 0; i < 20; ++i) write_clue(*store, i);

    std::atomic<bool> stop{false};
    std::atomic<int> written{20};
    std::thread writer([&] {
        for (int i = 20; !stop; ++i) {
            write_clue(*store, i);
            written = i + 1;
        }
    });
    std::vector<std::pair<std::int64_t, std::int64_t>> steps;
    const std::string backup = (dir.path() / "backup.db").string();
    const int before = written;
    const auto facts = backup_database(
        dir.db(), backup,
        [&](std::int64_t done, std::int64_t total) { steps.emplace_back(done, total); });
    const int after = written;
    stop = true;
    writer.join();

    // Progress climbed to the total in several steps and never went back (no restart).
    REQUIRE(steps.size() >= 3);
    CHECK(steps.back().first == steps.back().second);
    for (std::size_t i = 1; i < steps.size(); ++i) CHECK(steps[i].first >= steps[i - 1].first);
    CHECK(after > before);  // the writer went on while the copy ran

    // One committed state: every clue has its ticket, and the count lies within the window.
    CHECK(facts.clues == count(backup, "SELECT count(*) FROM clues"));
    CHECK(facts.clues >= before);
    CHECK(facts.clues <= after);
    CHECK(count(backup, "SELECT count(*) FROM tickets") == facts.clues);
    CHECK(facts.schema_version == latest_schema_version());
    CHECK(facts.data_keys == std::vector<std::string>{test_keyring()->current_key_id()});
    CHECK(std::filesystem::status(backup).permissions() ==
          (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    // One self-contained file, in rollback-journal mode (header bytes 18-19: 1, not WAL's 2).
    CHECK_FALSE(std::filesystem::exists(backup + "-wal"));
    {
        std::ifstream in(backup, std::ios::binary);
        char header[20] = {};
        in.read(header, sizeof header);
        CHECK(header[18] == 1);
        CHECK(header[19] == 1);
    }

    // A backup never overwrites.
    CHECK(error_of([&] { backup_database(dir.db(), backup, {}); }).find("exists") !=
          std::string::npos);
    store->stop();

    SECTION("into a fresh place") {
        const std::string fresh = (dir.path() / "restored" / "db.sqlite").string();
        std::filesystem::create_directories(dir.path() / "restored");
        const auto restored = restore_database(backup, fresh, {});
        CHECK(restored.clues == facts.clues);
        SqliteOptions o = options_for(dir);
        o.path = fresh;
        auto reopened = open_sqlite_store(o);
        auto reader = reopened->reader();
        for (int i = 0; i < facts.clues; ++i) {
            const auto clue = reader->find_clue("c" + std::to_string(i));
            REQUIRE(clue.has_value());
            CHECK(clue->clue.subject.name == "王某某");
        }
    }
    SECTION("over a database that has moved on") {
        auto moved = open_sqlite_store(options_for(dir));
        write_clue(*moved, 100000);
        moved->stop();
        moved.reset();
        restore_database(backup, dir.db(), {});
        CHECK(count(dir.db(), "SELECT count(*) FROM clues") == facts.clues);
        CHECK(count(dir.db(), "SELECT count(*) FROM clues WHERE id = 'c100000'") == 0);
        CHECK(count(dir.db(), "SELECT count(*) FROM filler") == 24);
    }
}

TEST_CASE("check_backup refuses what cannot be restored", "[storage][backup]") {
    TempDir dir;
    { open_sqlite_store(options_for(dir)); }
    const std::string backup = (dir.path() / "backup.db").string();
    backup_database(dir.db(), backup, {});
    CHECK(check_backup(backup).schema_version == latest_schema_version());

    SECTION("a newer schema") {
        {
            sqlite::Connection c(backup, sqlite::Connection::Mode::read_write_create, 1000);
            auto q = c.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
            q->bind_all(latest_schema_version() + 1, "2030-01-01T00:00:00.000Z");
            q->run();
        }
        const auto error = error_of([&] { check_backup(backup); });
        CHECK(error.find("newer than this binary") != std::string::npos);
        const std::string target = (dir.path() / "target.db").string();
        CHECK_FALSE(error_of([&] { restore_database(backup, target, {}); }).empty());
        CHECK_FALSE(std::filesystem::exists(target));
    }
    SECTION("another SQLite database") {
        const std::string other = (dir.path() / "other.db").string();
        {
            sqlite::Connection c(other, sqlite::Connection::Mode::read_write_create, 1000);
            c.exec("CREATE TABLE t (x)");
        }
        CHECK(error_of([&] { check_backup(other); }).find("not a clue-router database") !=
              std::string::npos);
    }
    SECTION("a file that is not one") {
        const std::string junk = (dir.path() / "junk.db").string();
        {
            std::ofstream out(junk);
            out << std::string(8192, 'x');
        }
        CHECK(error_of([&] { check_backup(junk); }).find("not a sound SQLite database") !=
              std::string::npos);
    }
    SECTION("no file") {
        CHECK(error_of([&] {
                  check_backup((dir.path() / "none.db").string());
              }).find("there is no file") != std::string::npos);
    }
}

TEST_CASE("check_keyring tells a missing or different data key and a different index key",
          "[storage][backup]") {
    TempDir dir;
    {
        auto store = open_sqlite_store(options_for(dir));
        write_clue(*store, 1);
    }
    const std::string id = test_keyring()->current_key_id();

    const auto same = check_keyring(dir.db(), *test_keyring());
    CHECK(same.ok());
    CHECK(same.data_keys == std::vector<std::string>{id});
    CHECK(same.index_key_matches == true);

    const auto other_data =
        check_keyring(dir.db(), *service::DataKeyring::parse(keyring_text(true, false)));
    CHECK_FALSE(other_data.ok());
    CHECK(other_data.failing == std::vector<std::string>{id});

    const auto other_index =
        check_keyring(dir.db(), *service::DataKeyring::parse(keyring_text(false, true)));
    CHECK_FALSE(other_index.ok());
    CHECK(other_index.failing.empty());
    CHECK(other_index.index_key_matches == false);

    // With the clue's personal data purged, the stored reply to its submission still names
    // the key, and is what tells a wrong keyring.
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [](WriteTransaction& tx) {
            tx.purge_personal_data("c1", at(60));
            IdempotencyRecord r;
            r.agency_id = "hotline-a";
            r.key = "k1";
            r.request_hash = "h";
            r.status = 201;
            r.location = "/v1/clues/c1";
            r.body = R"({"clue":{"id":"c1"}})";
            r.created_at = at(1);
            tx.insert_idempotency(r);
        });
    }
    CHECK(check_keyring(dir.db(), *test_keyring()).ok());
    const auto reply_only =
        check_keyring(dir.db(), *service::DataKeyring::parse(keyring_text(true, false)));
    CHECK(reply_only.failing == std::vector<std::string>{id});

    const auto missing = check_keyring(
        dir.db(), *service::DataKeyring::parse(
                      service::DataKeyring::with_new_data_key("", domain::Timestamp{})));
    CHECK(missing.failing == std::vector<std::string>{id});
}

TEST_CASE("check_keyring reads the keys that notes and transition reasons were sealed with",
          "[storage][backup]") {
    TempDir dir;
    // The clue under one key; a note, or a transition's reason, alone under a newer one.
    const std::string first = service::DataKeyring::with_new_data_key("", domain::Timestamp{});
    const std::string both = service::DataKeyring::with_new_data_key(first, at(10));
    const auto older = service::DataKeyring::parse(first);
    const auto newer = service::DataKeyring::parse(both);
    REQUIRE(older);
    REQUIRE(newer);
    {
        SqliteOptions o = options_for(dir);
        o.cipher = older;
        auto store = open_sqlite_store(o);
        write_clue(*store, 1);
    }
    SqliteOptions o = options_for(dir);
    o.cipher = newer;
    auto store = open_sqlite_store(o);
    SECTION("a note") {
        domain::TicketNote note;
        note.id = "n1";
        note.ticket_id = "t1";
        note.author_agency = "proc-b";
        note.author_key = "key_proc";
        note.text = "她现住在娘家";
        note.created_at = at(20);
        write_and_wait(*store, [&](WriteTransaction& tx) { tx.insert_note(note); });
    }
    SECTION("a transition's reason") {
        domain::TicketEvent e;
        e.ticket_id = "t1";
        e.type = "ticket.rejected";
        e.from_status = "pending";
        e.to_status = "rejected";
        e.actor_agency = "proc-b";
        e.actor_key = "key_proc";
        e.reason_code = "other";
        e.reason = "她现住在娘家";
        e.at = at(20);
        write_and_wait(*store, [&](WriteTransaction& tx) { tx.append_event(e); });
    }
    store->stop();
    CHECK(check_keyring(dir.db(), *newer).ok());
    const auto without_newer = check_keyring(dir.db(), *older);
    CHECK_FALSE(without_newer.ok());
    CHECK(without_newer.failing == std::vector<std::string>{newer->current_key_id()});
}
