// Personal data at rest: what the database file holds is sealed, and only the keyring opens it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

std::string raw_body(const TempDir& dir, const std::string& id) {
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q =
        c.query("SELECT body_json || '|' || coalesce(sealed_with, 'NULL') FROM clues WHERE id = ?");
    q->bind_all(id);
    REQUIRE(q->step());
    return q->text(0);
}

StoredClue full_clue(const std::string& id) {
    StoredClue c = stored_clue(id, "hotline-12309-sc");
    c.clue.subject.id_number = "51170219810312024X";
    c.clue.subject.address = "四川省广安市某村";
    c.clue.reporter.name = "李某";
    c.clue.reporter.phone = "+8613900000002";
    return c;
}

}  // namespace

TEST_CASE("a stored clue keeps no personal value in clear", "[storage][sealed]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    const StoredClue clue = full_clue("c-1");
    SECTION("sealed on the writer thread") {
        write_and_wait(*store, [&](WriteTransaction& tx) { insert_in_case(tx, clue); });
    }
    SECTION("sealed beforehand by the store, as intake does") {
        const SealedClue sealed = store->seal_clue(clue);
        write_and_wait(*store, [&](WriteTransaction& tx) { insert_in_case(tx, clue, sealed); });
    }

    const std::string raw = raw_body(dir, "c-1");
    for (const std::string& secret :
         {*clue.clue.subject.name, *clue.clue.subject.id_number, *clue.clue.subject.phone,
          *clue.clue.subject.address, clue.clue.narrative, *clue.clue.reporter.name,
          *clue.clue.reporter.phone, std::string("13800130001")}) {
        INFO("a personal value (" << secret.size() << " bytes) is in body_json");
        CHECK(raw.find(secret) == std::string::npos);
    }
    CHECK(raw.find("cr1." + test_keyring()->current_key_id() + ".") != std::string::npos);
    CHECK(raw.ends_with("|" + test_keyring()->current_key_id()));
    // What is not personal stays readable for figures and routing.
    CHECK(raw.find("\"region\":\"511702\"") != std::string::npos);

    const auto back = store->reader()->find_clue("c-1");
    REQUIRE(back.has_value());
    CHECK(domain::to_json(back->clue) == domain::to_json(clue.clue));

    // The blind index holds one keyed digest per identifier, not the identifiers.
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q =
        c.query("SELECT kind, digest FROM clue_identifiers WHERE clue_id = 'c-1' ORDER BY kind");
    REQUIRE(q->step());
    CHECK(q->text(0) == "id_number");
    CHECK(q->text(1) == test_keyring()->blind_index("id_number:51170219810312024X"));
    REQUIRE(q->step());
    CHECK(q->text(0) == "phone");
    CHECK(q->text(1) == test_keyring()->blind_index("phone:+8613800130001"));
    CHECK_FALSE(q->step());
}

TEST_CASE("without a data key no clue is written or read", "[storage][sealed]") {
    TempDir dir;
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [&](WriteTransaction& tx) { insert_in_case(tx, full_clue("c-1")); });
    }
    auto options = options_for(dir);
    options.cipher = nullptr;
    auto store = open_sqlite_store(options);
    CHECK_THROWS_AS(
        write_and_wait(*store, [&](WriteTransaction& tx) { insert_in_case(tx, full_clue("c-2")); }),
        StorageError);
    CHECK_THROWS_AS(store->seal_clue(full_clue("c-2")), StorageError);
    CHECK_THROWS_AS(store->reader()->find_clue("c-1"), StorageError);
    CHECK_FALSE(store->reader()->find_clue("c-2").has_value());
}

TEST_CASE("a sealed value moved to another clue does not open", "[storage][sealed]") {
    TempDir dir;
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            insert_in_case(tx, full_clue("c-1"));
            insert_in_case(tx, full_clue("c-2"));
        });
    }
    {
        // Someone with the file copies one clue's sealed name over another's.
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        c.exec(
            "UPDATE clues SET body_json = json_set(body_json, '$.subject.name', "
            "(SELECT json_extract(body_json, '$.subject.name') FROM clues WHERE id = 'c-1')) "
            "WHERE id = 'c-2'");
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->find_clue("c-1").has_value());
    try {
        (void)store->reader()->find_clue("c-2");
        FAIL("a moved value opened");
    } catch (const StorageError& e) {
        CHECK(std::string(e.what()).find("/subject/name") != std::string::npos);
        CHECK(std::string(e.what()).find("王") == std::string::npos);
    }
}

TEST_CASE("rotation re-encrypts every clue under the new key", "[storage][sealed]") {
    TempDir dir;
    const std::string first = service::DataKeyring::with_new_data_key("", domain::Timestamp{});
    const auto old_ring = service::DataKeyring::parse(first);
    auto options = options_for(dir);
    options.cipher = old_ring;
    {
        auto store = open_sqlite_store(options);
        write_and_wait(*store, [&](WriteTransaction& tx) {
            for (int i = 0; i < 5; ++i) insert_in_case(tx, full_clue("c-" + std::to_string(i)));
        });
    }
    const std::string second = service::DataKeyring::with_new_data_key(first, domain::Timestamp{});
    const auto both = service::DataKeyring::parse(second);
    options.cipher = both;
    {
        auto store = open_sqlite_store(options);
        int moved = 0;
        write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_clues(3); });
        CHECK(moved == 3);
        write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_clues(200); });
        CHECK(moved == 2);
        write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_clues(200); });
        CHECK(moved == 0);
    }
    // The old key can now be retired: a keyring without it reads everything.
    options.cipher = service::DataKeyring::parse(without_key(second, old_ring->current_key_id()));
    auto store = open_sqlite_store(options);
    for (int i = 0; i < 5; ++i) {
        const auto c = store->reader()->find_clue("c-" + std::to_string(i));
        REQUIRE(c.has_value());
        CHECK(c->clue.subject.name == "王某某");
        CHECK(raw_body(dir, c->id).ends_with("|" + both->current_key_id()));
    }
}
