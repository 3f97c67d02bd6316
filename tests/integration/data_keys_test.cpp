// The data keyring: no keyring, no service; rotation re-encrypts what is stored and the
// service keeps reading it.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("the service refuses to start without a data key", "[integration][keys]") {
    TestServer server(Environment{{"CLUE_ROUTER_DATA_KEYS_FILE", ""}}, false);
    RunResult r = server.cli({"serve", "--config", server.config_path()});
    REQUIRE(r.status.has_value());
    CHECK_FALSE(r.status->success());
    CHECK(r.err.find("no data key") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(server.port_file()));

    // A keyring others may read is refused as well.
    std::filesystem::permissions(server.data_keys_path(), std::filesystem::perms::group_read,
                                 std::filesystem::perm_options::add);
    TestServer loose(Environment{{"CLUE_ROUTER_DATA_KEYS_FILE", server.data_keys_path()}}, false);
    r = loose.cli({"serve", "--config", loose.config_path()});
    REQUIRE(r.status.has_value());
    CHECK_FALSE(r.status->success());
    CHECK(r.err.find("chmod 600") != std::string::npos);
}

TEST_CASE("rotating the data key re-encrypts every clue and keeps them readable",
          "[integration][keys]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        Response r = submit(c, key, make_clue("511702", "rotate-" + std::to_string(i)));
        REQUIRE(r.status == 201);
        ids.push_back(r.json()["clue"]["id"]);
    }
    server.stop();

    const std::string before = read_file(server.data_keys_path());
    RunResult made = server.cli({"keys", "new-data-key", "--config", server.config_path()});
    REQUIRE(made.success());
    CHECK(made.out.find(before.substr(0, before.find('\n'))) == std::string::npos);  // new current
    {
        std::ofstream out(server.data_keys_path(), std::ios::trunc);
        out << made.out;
    }
    const std::string current = made.out.substr(8, made.out.find('\n') - 8);  // "current=…"

    RunResult rotated = server.cli({"keys", "rotate-data-key", "--config", server.config_path()});
    INFO(rotated.err);
    REQUIRE(rotated.success());
    CHECK(rotated.err.find("re-encrypted 3 clue(s) and ") != std::string::npos);
    CHECK(rotated.err.find("under data key " + current) != std::string::npos);
    const std::string file = read_file(server.database_path());
    CHECK(file.find("cr1." + current + ".") != std::string::npos);
    CHECK(file.find("cr1.test-1.") == std::string::npos);

    server.start();
    for (const auto& id : ids) {
        Response r = get(c, key, "/v1/clues/" + id + "?reveal=true");
        CHECK_STATUS(r, 200);
        CHECK(r.json()["clue"]["subject"]["name"] == "集成测试人");
    }
}
