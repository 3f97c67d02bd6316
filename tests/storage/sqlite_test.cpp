// The RAII wrapper over the SQLite C API.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <optional>
#include <string>

#include "clue_router/storage/sqlite.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router::storage;
using clue_router::storage::test::TempDir;
using sqlite::Connection;

namespace {

std::int64_t count_rows(Connection& c) {
    auto q = c.query("SELECT count(*) FROM t");
    REQUIRE(q->step());
    return q->int64(0);
}

void insert(Connection& c, std::int64_t id, const std::optional<std::string>& name) {
    auto q = c.query("INSERT INTO t (id, name) VALUES (?, ?)");
    q->bind_all(id, name);
    q->run();
}

}  // namespace

TEST_CASE("statements are prepared once per connection and bind every type", "[storage]") {
    TempDir dir;
    Connection c(dir.db(), Connection::Mode::read_write_create, 1000);
    c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, flag INTEGER)");
    const auto before = c.cached_statements();
    for (int i = 1; i <= 5; ++i) insert(c, i, i % 2 == 0 ? std::nullopt : std::optional("n"));
    CHECK(c.cached_statements() == before + 1);
    CHECK(c.changes() == 1);
    CHECK(c.last_insert_rowid() == 5);

    {
        auto q = c.query("UPDATE t SET score = ?, flag = ?, name = ? WHERE id = ?");
        q->bind_all(2.5, true, std::string_view("五"), std::int64_t{3});
        q->run();
    }
    auto q = c.query("SELECT name, score, flag FROM t WHERE id = ?");
    q->bind_all(3);
    REQUIRE(q->step());
    CHECK(q->text(0) == "五");
    CHECK(q->real(1) == 2.5);
    CHECK(q->int64(2) == 1);
    CHECK_FALSE(q->step());

    // Nested use of the same SQL while the outer cursor is open gets its own statement.
    auto outer = c.query("SELECT id, name FROM t ORDER BY id");
    REQUIRE(outer->step());
    {
        auto inner = c.query("SELECT id, name FROM t ORDER BY id");
        REQUIRE(inner->step());
        REQUIRE(inner->step());
        CHECK(inner->int64(0) == 2);
        CHECK(inner->is_null(1));
        CHECK_FALSE(inner->optional_text(1));
    }
    CHECK(outer->int64(0) == 1);
    REQUIRE(outer->step());
    CHECK(outer->int64(0) == 2);
}

TEST_CASE("a transaction not committed is rolled back, a savepoint undoes only its part",
          "[storage]") {
    TempDir dir;
    Connection c(dir.db(), Connection::Mode::read_write_create, 1000);
    c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
    {
        sqlite::Transaction tx(c, sqlite::Transaction::Kind::immediate);
        insert(c, 1, "a");
        CHECK(c.in_transaction());
    }
    CHECK_FALSE(c.in_transaction());
    CHECK(count_rows(c) == 0);

    {
        sqlite::Transaction tx(c, sqlite::Transaction::Kind::immediate);
        insert(c, 1, "kept");
        {
            sqlite::Savepoint sp(c, "unit");
            insert(c, 2, "dropped by destructor");
        }
        {
            sqlite::Savepoint sp(c, "unit");
            insert(c, 3, "dropped by rollback");
            sp.rollback();
        }
        {
            sqlite::Savepoint sp(c, "unit");
            insert(c, 4, "released");
            sp.release();
        }
        tx.commit();
    }
    CHECK(count_rows(c) == 2);
    CHECK_THROWS_AS(sqlite::Savepoint(c, "bad name; DROP TABLE t"), std::invalid_argument);
}

TEST_CASE("errors carry SQLite's extended code and no bound values", "[storage]") {
    TempDir dir;
    {
        Connection c(dir.db(), Connection::Mode::read_write_create, 1000);
        c.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)");
        insert(c, 1, "secret-name");
        try {
            insert(c, 2, "secret-name");
            FAIL("duplicate accepted");
        } catch (const sqlite::SqliteError& e) {
            CHECK(e.extended_code() == SQLITE_CONSTRAINT_UNIQUE);
            CHECK(std::string(e.what()).find("secret-name") == std::string::npos);
        }
        // A failed step leaves the cached statement reusable.
        insert(c, 3, "other");
        CHECK(count_rows(c) == 2);
        CHECK_THROWS_AS(c.query("SELECT 1; SELECT 2"), std::invalid_argument);
        CHECK_THROWS_AS(c.query("SELEC nonsense"), sqlite::SqliteError);
    }
    Connection ro(dir.db(), Connection::Mode::read_only, 1000);
    CHECK(count_rows(ro) == 2);
    try {
        insert(ro, 9, "x");
        FAIL("write through a read-only connection");
    } catch (const sqlite::SqliteError& e) {
        CHECK(e.primary_code() == SQLITE_READONLY);
    }
    CHECK_THROWS_AS(
        Connection((dir.path() / "no" / "such.db").string(), Connection::Mode::read_only, 1000),
        sqlite::SqliteError);
}
