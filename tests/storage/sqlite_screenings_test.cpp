// Stored screenings (storage/sqlite_screenings): the result, whose reasons hold words of the
// narrative, sealed at rest and read back whole; the matched key groups kept in clear for the
// figures; results stored in clear before schema version 15 still read, and rotation seals
// them (issue 14 item 6).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/migrations.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_screenings.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

// A result as domain::to_json(Screening) writes it, with a matched term, its evidence and a
// negated one.
nlohmann::json result_naming(const std::string& term) {
    return {{"score", 65},
            {"priority", "urgent"},
            {"criteria_version", "test"},
            {"key_groups",
             {{{"group", "crime_victim"},
               {"score", 65},
               {"reasons",
                {{{"kind", "term"},
                  {"value", term},
                  {"weight", 65},
                  {"evidence", {{"begin", 6}, {"end", 18}}},
                  {"set", "crime_victim.strangulation"}}}}}}},
            {"urgency_reasons", nlohmann::json::array()},
            {"negated",
             {{{"kind", "negated"},
               {"value", "被拐"},
               {"weight", 0},
               {"evidence", {{"begin", 30}, {"end", 36}}},
               {"note", "negated by '没有'"}}}},
            {"weak_groups", nlohmann::json::array()}};
}

StoredScreening screening_of(const std::string& clue_id, nlohmann::json result) {
    return StoredScreening{clue_id, "test", 65, domain::Priority::urgent, std::move(result), at(1)};
}

std::string raw_text(const TempDir& dir, const char* sql) {
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(sql);
    REQUIRE(q->step());
    return q->text(0);
}

}  // namespace

TEST_CASE("key groups of a stored result are its groups' ids", "[storage][sealed]") {
    CHECK(sqlite_screenings::key_groups_text(result_naming("掐住脖子")) == R"(["crime_victim"])");
    CHECK(sqlite_screenings::key_groups_text({{"score", 0}}) == "[]");
    CHECK(sqlite_screenings::key_groups_text({{"key_groups", {{{"score", 1}}}}}) == "[]");
}

TEST_CASE("screening results are sealed at rest and read back whole", "[storage][sealed]") {
    TempDir dir;
    const auto first = result_naming("掐住脖子");
    const auto second = result_naming("掐着脖子");
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            insert_in_case(tx, stored_clue("c1", "hotline-a"));
            tx.insert_screening(screening_of("c1", first));
            tx.insert_screening(screening_of("c1", second));
        });
        auto reader = store->reader();
        const auto latest = reader->latest_screening("c1");
        REQUIRE(latest);
        CHECK(latest->result == second);
        CHECK(latest->score == 65);
        CHECK(latest->priority == domain::Priority::urgent);
        const auto all = reader->screenings_of("c1");
        REQUIRE(all.size() == 2);
        CHECK(all[0].result == first);
        CHECK(all[1].result == second);
    }
    const std::string prefix = "cr1." + test_keyring()->current_key_id() + ".";
    CHECK(
        raw_text(dir, "SELECT result_json FROM screenings ORDER BY id LIMIT 1").rfind(prefix, 0) ==
        0);
    CHECK(raw_text(dir, "SELECT group_concat(result_json) FROM screenings").find("脖子") ==
          std::string::npos);
    CHECK(raw_text(dir, "SELECT key_groups FROM screenings LIMIT 1") == R"(["crime_victim"])");

    // Bound to its row: a sealed result moved to another row does not open.
    {
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        c.exec(
            "UPDATE screenings SET result_json = (SELECT result_json FROM screenings WHERE id = "
            "(SELECT min(id) FROM screenings)) WHERE id = (SELECT max(id) FROM screenings)");
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK_THROWS_AS(store->reader()->latest_screening("c1"), StorageError);
}

TEST_CASE("migration 15 keeps the key groups of results stored in clear, rotation seals them",
          "[storage][sealed][migrations]") {
    TempDir dir;
    const auto result = result_naming("掐住脖子");
    {
        // The database as schema version 14 left it: the result in clear, no key_groups. Made
        // by migrating to 14 rather than by undoing what came later, which every later
        // migration would have to extend.
        secure_database_files(dir.db());  // 0600, as the store demands
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        migrations::migrate_to(c, 14);
        c.exec(
            "INSERT INTO cases (id, status, priority, created_at) "
            "VALUES ('k1', 'open', 'urgent', '2026-11-20T01:00:00.000Z')");
        c.exec(
            "INSERT INTO clues (id, sender_agency, submitted_by_key, channel, reference, "
            "received_at, region, status, priority, body_json, created_at, case_id) VALUES "
            "('c1', 'hotline-a', 'key', 'hotline_12309', 'ref-c1', '2026-11-20T01:00:00.000Z', "
            "'511702', 'routed', 'urgent', '{}', '2026-11-20T01:00:00.000Z', 'k1')");
        auto q = c.query(
            "INSERT INTO screenings (clue_id, criteria_version, score, priority, result_json, "
            "created_at) VALUES ('c1', 'test', 65, 'urgent', ?, '2026-11-20T01:00:00.000Z')");
        q->bind_all(result.dump());
        q->run();
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->schema_version() == latest_schema_version());
    CHECK(raw_text(dir, "SELECT key_groups FROM screenings") == R"(["crime_victim"])");
    CHECK(store->reader()->latest_screening("c1")->result == result);

    int moved = 0;
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 1);
    write_and_wait(*store, [&](WriteTransaction& tx) { moved = tx.reseal_sealed_columns(200); });
    CHECK(moved == 0);
    CHECK(store->reader()->latest_screening("c1")->result == result);
    store->stop();
    CHECK(raw_text(dir, "SELECT result_json FROM screenings").find("脖子") == std::string::npos);
}
