// Migration 11 (one woman, one case) on a database as the previous binary (version 10) left it:
// clues grouped into cases by their links, the clue left without a ticket carried by its case's
// tickets or answered (its sender told), measures moved to the ticket, reasons off the ticket;
// and the figures counted after it add up.
#include <catch2/catch.hpp>

#include "clue_router/domain/stats.hpp"
#include "clue_router/service/case_invariants.hpp"
#include "clue_router/storage/database_file.hpp"
#include "clue_router/storage/migrations.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "storage/storage_test_support.hpp"

using namespace clue_router;
using namespace clue_router::storage;
using namespace clue_router::storage::test;

namespace {

void clue(sqlite::Connection& c, const std::string& id, const std::string& sender,
          const std::string& status, const std::string& priority) {
    auto q = c.query(
        "INSERT INTO clues (id, sender_agency, submitted_by_key, channel, reference, received_at, "
        "region, status, review_reason, priority, body_json, created_at, reviewed_at) "
        "VALUES (?, ?, 'key', 'hotline_12309', ?, '2026-11-20T01:00:00.000Z', '511702', ?, ?, ?, "
        "'{}', '2026-11-20T01:00:00.000Z', ?)");
    const bool review = status == "needs_review";
    const bool dismissed = status == "dismissed";
    q->bind_all(id, sender, "ref-" + id, status,
                review ? std::optional<std::string>("no_agency_for_region") : std::nullopt,
                priority,
                dismissed ? std::optional<std::string>("2026-11-21T00:00:00.000Z") : std::nullopt);
    q->run();
}

void ticket(sqlite::Connection& c, const std::string& id, const std::string& clue_id,
            const std::string& status, const std::string& updated_at) {
    auto q = c.query(
        "INSERT INTO tickets (id, clue_id, sender_agency, recipient_agency, purpose, status, "
        "priority, version, reason, created_at, updated_at) VALUES (?, ?, 'hotline-a', "
        "'proc-511702', 'judicial_assistance', ?, 'high', 2, '她住在东城路12号', "
        "'2026-11-20T01:00:00.000Z', ?)");
    q->bind_all(id, clue_id, status, updated_at);
    q->run();
}

void link(sqlite::Connection& c, const std::string& a, const std::string& b) {
    for (const auto& [x, y] : {std::pair{a, b}, std::pair{b, a}}) {
        auto q = c.query(
            "INSERT INTO clue_links (clue_id, linked_clue_id, basis, created_at, created_by) "
            "VALUES (?, ?, 'phone', '2026-11-20T01:00:00.000Z', 'key')");
        q->bind_all(x, y);
        q->run();
    }
}

std::string one(sqlite::Connection& c, const std::string& sql) {
    auto q = c.query(sql);
    REQUIRE(q->step());
    return q->is_null(0) ? "NULL" : q->text(0);
}

}  // namespace

TEST_CASE("migration 11 groups clues into cases and answers those left behind",
          "[storage][migrations]") {
    TempDir dir;
    {
        secure_database_files(dir.db());  // 0600, as the store demands
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        c.exec("PRAGMA foreign_keys = ON");
        migrations::migrate_to(c, 10);
        // An open case: c1 with a pending ticket, c2 linked to it and left without one.
        clue(c, "c1", "hotline-a", "routed", "high");
        clue(c, "c2", "hotline-b", "routed", "urgent");
        link(c, "c1", "c2");
        ticket(c, "t1", "c1", "pending", "2026-11-20T01:00:00.000Z");
        // A finished case: c3 answered, c4 linked to it and never answered.
        clue(c, "c3", "hotline-a", "answered", "normal");
        clue(c, "c4", "hotline-b", "routed", "normal");
        link(c, "c3", "c4");
        ticket(c, "t3", "c3", "closed", "2026-11-25T08:00:00.000Z");
        c.exec(
            "INSERT INTO ticket_closures (ticket_id, outcome, measures_json, closed_by_agency, "
            "closed_at) VALUES ('t3', 'assisted', "
            "'[{\"type\":\"legal_aid\",\"provider_agency\":\"legal-aid-511702\",\"status\":"
            "\"provided\"}]', 'proc-511702', '2026-11-25T08:00:00.000Z')");
        // Alone: one waiting for review, one dismissed.
        clue(c, "c5", "hotline-a", "needs_review", "low");
        clue(c, "c6", "hotline-a", "dismissed", "low");
        // hotline-b listens for every event.
        c.exec(
            "INSERT INTO webhook_endpoints (id, agency_id, url, event_types_json, secret, enabled, "
            "created_at, updated_at) VALUES ('ep-b', 'hotline-b', 'https://b.example.cn/h', '[]', "
            "'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 1, '2026-11-20T00:00:00.000Z', "
            "'2026-11-20T00:00:00.000Z')");
    }

    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->schema_version() == latest_schema_version());
    const auto violations = service::check_case_invariants(*store);
    std::string lines;
    for (const auto& v : violations) lines += v + "\n";
    INFO(lines);
    CHECK(violations.empty());

    auto reader = store->reader();
    const auto ref = [&](const char* id) {
        auto r = reader->clue_ref(id);
        REQUIRE(r);
        return *r;
    };
    CHECK(ref("c1").case_id == ref("c2").case_id);
    CHECK(ref("c3").case_id == ref("c4").case_id);
    CHECK(ref("c1").case_id != ref("c3").case_id);
    const auto open = reader->case_facts(ref("c1").case_id);
    REQUIRE(open);
    CHECK(open->record.status == domain::CaseStatus::open);
    CHECK(open->record.priority == domain::Priority::urgent);
    // The clue left behind is carried by its case's ticket now.
    REQUIRE(open->coverage.size() == 2);
    const auto closed = reader->case_facts(ref("c3").case_id);
    REQUIRE(closed);
    CHECK(closed->record.status == domain::CaseStatus::closed);
    CHECK(closed->record.closed_at == domain::parse_rfc3339("2026-11-25T08:00:00.000Z"));
    CHECK(ref("c4").status == ClueStatus::answered);
    CHECK(ref("c5").status == ClueStatus::needs_review);
    CHECK(reader->find_case(ref("c6").case_id)->status == domain::CaseStatus::closed);

    // c4's sender is told, as the service would have told it.
    DeliveryQuery q;
    q.agency_id = "hotline-b";
    const auto told = reader->list_deliveries(q);
    REQUIRE(told.size() == 1);
    CHECK(told[0].event_type == "clue.answered");
    CHECK(told[0].ordering_key == "clue:c4");
    CHECK(told[0].payload.find(
              R"({"data":{"clue_id":"c4","sender_agency":"hotline-b","status":"answered"},)") == 0);

    // The measures of a closure are the ticket's; the last reason is off the ticket.
    const auto measures = reader->measures_of("t3");
    REQUIRE(measures.size() == 1);
    CHECK(measures[0].measure.type == domain::MeasureType::legal_aid);

    // The figures add up again: each report received is routed, in review, dismissed or
    // answered, and the one left "routed" in a finished case counts as answered. The legal
    // aid given at the closing counts on the day it was recorded.
    {
        using namespace std::chrono;
        constexpr minutes kChina{480};
        const domain::DayRange november{sys_days{year{2026} / November / 1},
                                        sys_days{year{2026} / December / 1}};
        domain::StatsQuery query;
        query.days = november;
        query.from = domain::start_of_local_day(november.first, kChina);
        query.to = domain::start_of_local_day(november.end, kChina);
        const auto table = domain::make_stats_table(reader->stats_facts(query),
                                                    {november, std::nullopt, {}}, {0, 0}, kChina);
        const auto count = [&](std::string_view column) {
            const auto& cell = table.total.cells.at(domain::stats_column(column));
            REQUIRE(cell.kind == domain::StatsCell::Kind::number);
            return cell.value;
        };
        CHECK(count("clues_received") == 6);
        CHECK(count("clues_routed") == 2);  // c1, and c2 carried by her open case's ticket
        CHECK(count("clues_in_review") == 1);
        CHECK(count("clues_dismissed") == 1);
        CHECK(count("clues_answered") == 2);  // c3, and c4 answered by the migration
        CHECK(count("tickets_created") == 2);
        CHECK(count("measure_legal_aid") == 1);
    }
    store->stop();
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    CHECK(one(c, "SELECT count(*) FROM tickets WHERE reason IS NOT NULL") == "0");
    CHECK(one(c, "SELECT count(*) FROM clues WHERE case_id IS NULL") == "0");
}

TEST_CASE("migration 14 tells each key and inbound secret who made it, from the audit trail",
          "[storage][migrations]") {
    TempDir dir;
    {
        secure_database_files(dir.db());  // 0600, as the store demands
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        migrations::migrate_to(c, 13);
        // Two keys: one an admin of another agency made (its audit row says so), one the
        // command line made, and one with no audit row at all.
        c.exec(
            "INSERT INTO api_keys (id, agency_id, role, label, key_hash, created_at) VALUES "
            "('key_a', 'fed-511702', 'staff', '', 'h1', '2026-11-20T01:00:00.000Z'), "
            "('key_b', 'proc-511702', 'staff', '', 'h2', '2026-11-20T01:00:00.000Z'), "
            "('key_c', 'proc-511702', 'staff', '', 'h3', '2026-11-20T01:00:00.000Z')");
        c.exec(
            "INSERT INTO audit_log (seq, at, request_id, actor_key, actor_agency, actor_role, "
            "action, record_type, record_id, detail_json, prev_hash, hash) VALUES "
            "(1, '2026-11-20T01:00:00.000Z', 'r1', 'key_admin', 'proc-510000', 'admin', "
            "'api_key.created', 'api_key', 'key_a', '{}', 'x', 'y'), "
            "(2, '2026-11-20T01:00:00.000Z', 'r2', 'cli', '', 'admin', "
            "'api_key.created', 'api_key', 'key_b', '{}', 'y', 'z')");
        c.exec(
            "INSERT INTO inbound_secrets (agency_id, secret, previous_secret, "
            "previous_secret_until, created_at) VALUES "
            "('proc-511702', 'cr1.sealed', 'cr1.old', '2026-11-21T01:00:00.000Z', "
            "'2026-11-20T01:00:00.000Z'), "
            "('fed-511702', 'cr1.sealed', NULL, NULL, '2026-11-20T01:00:00.000Z')");
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->schema_version() == latest_schema_version());
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    const auto key = [&](const char* id) {
        return one(c,
                   std::string("SELECT coalesce(created_by_key, 'NULL') || '/' || "
                               "coalesce(created_by_agency, 'NULL') FROM api_keys WHERE id = '") +
                       id + "'");
    };
    CHECK(key("key_a") == "key_admin/proc-510000");
    CHECK(key("key_b") == "cli/NULL");  // the command line acts for no agency
    CHECK(key("key_c") == "NULL/NULL");
    // Every secret has an id; the previous one its own, while it verifies.
    CHECK(one(c, "SELECT count(*) FROM inbound_secrets WHERE id LIKE 'ins\\_%' ESCAPE '\\'") ==
          "2");
    CHECK(one(c, "SELECT count(*) FROM inbound_secrets WHERE previous_id IS NOT NULL") == "1");
    CHECK(one(c, "SELECT count(DISTINCT id) + count(DISTINCT previous_id) FROM inbound_secrets") ==
          "3");
}

TEST_CASE("migration 18: tickets take an assignee, notes name the person who wrote them",
          "[storage][migrations][assignment]") {
    TempDir dir;
    {
        secure_database_files(dir.db());  // 0600, as the store demands
        sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_write_create, 1000);
        migrations::migrate_to(c, 17);
        clue(c, "c1", "hotline-a", "routed", "high");
        ticket(c, "t1", "c1", "accepted", "2026-11-21T01:00:00.000Z");
        // Two notes: one a person wrote (her event named her), one a key wrote.
        c.exec(
            "INSERT INTO ticket_notes (id, ticket_id, author_agency, author_key, text, "
            "created_at) VALUES "
            "('n1', 't1', 'proc-511702', 'psn_li', 'cr1.sealed', '2026-11-21T02:00:00.000Z'), "
            "('n2', 't1', 'proc-511702', 'key_proc', 'cr1.sealed', '2026-11-21T03:00:00.000Z')");
        c.exec(
            "INSERT INTO ticket_events (ticket_id, type, to_status, actor_agency, actor_key, at, "
            "note_id, actor_person, actor_name) VALUES "
            "('t1', 'ticket.note_added', 'accepted', 'proc-511702', 'psn_li', "
            "'2026-11-21T02:00:00.000Z', 'n1', 'psn_li', '李娜'), "
            "('t1', 'ticket.note_added', 'accepted', 'proc-511702', 'key_proc', "
            "'2026-11-21T03:00:00.000Z', 'n2', NULL, NULL), "
            "('t1', 'ticket.started', 'in_progress', 'proc-511702', 'psn_wang', "
            "'2026-11-21T04:00:00.000Z', NULL, 'psn_wang', '王芳')");
    }
    auto store = open_sqlite_store(options_for(dir));
    CHECK(store->reader()->schema_version() == latest_schema_version());
    store->stop();
    sqlite::Connection c(dir.db(), sqlite::Connection::Mode::read_only, 1000);
    CHECK(one(c,
              "SELECT coalesce(author_person, 'NULL') || '/' || coalesce(author_name, 'NULL') "
              "FROM ticket_notes WHERE id = 'n1'") == "psn_li/李娜");
    CHECK(one(c,
              "SELECT coalesce(author_person, 'NULL') || '/' || coalesce(author_name, 'NULL') "
              "FROM ticket_notes WHERE id = 'n2'") == "NULL/NULL");
    // Nobody has taken a ticket yet; the inbox filter has its index.
    CHECK(one(c, "SELECT count(*) FROM tickets WHERE assignee_person IS NOT NULL") == "0");
    CHECK(one(c,
              "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND "
              "name = 'tickets_by_assignee'") == "1");
    CHECK(one(c,
              "SELECT count(*) FROM ticket_events WHERE assignee IS NOT NULL OR "
              "previous_assignee IS NOT NULL") == "0");
}
