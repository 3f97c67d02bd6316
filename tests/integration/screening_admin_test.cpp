// Changing the screening criteria on a running server: a bad file is refused by name and the
// old criteria stay; a good one is loaded (admin endpoint or SIGHUP); open clues are
// re-screened and their earlier screenings kept as history.
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;
namespace fs = std::filesystem;

namespace {

json shipped_criteria() {
    std::ifstream in(source_dir() + "/config/criteria.json");
    return json::parse(in);
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

struct CriteriaFile {
    fs::path dir;
    fs::path path;
    CriteriaFile() {
        std::string pattern = (fs::temp_directory_path() / "clue-router-criteria-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        dir = pattern;
        path = dir / "criteria.json";
        write_file(path, shipped_criteria().dump(2));
    }
    ~CriteriaFile() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
};

}  // namespace

TEST_CASE("criteria reload refuses bad files, and re-screening keeps the history",
          "[integration]") {
    CriteriaFile criteria;
    TestServer server({{"CLUE_ROUTER_CRITERIA", criteria.path.string()}});
    HttpClient& c = server.client();
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string admin = server.key_for("proc-510000", "admin");
    const std::string staff = server.key_for("proc-511702", "staff");

    json clue = make_clue("511702", "RESCREEN-1");
    clue["indicators"] = {"domestic_violence"};
    clue["narrative"] = "";
    Response submitted = submit(c, hotline, clue, "rescreen-1");
    REQUIRE_STATUS(submitted, 201);
    const std::string id = submitted.json()["clue"]["id"];
    const std::string first_version = submitted.json()["screening"]["criteria_version"];
    REQUIRE(submitted.json()["screening"]["priority"] != "urgent");

    // A broken file: refused with its problem named, by the endpoint and by SIGHUP.
    json broken = shipped_criteria();
    broken["indicators"]["domestic_violence"]["groups"]["no_such_group"] = 10;
    write_file(criteria.path, broken.dump());
    Response refused = c.post("/v1/admin/criteria/reload", "{}", json_auth(admin));
    CHECK_PROBLEM(refused, 422, "validation");
    CHECK_THAT(refused.json()["detail"].get<std::string>(), Catch::Contains("no_such_group"));
    server.signal(SIGHUP);
    for (int i = 0; i < 50 && server.log().find("reload refused") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(server.log().find("reload refused") != std::string::npos);
    REQUIRE(server.running());
    Response still = submit(c, hotline, make_clue("511702", "RESCREEN-2"), "rescreen-2");
    REQUIRE_STATUS(still, 201);
    CHECK(still.json()["screening"]["criteria_version"] == first_version);

    // Only an admin may reload or re-screen.
    CHECK_PROBLEM(c.post("/v1/admin/criteria/reload", "{}", json_auth(staff)), 403, "forbidden");
    CHECK_PROBLEM(c.post("/v1/admin/rescreen", "{}", json_auth(staff)), 403, "forbidden");

    // A good file: loaded, and the open clues re-screened under it.
    json stricter = shipped_criteria();
    stricter["version"] = "it-stricter";
    stricter["indicators"]["domestic_violence"]["urgent"] = true;
    write_file(criteria.path, stricter.dump());
    Response reloaded = c.post("/v1/admin/criteria/reload", "{}", json_auth(admin));
    REQUIRE_STATUS(reloaded, 200);
    CHECK(reloaded.json()["criteria_version"] == "it-stricter");

    Response rescreened = c.post("/v1/admin/rescreen", "{}", json_auth(admin));
    REQUIRE_STATUS(rescreened, 200);
    CHECK(rescreened.json()["criteria_version"] == "it-stricter");
    CHECK(rescreened.json()["examined"] == 2);
    CHECK(rescreened.json()["rescreened"] == 2);
    CHECK(rescreened.json()["priority_changed"].get<int>() >= 1);

    Response history = get(c, staff, "/v1/clues/" + id + "/screenings");
    REQUIRE_STATUS(history, 200);
    REQUIRE(history.json()["items"].size() == 2);
    CHECK(history.json()["items"][0]["criteria_version"] == first_version);
    CHECK(history.json()["items"][1]["criteria_version"] == "it-stricter");
    CHECK(history.json()["items"][1]["priority"] == "urgent");
    Response now = get(c, hotline, "/v1/clues/" + id);
    REQUIRE_STATUS(now, 200);
    CHECK(now.json()["clue"]["priority"] == "urgent");
    CHECK(now.json()["screening"]["criteria_version"] == "it-stricter");

    // A second run finds nothing left to do.
    Response again = c.post("/v1/admin/rescreen", "{}", json_auth(admin));
    REQUIRE_STATUS(again, 200);
    CHECK(again.json()["rescreened"] == 0);
}
