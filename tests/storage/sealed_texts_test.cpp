// Stored replies and free-text reasons sealed at rest (storage/sqlite_sealed_texts), and the
// database files kept to their owner (storage/database_file).
#include <sys/stat.h>

#include <filesystem>

#include <catch2/catch.hpp>

#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

std::string raw_text(const TempDir& dir, const char* sql) {
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(sql);
    REQUIRE(q->step());
    return q->text(0);
}

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("idempotency replies and inbound answers are sealed, opened, and resealed",
          "[storage][sealed]") {
    TempDir dir;
    const std::string reply = R"({"clue":{"subject":{"birth_year":1981}}})";
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            tx.insert_idempotency(
                {"hotline-12309-sc", "k/1", "hash", 201, "/v1/clues/x", reply, at(0)});
            tx.insert_inbound_answer("proc-511702", "msg_1", {200, reply, "abc"}, at(0));
        });
        auto reader = store->reader();
        CHECK(reader->find_idempotency("hotline-12309-sc", "k/1")->body == reply);
        std::optional<InboundAnswer> answer;
        write_and_wait(*store, [&](WriteTransaction& tx) {
            answer = tx.find_inbound_answer("proc-511702", "msg_1");
        });
        REQUIRE(answer);
        CHECK(answer->body == reply);
        CHECK(answer->request_hash == std::optional<std::string>("abc"));
    }
    const std::string prefix = "cr1." + test_keyring()->current_key_id() + ".";
    CHECK(raw_text(dir, "SELECT body FROM idempotency").rfind(prefix, 0) == 0);
    CHECK(raw_text(dir, "SELECT body FROM inbound_messages").rfind(prefix, 0) == 0);

    // A row from before sealing reads as it is, and rotation seals it.
    {
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        c.exec("UPDATE idempotency SET body = '{\"old\":true}'");
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->find_idempotency("hotline-12309-sc", "k/1")->body == "{\"old\":true}");
    int moved = 0;
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 1);
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 0);
    CHECK(store->reader()->find_idempotency("hotline-12309-sc", "k/1")->body == "{\"old\":true}");
    store->stop();
    CHECK(raw_text(dir, "SELECT body FROM idempotency").rfind(prefix, 0) == 0);
}

TEST_CASE("break-glass reasons are kept sealed apart and read back by id", "[storage][sealed]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [&](WriteTransaction& tx) {
        tx.insert_audit_reason("r-1", "court order for 王某", at(0));
    });
    CHECK(store->reader()->audit_reason("r-1") ==
          std::optional<std::string>("court order for 王某"));
    CHECK_FALSE(store->reader()->audit_reason("r-2"));
    store->stop();
    CHECK(raw_text(dir, "SELECT reason FROM audit_reasons").find("王某") == std::string::npos);
}

TEST_CASE("database files are created 0600 whatever the umask, and shared ones refused",
          "[storage][file-modes]") {
    TempDir dir;
    const mode_t before = ::umask(0);
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store,
                       [&](WriteTransaction& tx) { tx.insert_audit_reason("r-1", "x", at(0)); });
        CHECK(mode_of(dir.db()) == 0600);
        CHECK(mode_of(dir.db() + "-wal") == 0600);
        CHECK(mode_of(dir.db() + "-shm") == 0600);
    }
    ::umask(before);
    for (const std::string suffix : {"", "-wal"}) {
        INFO("file " << dir.db() + suffix);
        if (!std::filesystem::exists(dir.db() + suffix)) {
            std::filesystem::copy_file(dir.db(), dir.db() + suffix);
        }
        std::filesystem::permissions(dir.db() + suffix, std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::add);
        REQUIRE_THROWS_WITH(open_sqlite_store(options_for(dir)),
                            Catch::Contains(dir.db() + suffix) && Catch::Contains("chmod 600"));
        std::filesystem::permissions(dir.db() + suffix, std::filesystem::perms::others_read,
                                     std::filesystem::perm_options::remove);
    }
}
