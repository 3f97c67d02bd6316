// The audit trail and retention through the real binary: rows for what the API did, the
// chain verified over HTTP and by `clue-router audit verify`, a row edited in the SQLite file
// found by both; `clue-router purge --dry-run` and `purge` on a clue closed long ago.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/database.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

// Finishes every ticket of the clue: the sender cancels them (a recipient's rejection would
// route the clue again, to the parent agency).
std::string cancel_all(HttpClient& c, TestServer& server, const json& created) {
    for (const auto& t : created["tickets"]) {
        const std::string& key = server.key_for(t["sender_agency"], "intake");
        Response r =
            transition(c, key, t["id"], {{"action", "cancel"}, {"reason", "withdrawn"}}, etag(1));
        REQUIRE(r.status == 200);
    }
    return created["clue"]["id"];
}

}  // namespace

TEST_CASE("the audit trail records the API's changes and reads, and finds an edited row",
          "[integration][audit]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& hotline = server.key_for(kHotline, "intake");
    const std::string& proc = server.key_for("proc-511702", "staff");
    const std::string& admin = server.key_for("proc-510000", "admin");

    Response created = submit(c, hotline, make_clue("511702", "AUDIT-1"));
    REQUIRE(created.status == 201);
    const std::string clue = created.json()["clue"]["id"];
    Response read = get(c, proc, "/v1/clues/" + clue + "?reveal=true");
    REQUIRE(read.status == 200);
    const std::string read_request = read.header("X-Request-Id");

    Response rows = get(c, admin, "/v1/audit");
    REQUIRE(rows.status == 200);
    bool found_read = false;
    const json rows_body = rows.json();
    for (const auto& row : rows_body["items"]) {
        if (row["action"] == "clue.personal_data_read") {
            found_read = true;
            CHECK(row["request_id"] == read_request);
            CHECK(row["actor"]["agency"] == "proc-511702");
            CHECK(row["actor"]["role"] == "staff");
            CHECK(row["record"] == json({{"type", "clue"}, {"id", clue}}));
        }
    }
    CHECK(found_read);
    CHECK(rows.body.find("集成测试人") == std::string::npos);
    Response verified = get(c, admin, "/v1/audit/verify");
    REQUIRE(verified.status == 200);
    CHECK(verified.json()["intact"] == true);
    server.stop();

    RunResult ok = server.cli({"audit", "verify", "--config", server.config_path()});
    CHECK(ok.success());
    CHECK(ok.out.find("intact") != std::string::npos);

    // Someone with the file rewrites who read her data.
    edit_database(server.database_path(),
                  "DROP TRIGGER audit_log_no_update; "
                  "UPDATE audit_log SET actor_agency = 'proc-510104' "
                  "WHERE action = 'clue.personal_data_read'");
    RunResult broken = server.cli({"audit", "verify", "--config", server.config_path()});
    CHECK_FALSE(broken.success());
    CHECK(broken.out.find("BROKEN at row") != std::string::npos);

    server.start();
    Response after = get(c, admin, "/v1/audit/verify");
    REQUIRE(after.status == 200);
    CHECK(after.json()["intact"] == false);
    CHECK(after.json()["first_broken_seq"].is_number());
}

TEST_CASE("purge removes the personal data of clues closed long ago, dry run only lists",
          "[integration][retention]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& hotline = server.key_for(kHotline, "intake");
    Response old_case = submit(c, hotline, make_clue("511702", "OLD-1"));
    REQUIRE(old_case.status == 201);
    const std::string old_id = cancel_all(c, server, old_case.json());
    Response open_case = submit(c, hotline, make_clue("511702", "OPEN-1"));
    REQUIRE(open_case.status == 201);
    server.stop();

    // The loop closed two years ago.
    edit_database(server.database_path(),
                  "UPDATE cases SET closed_at = '2024-11-01T00:00:00.000Z' WHERE id = "
                  "(SELECT case_id FROM clues WHERE id = '" +
                      old_id + "')");

    RunResult dry = server.cli({"purge", "--dry-run", "--config", server.config_path()});
    REQUIRE(dry.success());
    CHECK(dry.out.find(old_id) != std::string::npos);
    CHECK(dry.out.find(open_case.json()["clue"]["id"].get<std::string>()) == std::string::npos);
    CHECK(dry.err.find("would purge 1 clue(s)") != std::string::npos);

    server.start();
    Response still = get(c, hotline, "/v1/clues/" + old_id + "?reveal=true");
    REQUIRE(still.status == 200);
    CHECK(still.json()["clue"]["subject"]["name"] == "集成测试人");
    server.stop();

    RunResult purged = server.cli({"purge", "--config", server.config_path()});
    REQUIRE(purged.success());
    CHECK(purged.err.find("purged 1 clue(s)") != std::string::npos);

    server.start();
    Response gone = get(c, hotline, "/v1/clues/" + old_id + "?reveal=true");
    REQUIRE(gone.status == 200);
    CHECK(gone.json()["clue"]["personal_data"] == "purged");
    CHECK_FALSE(gone.json()["clue"]["subject"].contains("name"));
    CHECK(gone.json()["clue"]["subject"]["region"] == "511702");
    CHECK(gone.json()["tickets"].size() == old_case.json()["tickets"].size());
    Response other =
        get(c, hotline, "/v1/clues/" + open_case.json()["clue"]["id"].get<std::string>());
    CHECK(other.json()["clue"]["personal_data"] == "masked");
    Response verified = get(c, server.key_for("proc-510000", "admin"), "/v1/audit/verify");
    CHECK(verified.json()["intact"] == true);
}
