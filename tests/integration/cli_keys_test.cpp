// The key commands as a newcomer meets them (issue 22): `keys create` prints one line, the
// secret, as the docs show; `keys list` labels every column it prints, or gives scripts JSON
// with the shape of GET /v1/keys.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("keys create prints the secret alone, keys list labels its columns or prints JSON",
          "[integration][cli]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string admin = server.key_for("proc-510000", "admin");

    RunResult created = server.cli({"keys", "create", "--config", server.config_path(), "--agency",
                                    kHotline, "--role", "intake", "--label", "夜班"});
    INFO("stdout:\n" << created.out << "\nstderr:\n" << created.err);
    REQUIRE(created.success());
    const auto out = lines_of(created.out);
    REQUIRE(out.size() == 1);
    CHECK(out[0].rfind("crk_", 0) == 0);
    CHECK(out[0].find_first_of(" \t") == std::string::npos);
    CHECK_THAT(created.err, Catch::Contains("created key_"));
    CHECK_THAT(created.err, Catch::Contains("shown once"));
    CHECK(created.err.find(out[0]) == std::string::npos);  // the secret only once, on stdout

    const Response api = get(c, admin, "/v1/keys");
    REQUIRE_STATUS(api, 200);
    const json items = api.json()["items"];
    REQUIRE(items.size() == 2);
    const std::string intake_id = items[1]["id"];
    REQUIRE(server.cli({"keys", "revoke", "--config", server.config_path(), intake_id}).success());

    RunResult listed = server.cli({"keys", "list", "--config", server.config_path()});
    INFO("keys list:\n" << listed.out);
    REQUIRE(listed.success());
    const auto table = lines_of(listed.out);
    REQUIRE(table.size() == 3);
    const std::vector<std::string> columns{"id",         "agency",     "role",         "created_at",
                                           "expires_at", "revoked_at", "last_used_at", "label"};
    // The header names every column; under each label starts its value, in every row.
    std::istringstream header(table[0]);
    std::vector<std::string> names;
    for (std::string name; header >> name;) names.push_back(name);
    CHECK(names == columns);
    for (const std::string& name : columns) {
        INFO(name);
        const auto at = table[0].find(name);
        for (std::size_t row = 1; row < table.size(); ++row) {
            REQUIRE(table[row].size() > at);
            CHECK(table[row][at] != ' ');
            if (at > 0) CHECK(table[row][at - 1] == ' ');
        }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
        const std::string& row = table[i + 1];
        CHECK(row.rfind(items[i]["id"].get<std::string>(), 0) == 0);
        CHECK_THAT(row, Catch::Contains(items[i]["agency"].get<std::string>()));
    }
    CHECK_THAT(table[2], Catch::EndsWith("  夜班"));
    CHECK(table[2].substr(table[0].find("revoked_at"), 2) == "20");  // a time: revoked
    CHECK(table[1].substr(table[0].find("revoked_at"), 2) == "- ");

    RunResult as_json = server.cli({"keys", "list", "--json", "--config", server.config_path()});
    REQUIRE(as_json.success());
    const json listed_json = json::parse(as_json.out);
    REQUIRE(listed_json.size() == items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        INFO(i);
        for (const char* member : {"id", "agency", "role", "label", "created_at", "expires_at"}) {
            CHECK(listed_json[i][member] == items[i][member]);
        }
    }
    CHECK(listed_json[1]["revoked_at"].is_string());
    CHECK(listed_json[0]["revoked_at"].is_null());
}
