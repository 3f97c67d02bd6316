// The SQLite store against a real database file in a fresh temporary directory.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/storage/sqlite.hpp"
#include "clue_router/storage/sqlite_store.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;
using domain::TicketStatus;

namespace {

// Runs one unit and returns its failure (null on success), for tests that expect one.
std::exception_ptr write_result(Store& store, const Store::Work& work) {
    try {
        write_and_wait(store, work);
        return nullptr;
    } catch (...) {
        return std::current_exception();
    }
}

std::string message_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "?";
    }
}

domain::Agency agency(std::string id, std::string kind = "procuratorate") {
    domain::Agency a;
    a.id = std::move(id);
    a.kind = std::move(kind);
    a.name = "某某人民检察院";
    a.region = "511702";
    a.services = {"judicial_assistance", "legal_aid"};
    return a;
}

std::vector<std::string> ids_of(const std::vector<domain::Ticket>& tickets) {
    std::vector<std::string> ids;
    for (const auto& t : tickets) ids.push_back(t.id);
    return ids;
}

std::vector<std::string> names_in(const std::string& db, const char* type) {
    sqlite::Connection c(db, sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query("SELECT name FROM sqlite_master WHERE type = ? ORDER BY name");
    q->bind_all(type);
    std::vector<std::string> names;
    while (q->step()) names.push_back(q->text(0));
    return names;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

TEST_CASE("migrations create the schema and are idempotent on reopen", "[storage]") {
    TempDir dir;
    REQUIRE(latest_schema_version() >= 1);
    {
        auto store = open_sqlite_store(options_for(dir));
        CHECK(store->reader()->schema_version() == latest_schema_version());
    }
    const auto tables = names_in(dir.db(), "table");
    for (const char* t :
         {"agencies", "api_keys", "clues", "screenings", "tickets", "ticket_events", "idempotency",
          "schema_migrations", "clue_identifiers", "clue_links", "audit_log"}) {
        INFO(t);
        CHECK(contains(tables, t));
    }
    const auto indexes = names_in(dir.db(), "index");
    for (const char* i :
         {"clues_by_status", "clues_by_sender", "screenings_by_clue", "tickets_by_recipient",
          "tickets_by_recipient_status", "tickets_by_sender", "tickets_by_sender_status",
          "tickets_by_clue", "ticket_events_by_ticket", "idempotency_by_created"}) {
        INFO(i);
        CHECK(contains(indexes, i));
    }

    // Reopening applies nothing twice and keeps one row per version.
    {
        auto store = open_sqlite_store(options_for(dir));
        CHECK(store->reader()->schema_version() == latest_schema_version());
    }
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query("SELECT count(*), min(version), max(version) FROM schema_migrations");
    REQUIRE(q->step());
    CHECK(q->int64(0) == latest_schema_version());
    CHECK(q->int64(1) == 1);
    CHECK(q->int64(2) == latest_schema_version());
}

TEST_CASE("no index or trigger tests a list of three or more values with IN", "[storage]") {
    // SQLite evaluates `x IN (a, b, c)` by building a temporary b-tree each time the
    // statement runs; in a partial index or a trigger that is every row written (migration 7
    // removed two that cost a fifth of a ticket insert). Two values are compared directly.
    TempDir dir;
    { auto store = open_sqlite_store(options_for(dir)); }
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    auto q = c.query(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND "
        "sql IS NOT NULL");
    int checked = 0;
    while (q->step()) {
        const std::string name = q->text(0);
        const std::string sql = q->text(1);
        INFO(name);
        ++checked;
        const auto in = sql.find(" IN (");
        if (in == std::string::npos) continue;
        const auto close = sql.find(')', in);
        const auto list = sql.substr(in, close - in);
        CHECK(std::count(list.begin(), list.end(), ',') < 2);
    }
    CHECK(checked > 10);

    // And the sweeper's query still finds its tickets through the rewritten partial index.
    auto plan = c.query(
        "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE (status = 'accepted' OR "
        "status = 'in_progress' OR status = 'on_hold') AND overdue IS NULL AND close_by <= ?");
    plan->bind_all("2026-11-23T00:00:00.000Z");
    std::string steps;
    while (plan->step()) steps += plan->text(3) + "\n";
    INFO(steps);
    CHECK(steps.find("tickets_close_due") != std::string::npos);
}

TEST_CASE("a database with a newer schema version is refused", "[storage]") {
    TempDir dir;
    { open_sqlite_store(options_for(dir)); }
    {
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        auto q = c.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
        q->bind_all(latest_schema_version() + 1, "2030-01-01T00:00:00.000Z");
        q->run();
    }
    try {
        open_sqlite_store(options_for(dir));
        FAIL("a newer schema was accepted");
    } catch (const StorageError& e) {
        const std::string what = e.what();
        CHECK(what.find("newer") != std::string::npos);
        CHECK(what.find(std::to_string(latest_schema_version() + 1)) != std::string::npos);
    }
}

TEST_CASE("options are validated", "[storage]") {
    TempDir dir;
    auto o = options_for(dir);
    o.synchronous = "OFF";
    CHECK_THROWS_AS(open_sqlite_store(o), StorageError);
    o.synchronous = "normal";
    CHECK_NOTHROW(open_sqlite_store(o));
    o.synchronous = "FULL";
    o.read_connections = 0;
    CHECK_THROWS_AS(open_sqlite_store(o), StorageError);
    o.read_connections = 1;
    o.max_batch = 0;
    CHECK_THROWS_AS(open_sqlite_store(o), StorageError);
    o.max_batch = 1;
    o.path = (dir.path() / "missing-dir" / "x.db").string();
    CHECK_THROWS_AS(open_sqlite_store(o), StorageError);
}

TEST_CASE("concurrent writes all commit, and Done runs once the data is readable", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    constexpr int kThreads = 8;
    constexpr int kPerThread = 25;
    constexpr int kTotal = kThreads * kPerThread;

    Counter done;
    std::atomic<int> failed{0};
    std::atomic<int> invisible{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                const std::string id = "key_" + std::to_string(t) + "_" + std::to_string(i);
                const std::string hash = "hash-" + id;
                store->write(
                    [id, hash](WriteTransaction& tx) {
                        ApiKey k;
                        k.id = id;
                        k.agency_id = "agency-a";
                        k.role = "intake";
                        k.label = "test";
                        k.created_at = at(0);
                        tx.insert_api_key(k, hash);
                    },
                    [&, hash](std::exception_ptr e) {
                        if (e) {
                            ++failed;
                        } else if (!store->reader()->find_api_key_by_hash(hash)) {
                            // Done before the data is visible would let a client read its
                            // own write back and not find it.
                            ++invisible;
                        }
                        done.add();
                    });
            }
        });
    }
    for (auto& t : threads) t.join();
    REQUIRE(done.wait_for(kTotal));
    CHECK(failed == 0);
    CHECK(invisible == 0);
    CHECK(store->reader()->list_api_keys().size() == kTotal);

    const auto stats = sqlite_stats(*store);
    REQUIRE(stats);
    CAPTURE(stats->batches, stats->largest_batch);
    CHECK(stats->units == kTotal);
    CHECK(stats->failed_batches == 0);
    CHECK(stats->largest_batch <= 256);
}

TEST_CASE("work queued behind a busy writer commits as one group", "[storage]") {
    TempDir dir;
    auto o = options_for(dir);
    o.max_batch = 64;
    auto store = open_sqlite_store(o);
    Gate gate;
    Counter done;
    store->write(gate.work(), [&](std::exception_ptr) { done.add(); });
    gate.wait_entered();
    const auto before = *sqlite_stats(*store);
    for (int i = 0; i < 150; ++i) {
        store->write(
            [i](WriteTransaction& tx) { tx.upsert_agency(agency("a" + std::to_string(1000 + i))); },
            [&](std::exception_ptr) { done.add(); });
    }
    gate.open();
    REQUIRE(done.wait_for(151));
    const auto after = *sqlite_stats(*store);
    // 150 units with max_batch 64: three groups (64, 64, 22), never one per unit.
    CHECK(after.batches - before.batches == 3);
    CHECK(after.largest_batch == 64);
    CHECK(store->reader()->agencies().size() == 150);
}

TEST_CASE("a unit that throws is rolled back alone, the rest of its group commits", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    Gate gate;
    store->write(gate.work(), {});
    gate.wait_entered();

    Counter done;
    std::exception_ptr results[4];
    auto record = [&](int i) {
        return [&, i](std::exception_ptr e) {
            results[i] = e;
            done.add();
        };
    };
    store->write([](WriteTransaction& tx) { tx.upsert_agency(agency("a")); }, record(0));
    store->write(
        [](WriteTransaction& tx) {
            tx.upsert_agency(agency("b"));
            throw std::runtime_error("unit b failed");
        },
        record(1));
    // A constraint violation inside SQLite is undone the same way: a second key with the
    // hash of the first.
    store->write(
        [](WriteTransaction& tx) {
            ApiKey k;
            k.id = "key_1";
            k.agency_id = "a";
            k.role = "staff";
            k.label = "x";
            k.created_at = at(0);
            tx.insert_api_key(k, "same-hash");
            tx.upsert_agency(agency("c-from-failed-unit"));
            k.id = "key_2";
            tx.insert_api_key(k, "same-hash");
        },
        record(2));
    store->write([](WriteTransaction& tx) { tx.upsert_agency(agency("d")); }, record(3));
    const auto before = *sqlite_stats(*store);
    gate.open();
    REQUIRE(done.wait_for(4));
    // All four ran in the one group that followed the gate.
    CHECK(sqlite_stats(*store)->batches - before.batches == 1);

    CHECK_FALSE(results[0]);
    REQUIRE(results[1]);
    CHECK(message_of(results[1]) == "unit b failed");
    REQUIRE(results[2]);
    try {
        std::rethrow_exception(results[2]);
    } catch (const sqlite::SqliteError& e) {
        CHECK(e.primary_code() == 19);  // SQLITE_CONSTRAINT
    } catch (...) {
        FAIL("expected a SqliteError");
    }
    CHECK_FALSE(results[3]);

    auto reader = store->reader();
    std::set<std::string> ids;
    for (const auto& a : reader->agencies()) ids.insert(a.id);
    CHECK(ids == std::set<std::string>{"a", "d"});
    CHECK(reader->list_api_keys().empty());
}

TEST_CASE("clues, screenings and tickets round-trip and survive close and reopen", "[storage]") {
    TempDir dir;
    nlohmann::json result = {{"score", 80}, {"groups", {"crime_victim"}}};
    {
        auto store = open_sqlite_store(options_for(dir));
        write_and_wait(*store, [&](WriteTransaction& tx) {
            insert_in_case(tx, stored_clue("c1", "hotline-a"));
            StoredScreening s;
            s.clue_id = "c1";
            s.criteria_version = "2026-01";
            s.score = 40;
            s.priority = domain::Priority::normal;
            s.result = {{"score", 40}};
            s.created_at = at(1);
            tx.insert_screening(s);
            s.criteria_version = "2026-02";
            s.score = 80;
            s.priority = domain::Priority::urgent;
            s.result = result;
            tx.insert_screening(s);
            auto t = ticket("t1", "c1", "hotline-a", "proc-b");
            t.outcome = domain::Outcome::assisted;
            tx.insert_ticket(t);
            tx.insert_ticket(ticket("t0", "c1", "hotline-a", "fed-c"));
        });
        store->stop();
        store->stop();  // idempotent
    }
    auto store = open_sqlite_store(options_for(dir));
    auto reader = store->reader();

    const auto clue = reader->find_clue("c1");
    REQUIRE(clue);
    const auto expected = sample_clue();
    CHECK(clue->id == "c1");
    CHECK(clue->sender_agency == "hotline-a");
    CHECK(clue->submitted_by_key == "key_intake");
    CHECK(clue->status == ClueStatus::routed);
    CHECK_FALSE(clue->review_reason);
    CHECK(clue->priority == domain::Priority::high);
    CHECK(clue->created_at == at(1));
    CHECK(clue->clue.source.channel == expected.source.channel);
    CHECK(clue->clue.source.reference == expected.source.reference);
    CHECK(clue->clue.source.received_at == expected.source.received_at);
    CHECK(clue->clue.subject.name == expected.subject.name);
    CHECK(clue->clue.subject.phone == expected.subject.phone);
    CHECK(clue->clue.subject.region == expected.subject.region);
    CHECK(clue->clue.subject.age == expected.subject.age);
    CHECK(clue->clue.subject.rural);
    CHECK(clue->clue.indicators == expected.indicators);
    CHECK(clue->clue.narrative == expected.narrative);
    CHECK(clue->clue.consent.share_with_partners);
    CHECK_FALSE(reader->find_clue("nope"));

    const auto screening = reader->latest_screening("c1");
    REQUIRE(screening);
    CHECK(screening->criteria_version == "2026-02");
    CHECK(screening->score == 80);
    CHECK(screening->priority == domain::Priority::urgent);
    CHECK(screening->result == result);
    CHECK(screening->created_at == at(1));
    CHECK_FALSE(reader->latest_screening("nope"));

    const auto tickets = reader->tickets_of_clue("c1");
    CHECK(ids_of(tickets) == std::vector<std::string>{"t0", "t1"});
    const auto t1 = reader->find_ticket("t1");
    REQUIRE(t1);
    CHECK(t1->clue_id == "c1");
    CHECK(t1->sender_agency == "hotline-a");
    CHECK(t1->recipient_agency == "proc-b");
    CHECK(t1->purpose == "judicial_assistance");
    CHECK(t1->status == TicketStatus::pending);
    CHECK(t1->priority == domain::Priority::high);
    CHECK(t1->version == 1);
    CHECK(t1->created_at == at(2));
    CHECK(t1->updated_at == at(2));
    CHECK(t1->outcome == domain::Outcome::assisted);
    CHECK(t1->case_id == std::optional<std::string>("case-c1"));
    CHECK_FALSE(reader->find_ticket("t0")->outcome);
}

TEST_CASE("a ticket for a clue that does not exist is refused", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    const auto error = write_result(*store, [](WriteTransaction& tx) {
        tx.insert_ticket(ticket("t1", "no-such-clue", "a", "b"));
    });
    CHECK(error);
    CHECK_FALSE(store->reader()->find_ticket("t1"));
}

TEST_CASE("update_ticket with a stale version returns false and changes nothing", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "s"));
        tx.insert_ticket(ticket("t1", "c1", "s", "r"));
    });

    bool first = false;
    bool stale = true;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        auto t = *tx.find_ticket("t1");
        t.status = TicketStatus::accepted;
        t.version = 2;
        t.updated_at = at(10);
        first = tx.update_ticket(t, 1);
        // A second writer that read version 1 too.
        t.status = TicketStatus::rejected;
        t.updated_at = at(20);
        stale = tx.update_ticket(t, 1);
    });
    CHECK(first);
    CHECK_FALSE(stale);
    const auto t = store->reader()->find_ticket("t1");
    REQUIRE(t);
    CHECK(t->status == TicketStatus::accepted);
    CHECK(t->version == 2);
    CHECK(t->updated_at == at(10));
    CHECK(t->created_at == at(2));

    // A caller that forgot to bump the version gets an error, not a silent ETag reuse.
    const auto error = write_result(*store, [](WriteTransaction& tx) {
        auto t = *tx.find_ticket("t1");
        tx.update_ticket(t, 2);
    });
    CHECK(error);
    bool missing = true;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        auto t = ticket("nope", "c1", "s", "r");
        t.version = 2;
        missing = tx.update_ticket(t, 1);
    });
    CHECK_FALSE(missing);
}

TEST_CASE("list_tickets: inbox, outbox, status filter and cursor pagination", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    // Ten tickets: recipients alternate between a and b; a sends the odd ones to b.
    write_and_wait(*store, [](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "s"));
        for (int i = 0; i < 10; ++i) {
            const std::string id = "t0" + std::to_string(i);
            const bool to_a = i % 2 == 0;
            auto t = ticket(id, "c1", to_a ? "s" : "a", to_a ? "a" : "b",
                            i % 4 == 0 ? TicketStatus::accepted : TicketStatus::pending);
            t.purpose = "purpose-" + id;  // one open ticket per clue, recipient and purpose
            tx.insert_ticket(t);
        }
    });
    auto reader = store->reader();
    TicketQuery q;
    q.agency_id = "a";
    q.box = Box::inbox;
    CHECK(ids_of(reader->list_tickets(q)) ==
          std::vector<std::string>{"t00", "t02", "t04", "t06", "t08"});
    q.status = TicketStatus::accepted;
    CHECK(ids_of(reader->list_tickets(q)) == std::vector<std::string>{"t00", "t04", "t08"});
    q.status = TicketStatus::closed;
    CHECK(reader->list_tickets(q).empty());

    q.status.reset();
    q.box = Box::outbox;
    CHECK(ids_of(reader->list_tickets(q)) ==
          std::vector<std::string>{"t01", "t03", "t05", "t07", "t09"});
    q.status = TicketStatus::pending;
    CHECK(ids_of(reader->list_tickets(q)).size() == 5);
    q.status = TicketStatus::accepted;
    CHECK(reader->list_tickets(q).empty());

    // Pages of two, following the cursor, yield every ticket once and in order.
    TicketQuery page;
    page.agency_id = "b";
    page.box = Box::inbox;
    page.limit = 2;
    std::vector<std::string> seen;
    for (int guard = 0; guard < 10; ++guard) {
        const auto got = reader->list_tickets(page);
        if (got.empty()) break;
        CHECK(got.size() <= 2);
        for (const auto& t : got) seen.push_back(t.id);
        page.after_id = got.back().id;
    }
    CHECK(seen == std::vector<std::string>{"t01", "t03", "t05", "t07", "t09"});

    // Limits are clamped rather than trusted.
    page.after_id.reset();
    page.limit = 0;
    CHECK(reader->list_tickets(page).size() == 1);
    page.limit = -5;
    CHECK(reader->list_tickets(page).size() == 1);
    page.limit = 100000;
    CHECK(reader->list_tickets(page).size() == 5);
}

TEST_CASE("a ticket keeps its assignee, and the inbox filters by her through an index",
          "[storage][assignment]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    const std::string li = "psn_0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6e";
    write_and_wait(*store, [&](WriteTransaction& tx) {
        Person p;
        p.id = li;
        p.username = "li.na";
        p.agency_id = "a";
        p.role = "staff";
        p.display_name = "李娜";
        p.password_hash = "$argon2id$…";
        p.created_at = at(0);
        p.password_changed_at = at(0);
        tx.insert_person(p);
        insert_in_case(tx, stored_clue("c1", "s"));
        for (int i = 0; i < 6; ++i) {
            auto t = ticket("t0" + std::to_string(i), "c1", "s", "a",
                            i < 4 ? TicketStatus::pending : TicketStatus::accepted);
            t.purpose = "purpose-" + t.id;
            if (i % 2 == 1) t.assignee_person = li;  // t01, t03 (pending) and t05 (accepted)
            tx.insert_ticket(t);
        }
        // Given back, and the version moves as for any change.
        auto t = *tx.find_ticket("t03");
        t.assignee_person.reset();
        t.version = 2;
        REQUIRE(tx.update_ticket(t, 1));
    });
    auto reader = store->reader();
    const auto one = reader->find_ticket("t01");
    REQUIRE(one);
    CHECK(one->assignee_person == li);
    CHECK(one->assignee_name == "李娜");  // her account's display name, read with the ticket
    CHECK_FALSE(reader->find_ticket("t03")->assignee_person);

    TicketQuery q;
    q.agency_id = "a";
    q.assignee = std::optional<std::string>(li);
    CHECK(ids_of(reader->list_tickets(q)) == std::vector<std::string>{"t01", "t05"});
    q.status = TicketStatus::pending;
    CHECK(ids_of(reader->list_tickets(q)) == std::vector<std::string>{"t01"});
    q.status.reset();
    q.assignee = std::optional<std::string>();  // nobody's
    CHECK(ids_of(reader->list_tickets(q)) == std::vector<std::string>{"t00", "t02", "t03", "t04"});
    q.after_id = "t02";
    q.limit = 1;
    CHECK(ids_of(reader->list_tickets(q)) == std::vector<std::string>{"t03"});
    q.agency_id = "s";  // another agency's inbox holds none of them
    q.after_id.reset();
    CHECK(reader->list_tickets(q).empty());

    // Both the person and nobody are found through the index, in list order.
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    for (const std::optional<std::string>& who :
         {std::optional<std::string>(li), std::optional<std::string>()}) {
        // The filter of the store's query (sqlite_store.cpp, assigned_tickets).
        auto plan = c.query(
            "EXPLAIN QUERY PLAN SELECT id FROM tickets WHERE recipient_agency = ?1 AND "
            "assignee_person IS ?2 AND (?3 IS NULL OR status = ?3) AND (?4 = 0 OR (overdue IS "
            "NOT NULL AND status NOT IN ('rejected', 'closed', 'cancelled'))) AND id > ?5 "
            "ORDER BY id LIMIT ?6");
        plan->bind_all("a", who, std::nullopt, false, "", 50);
        std::string steps;
        while (plan->step()) steps += plan->text(3) + "\n";
        INFO(steps);
        CHECK(steps.find("tickets_by_assignee") != std::string::npos);
        CHECK(steps.find("TEMP B-TREE") == std::string::npos);
    }
}

TEST_CASE("a page holds at most 201 rows: the API's 200 plus one to detect a next page",
          "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "s"));
        for (int i = 0; i < 250; ++i) {
            auto t = ticket("t" + std::to_string(1000 + i), "c1", "s", "r");
            t.purpose = "purpose-" + t.id;  // one open ticket per clue, recipient and purpose
            tx.insert_ticket(t);
        }
    });
    TicketQuery q;
    q.agency_id = "r";
    q.limit = 201;
    CHECK(store->reader()->list_tickets(q).size() == 201);
    q.limit = 5000;
    CHECK(store->reader()->list_tickets(q).size() == 201);
}

TEST_CASE("review_queue lists clues waiting for a person, per sender, by cursor", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "x", ClueStatus::needs_review));
        insert_in_case(tx, stored_clue("c2", "y", ClueStatus::routed));
        insert_in_case(tx, stored_clue("c3", "y", ClueStatus::needs_review));
        insert_in_case(tx, stored_clue("c4", "x", ClueStatus::needs_review));
    });
    auto reader = store->reader();
    auto ids = [](const std::vector<StoredClue>& clues) {
        std::vector<std::string> out;
        for (const auto& c : clues) out.push_back(c.id);
        return out;
    };
    ReviewQuery q;
    CHECK(ids(reader->review_queue(q)) == std::vector<std::string>{"c1", "c3", "c4"});
    q.sender_agency = "x";
    const auto xs = reader->review_queue(q);
    CHECK(ids(xs) == std::vector<std::string>{"c1", "c4"});
    REQUIRE_FALSE(xs.empty());
    CHECK(xs[0].status == ClueStatus::needs_review);
    CHECK(xs[0].review_reason == std::optional<std::string>("no_agency_for_region"));
    q.after_id = "c1";
    CHECK(ids(reader->review_queue(q)) == std::vector<std::string>{"c4"});
    q.sender_agency.reset();
    q.limit = 1;
    CHECK(ids(reader->review_queue(q)) == std::vector<std::string>{"c3"});
}

TEST_CASE("ticket events come back in the order they were appended", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    std::vector<std::int64_t> sequences;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "s"));
        tx.insert_ticket(ticket("t1", "c1", "s", "r"));
        tx.insert_ticket(ticket("t2", "c1", "s", "r2"));
        const char* steps[][3] = {{"ticket.created", "", "pending"},
                                  {"ticket.accepted", "pending", "accepted"},
                                  {"ticket.started", "accepted", "in_progress"},
                                  {"ticket.closed", "in_progress", "closed"}};
        for (const auto& step : steps) {
            domain::TicketEvent e;
            e.ticket_id = "t1";
            e.type = step[0];
            if (*step[1] != '\0') e.from_status = step[1];
            e.to_status = step[2];
            e.actor_agency = "r";
            e.actor_key = "key_r";
            e.at = at(static_cast<int>(sequences.size()));
            if (e.type == "ticket.closed") e.outcome = "assisted";
            sequences.push_back(tx.append_event(e));
            // Another ticket's events interleave without disturbing t1's order.
            e.ticket_id = "t2";
            tx.append_event(e);
        }
    });
    REQUIRE(sequences.size() == 4);
    CHECK(std::is_sorted(sequences.begin(), sequences.end()));
    CHECK(std::adjacent_find(sequences.begin(), sequences.end()) == sequences.end());

    const auto history = store->reader()->ticket_history("t1");
    REQUIRE(history.size() == 4);
    for (std::size_t i = 0; i < history.size(); ++i) {
        CHECK(history[i].sequence == sequences[i]);
        CHECK(history[i].ticket_id == "t1");
        CHECK(history[i].at == at(static_cast<int>(i)));
    }
    CHECK(history[0].type == "ticket.created");
    CHECK_FALSE(history[0].from_status);
    CHECK(history[3].type == "ticket.closed");
    CHECK(history[3].from_status == std::optional<std::string>("in_progress"));
    CHECK(history[3].to_status == "closed");
    CHECK(history[3].outcome == std::optional<std::string>("assisted"));
    CHECK(history[3].actor_key == "key_r");
    CHECK_FALSE(history[3].reason);
    CHECK(store->reader()->ticket_history("nope").empty());
}

TEST_CASE("idempotency records: insert, find, duplicate refused, purge", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    auto record = [](std::string key, int minute) {
        IdempotencyRecord r;
        r.agency_id = "hotline-a";
        r.key = std::move(key);
        r.request_hash = "abc123";
        r.status = 201;
        r.location = "/v1/clues/c1";
        r.body = R"({"id":"c1"})";
        r.created_at = at(minute);
        return r;
    };
    bool seen_inside = false;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        CHECK_FALSE(tx.find_idempotency("hotline-a", "k1"));
        tx.insert_idempotency(record("k1", 0));
        tx.insert_idempotency(record("k2", 30));
        tx.insert_idempotency(record("k3", 60));
        seen_inside = tx.find_idempotency("hotline-a", "k1").has_value();
    });
    CHECK(seen_inside);

    const auto found = store->reader()->find_idempotency("hotline-a", "k1");
    REQUIRE(found);
    CHECK(found->request_hash == "abc123");
    CHECK(found->status == 201);
    CHECK(found->location == "/v1/clues/c1");
    CHECK(found->body == R"({"id":"c1"})");
    CHECK(found->created_at == at(0));
    // Keys are per agency.
    CHECK_FALSE(store->reader()->find_idempotency("other-agency", "k1"));

    CHECK(write_result(*store,
                       [&](WriteTransaction& tx) { tx.insert_idempotency(record("k1", 5)); }));

    int purged = -1;
    write_and_wait(*store, [&](WriteTransaction& tx) { purged = tx.purge_idempotency(at(30)); });
    CHECK(purged == 1);
    auto reader = store->reader();
    CHECK_FALSE(reader->find_idempotency("hotline-a", "k1"));
    CHECK(reader->find_idempotency("hotline-a", "k2"));
    CHECK(reader->find_idempotency("hotline-a", "k3"));
}

TEST_CASE("api keys: find by hash, list, revoke once", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [](WriteTransaction& tx) {
        ApiKey k;
        k.id = "key_b";
        k.agency_id = "fed-1";
        k.role = "staff";
        k.label = "front desk";
        k.created_at = at(0);
        k.expires_at = at(60 * 24 * 365);
        tx.insert_api_key(k, "hash-b");
        k.id = "key_a";
        k.role = "admin";
        k.expires_at.reset();
        tx.insert_api_key(k, "hash-a");
    });
    {
        auto reader = store->reader();
        const auto b = reader->find_api_key_by_hash("hash-b");
        REQUIRE(b);
        CHECK(b->id == "key_b");
        CHECK(b->agency_id == "fed-1");
        CHECK(b->role == "staff");
        CHECK(b->label == "front desk");
        CHECK(b->created_at == at(0));
        CHECK(b->expires_at == at(60 * 24 * 365));
        CHECK_FALSE(b->revoked_at);
        CHECK_FALSE(reader->find_api_key_by_hash("hash-x"));
        const auto all = reader->list_api_keys();
        REQUIRE(all.size() == 2);
        CHECK(all[0].id == "key_a");
        CHECK_FALSE(all[0].expires_at);
    }
    bool first = false;
    bool second = true;
    bool unknown = true;
    write_and_wait(*store, [&](WriteTransaction& tx) {
        first = tx.revoke_api_key("key_b", at(5));
        second = tx.revoke_api_key("key_b", at(9));
        unknown = tx.revoke_api_key("key_zzz", at(5));
    });
    CHECK(first);
    CHECK_FALSE(second);
    CHECK_FALSE(unknown);
    const auto b = store->reader()->find_api_key_by_hash("hash-b");
    REQUIRE(b);
    CHECK(b->revoked_at == at(5));
    CHECK_FALSE(store->reader()->find_api_key_by_hash("hash-a")->revoked_at);
}

TEST_CASE("agencies are inserted and updated in place", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    auto a = agency("proc-511702");
    a.parent = "proc-511700";
    write_and_wait(*store, [&](WriteTransaction& tx) {
        tx.upsert_agency(a);
        tx.upsert_agency(agency("fed-511702", "womens_federation"));
    });
    CHECK(store->reader()->agencies() ==
          std::vector<domain::Agency>{agency("fed-511702", "womens_federation"), a});
    a.name = "新名称";
    a.parent.reset();
    a.services.clear();
    a.accepts_referrals = false;
    write_and_wait(*store, [&](WriteTransaction& tx) { tx.upsert_agency(a); });
    const auto all = store->reader()->agencies();
    REQUIRE(all.size() == 2);
    CHECK(all[1] == a);
}

TEST_CASE("stop drains queued work, later writes get the stopping error", "[storage]") {
    TempDir dir;
    std::atomic<int> committed{0};
    std::atomic<int> refused{0};
    int accepted = 0;
    {
        auto store = open_sqlite_store(options_for(dir));
        Gate gate;
        store->write(gate.work(), {});
        gate.wait_entered();
        for (int i = 0; i < 50; ++i) {
            ++accepted;
            store->write(
                [i](WriteTransaction& tx) { tx.upsert_agency(agency("q" + std::to_string(i))); },
                [&](std::exception_ptr e) {
                    if (!e) ++committed;
                });
        }
        std::thread stopper([&] { store->stop(); });
        // Keep writing until one is refused: that proves stop() has begun while the queue
        // still holds 50 units behind the gate.
        std::string refusal;
        for (int tries = 0; tries < 5000 && refusal.empty(); ++tries) {
            // Accepted writes complete later on the writer thread, so their callback must not
            // touch this loop's locals; the shared message is written only by a refusal.
            auto message = std::make_shared<std::string>();
            store->write([](WriteTransaction& tx) { tx.upsert_agency(agency("late")); },
                         [&committed, &refused, message](std::exception_ptr e) {
                             if (e) {
                                 ++refused;
                                 *message = message_of(e);
                             } else {
                                 ++committed;
                             }
                         });
            // A refusal completes inline, before write() returns.
            if (message->empty()) {
                ++accepted;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            } else {
                refusal = *message;
            }
        }
        CHECK(refusal == "store is stopping");
        CHECK(committed == 0);  // nothing has passed the gate yet
        gate.open();
        stopper.join();
        CHECK(committed == accepted);
        store->stop();  // again: nothing left, returns at once

        bool after_stop = false;
        store->write([](WriteTransaction&) {}, [&](std::exception_ptr e) { after_stop = !!e; });
        CHECK(after_stop);
    }
    CHECK(refused >= 1);
    auto store = open_sqlite_store(options_for(dir));
    const auto agencies = store->reader()->agencies();
    std::size_t queued = 0;
    for (const auto& a : agencies) queued += a.id.rfind("q", 0) == 0 ? 1 : 0;
    CHECK(queued == 50);
}

TEST_CASE("readers do not wait while the writer holds a transaction open", "[storage]") {
    TempDir dir;
    auto o = options_for(dir);
    o.busy_timeout_ms = 3000;
    auto store = open_sqlite_store(o);
    write_and_wait(*store, [](WriteTransaction& tx) { tx.upsert_agency(agency("committed")); });

    Gate gate;
    Counter done;
    store->write(gate.work([](WriteTransaction& tx) { tx.upsert_agency(agency("uncommitted")); }),
                 [&](std::exception_ptr) { done.add(); });
    gate.wait_entered();

    const auto start = std::chrono::steady_clock::now();
    std::vector<domain::Agency> seen;
    {
        auto reader = store->reader();
        seen = reader->agencies();
    }
    const auto elapsed = std::chrono::steady_clock::now() - start;
    gate.open();
    REQUIRE(done.wait_for(1));

    // Far below the busy timeout: the read did not wait for the write lock.
    CHECK(elapsed < std::chrono::milliseconds(1000));
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].id == "committed");
    CHECK(store->reader()->agencies().size() == 2);
}

TEST_CASE("write_and_wait rethrows the unit's failure", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    CHECK_THROWS_WITH(
        write_and_wait(*store, [](WriteTransaction&) { throw std::runtime_error("boom"); }),
        "boom");
    CHECK_NOTHROW(write_and_wait(*store, [](WriteTransaction&) {}));
}

TEST_CASE("clue status names round-trip", "[storage]") {
    for (auto s : {ClueStatus::routed, ClueStatus::needs_review}) {
        CHECK(parse_clue_status(to_string(s)) == s);
    }
    CHECK_FALSE(parse_clue_status("Routed"));
    CHECK_FALSE(parse_clue_status(""));
}

TEST_CASE("a stored clue stays readable when intake rules tighten", "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    StoredClue older = stored_clue("c-old", "hotline-a");
    // Values today's parse_clue would refuse: reading must not judge them again.
    older.clue.indicators = {"retired_indicator"};
    older.clue.subject.id_number = "511702198103120241";
    write_and_wait(*store, [&](WriteTransaction& tx) { insert_in_case(tx, older); });
    const auto read = store->reader()->find_clue("c-old");
    REQUIRE(read);
    CHECK(read->clue.indicators == std::vector<std::string>{"retired_indicator"});
    CHECK(read->clue.subject.id_number == "511702198103120241");
    CHECK(domain::to_json(read->clue) == domain::to_json(older.clue));
}

TEST_CASE("storage refuses a second open ticket for the same clue, recipient and purpose",
          "[storage]") {
    TempDir dir;
    auto store = open_sqlite_store(options_for(dir));
    write_and_wait(*store, [](WriteTransaction& tx) {
        insert_in_case(tx, stored_clue("c1", "s"));
        tx.insert_ticket(ticket("t1", "c1", "s", "r", TicketStatus::rejected));
        tx.insert_ticket(ticket("t2", "c1", "s", "r"));  // the rejected one is not open
    });
    CHECK_THROWS_AS(
        write_and_wait(
            *store, [](WriteTransaction& tx) { tx.insert_ticket(ticket("t3", "c1", "s", "r")); }),
        StorageError);
    auto other_purpose = ticket("t4", "c1", "s", "r");
    other_purpose.purpose = "social_support";
    write_and_wait(*store, [&](WriteTransaction& tx) { tx.insert_ticket(other_purpose); });
    CHECK(store->reader()->tickets_of_clue("c1").size() == 3);
}
