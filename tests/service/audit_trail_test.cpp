// The audit trail: rows for changes and personal-data reads, chained so that editing,
// deleting or reordering rows directly in the SQLite file is detected at the first bad row.
#include <catch2/catch.hpp>

#include "clue_router/service/audit_trail.hpp"
#include "clue_router/service/crypto.hpp"
#include "clue_router/storage/sqlite.hpp"
#include "service/service_fixture.hpp"

using namespace clue_router;
using namespace clue_router::service;
using namespace clue_router::service::test;

namespace {

std::vector<domain::AuditEntry> all_rows(storage::Store& store) {
    return store.reader()->audit_entries(0, 1000);
}

// Submits clues and moves a ticket, so the trail has rows of several kinds.
std::string make_history(ServiceFixture& f) {
    std::string ticket;
    for (const char* ref : {"A-1", "A-2", "A-3"}) {
        auto submitted = f.submit(f.hotline, clue_body(ref));
        REQUIRE(submitted);
        ticket = ServiceFixture::only_ticket(*submitted);
    }
    REQUIRE(f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}}));
    return ticket;
}

void tamper(const std::string& db, const std::string& sql) {
    storage::sqlite::Connection c(db, storage::sqlite::Connection::Mode::read_write_create, 5000);
    // Whoever edits the file can drop the guards too; the chain is what catches them.
    c.exec("DROP TRIGGER IF EXISTS audit_log_no_update");
    c.exec("DROP TRIGGER IF EXISTS audit_log_no_delete");
    c.exec(sql.c_str());
}

}  // namespace

TEST_CASE("changes and clear reads are audited with actor, record and request",
          "[service][audit]") {
    ServiceFixture f;
    Actor hotline = f.hotline;
    hotline.request_id = "req-1";
    auto submitted = f.submit(hotline, clue_body());
    REQUIRE(submitted);
    const std::string clue_id = nlohmann::json::parse(submitted->body)["clue"]["id"];
    const std::string ticket = ServiceFixture::only_ticket(*submitted);
    REQUIRE(f.transition(f.procuratorate, ticket, 1, {{"action", "accept"}}));
    REQUIRE(f.reveal(f.procuratorate, clue_id));
    REQUIRE(f.clues.get(f.procuratorate, clue_id));  // masked: no personal data, no row
    Actor admin{"key_admin", "proc-510000", Role::admin, "req-9"};
    REQUIRE(f.reveal(admin, clue_id, "court order 17"));

    const auto rows = all_rows(*f.store);
    REQUIRE(rows.size() == 4);
    CHECK(rows[0].action == "clue.submitted");
    CHECK(rows[0].record_type == "clue");
    CHECK(rows[0].record_id == clue_id);
    CHECK(rows[0].actor_key == "key_hotline");
    CHECK(rows[0].actor_agency == "hotline-12309-sc");
    CHECK(rows[0].actor_role == "intake");
    CHECK(rows[0].request_id == "req-1");
    CHECK(rows[0].prev_hash == domain::kAuditGenesisHash);
    CHECK(rows[1].action == "ticket.accepted");
    CHECK(rows[1].record_id == ticket);
    CHECK(rows[1].prev_hash == rows[0].hash);
    CHECK(rows[2].action == "clue.personal_data_read");
    CHECK(rows[2].actor_agency == "proc-511702");
    CHECK(rows[3].action == "clue.break_glass_read");
    // The reason is free text: the chained row names it by id, the reason is kept sealed.
    CHECK_FALSE(rows[3].detail.contains("reason"));
    REQUIRE(rows[3].detail.contains("reason_id"));
    CHECK(f.store->reader()->audit_reason(rows[3].detail["reason_id"].get<std::string>()) ==
          std::optional<std::string>("court order 17"));
    CHECK(domain::canonical_form(rows[3]).find("court order") == std::string::npos);
    for (const auto& r : rows) {
        const std::string text = domain::canonical_form(r);
        CHECK(text.find("王某") == std::string::npos);
        CHECK(text.find("13800130001") == std::string::npos);
    }
    const auto v = verify_audit(*f.store->reader());
    CHECK(v.intact);
    CHECK(v.rows == 4);
    CHECK(v.head_hash == rows[3].hash);
}

TEST_CASE("honest code cannot change or delete audit rows", "[service][audit]") {
    ServiceFixture f;
    make_history(f);
    storage::sqlite::Connection c(f.dir.db(), storage::sqlite::Connection::Mode::read_write_create,
                                  5000);
    CHECK_THROWS(c.exec("UPDATE audit_log SET action = 'x' WHERE seq = 1"));
    CHECK_THROWS(c.exec("DELETE FROM audit_log WHERE seq = 1"));
}

TEST_CASE("tampering with the audit file is found at the first broken row", "[service][audit]") {
    ServiceFixture f;
    make_history(f);
    const auto before = all_rows(*f.store);
    REQUIRE(before.size() == 4);
    REQUIRE(verify_audit(*f.store->reader()).intact);

    SECTION("a row edited") {
        tamper(f.dir.db(), "UPDATE audit_log SET actor_agency = 'proc-510104' WHERE seq = 2");
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 2);
        CHECK(v.problem.find("changed") != std::string::npos);
        CHECK(v.rows == 1);
    }
    SECTION("a row edited and its own hash recomputed") {
        // The forger rehashes the row, but the next row still names the old hash.
        auto edited = before[1];
        edited.actor_agency = "proc-510104";
        const std::string forged = sha256_hex(domain::canonical_form(edited));
        tamper(f.dir.db(), "UPDATE audit_log SET actor_agency = 'proc-510104', hash = '" + forged +
                               "' WHERE seq = 2");
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 3);
    }
    SECTION("a row deleted") {
        tamper(f.dir.db(), "DELETE FROM audit_log WHERE seq = 2");
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 3);
        CHECK(v.problem.find("row 2 is missing") != std::string::npos);
    }
    SECTION("two rows reordered") {
        tamper(f.dir.db(),
               "UPDATE audit_log SET seq = -2 WHERE seq = 2; "
               "UPDATE audit_log SET seq = 2 WHERE seq = 3; "
               "UPDATE audit_log SET seq = 3 WHERE seq = -2");
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 2);
    }
    SECTION("the first row deleted") {
        tamper(f.dir.db(), "DELETE FROM audit_log WHERE seq = 1");
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 2);
    }
    SECTION("the last row deleted: the chain is sound, but its head moved") {
        // Truncation at the end leaves a valid shorter chain; the head hash an operator
        // recorded earlier is what reveals it (docs/operations.md).
        tamper(f.dir.db(), "DELETE FROM audit_log WHERE seq = 4");
        const auto v = verify_audit(*f.store->reader());
        CHECK(v.intact);
        CHECK(v.head_hash != before[3].hash);
    }
    SECTION("new rows after a break still chain, but the break stays reported") {
        tamper(f.dir.db(), "UPDATE audit_log SET detail_json = '{}' WHERE seq = 2");
        REQUIRE(f.submit(f.hotline, clue_body("A-4")));
        const auto v = verify_audit(*f.store->reader());
        CHECK_FALSE(v.intact);
        CHECK(v.broken_at == 2);
    }
}
