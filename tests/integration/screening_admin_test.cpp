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

// A violence victim's clue backed by the indicator alone: `high` under the shipped criteria,
// `urgent` under criteria that make domestic_violence urgent.
json indicator_only_clue(const std::string& reference) {
    json clue = make_clue("511702", reference);
    clue["indicators"] = {"domestic_violence"};
    clue["narrative"] = "";
    return clue;
}

// Waits for the server's log to say `what` (a SIGHUP is handled asynchronously).
bool log_says(TestServer& server, const std::string& what) {
    for (int i = 0; i < 100 && server.log().find(what) == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return server.log().find(what) != std::string::npos;
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

    Response submitted = submit(c, hotline, indicator_only_clue("RESCREEN-1"), "rescreen-1");
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
    CHECK(log_says(server, "reload refused"));
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

// Issue 22: a reload took changed thresholds under the same version string, and the
// re-screen that followed changed nothing ("examined 1, rescreened 0").
TEST_CASE(
    "criteria changed under the same version are refused at reload and at start; a new "
    "version reaches every open clue",
    "[integration]") {
    CriteriaFile criteria;
    TestServer server({{"CLUE_ROUTER_CRITERIA", criteria.path.string()}});
    HttpClient& c = server.client();
    const std::string hotline = server.key_for(kHotline, "intake");
    const std::string admin = server.key_for("proc-510000", "admin");

    Response submitted = submit(c, hotline, indicator_only_clue("VERSION-1"), "version-1");
    REQUIRE_STATUS(submitted, 201);
    const std::string version = submitted.json()["screening"]["criteria_version"];
    REQUIRE(submitted.json()["screening"]["priority"] != "urgent");

    // The same rules, written another way (compact, not indented): not a change.
    write_file(criteria.path, shipped_criteria().dump());
    REQUIRE_STATUS(c.post("/v1/admin/criteria/reload", "{}", json_auth(admin)), 200);

    // Changed content, same version: refused by the endpoint and by SIGHUP.
    json changed = shipped_criteria();
    changed["indicators"]["domestic_violence"]["urgent"] = true;
    write_file(criteria.path, changed.dump(2));
    Response refused = c.post("/v1/admin/criteria/reload", "{}", json_auth(admin));
    CHECK_PROBLEM(refused, 422, "validation");
    const std::string detail = refused.json().value("detail", "");
    CHECK_THAT(detail, Catch::Contains(criteria.path.string()));
    CHECK_THAT(detail, Catch::Contains("criteria version '" + version + "' was first used on "));
    CHECK_THAT(detail, Catch::Contains("give the changed criteria a new version"));
    server.signal(SIGHUP);
    CHECK(log_says(server, "reload refused, the previous configuration stays: criteria " +
                               criteria.path.string() + ": criteria version '" + version +
                               "' was first used on "));
    REQUIRE(server.running());
    // The running criteria stay: a clue like the first (another woman's, so that it is a
    // clue of her own, not one joining the first's case) is still not urgent.
    Response still = submit(c, hotline, indicator_only_clue("VERSION-2"), "version-2");
    REQUIRE_STATUS(still, 201);
    CHECK(still.json()["screening"]["criteria_version"] == version);
    CHECK(still.json()["screening"]["priority"] != "urgent");

    // Across a restart too: the database remembers what the version stood for.
    server.stop();
    RunResult start = server.cli({"serve", "--config", server.config_path()});
    REQUIRE(start.status.has_value());
    INFO(start.status->describe() << "\n" << start.err);
    CHECK(start.status->exited);
    CHECK(start.status->code == 1);
    CHECK_THAT(start.err,
               Catch::Contains("cannot start: criteria " + criteria.path.string() +
                               ": criteria version '" + version + "' was first used on "));

    // Under a new version it starts, and re-screening reaches both open clues.
    changed["version"] = "it-urgent-violence";
    write_file(criteria.path, changed.dump(2));
    server.start();
    Response rescreened = c.post("/v1/admin/rescreen", "{}", json_auth(admin));
    REQUIRE_STATUS(rescreened, 200);
    CHECK(rescreened.json()["criteria_version"] == "it-urgent-violence");
    CHECK(rescreened.json()["examined"] == 2);
    CHECK(rescreened.json()["rescreened"] == 2);
    CHECK(rescreened.json()["priority_changed"] == 2);

    // Going back to the first version with its own content is a change undone, not a clash.
    write_file(criteria.path, shipped_criteria().dump(2));
    Response back = c.post("/v1/admin/criteria/reload", "{}", json_auth(admin));
    REQUIRE_STATUS(back, 200);
    CHECK(back.json()["criteria_version"] == version);

    // Each version's first use is in the audit trail, with the content's digest.
    std::vector<std::string> first_used;
    for (const json& row : list_all(c, admin, "/v1/audit")) {
        if (row.value("action", "") != "criteria.first_used") continue;
        first_used.push_back(row["record"]["id"]);
        CHECK(row["detail"]["sha256"].get<std::string>().size() == 64);
    }
    CHECK(first_used == std::vector<std::string>{version, "it-urgent-violence"});
}

TEST_CASE(
    "a criteria file that is not JSON is refused with its line and column, at start, on "
    "SIGHUP and on reload",
    "[integration]") {
    CriteriaFile criteria;
    TestServer server({{"CLUE_ROUTER_CRITERIA", criteria.path.string()}});
    HttpClient& c = server.client();
    const std::string admin = server.key_for("proc-510000", "admin");

    // A comma left out at the end of line 2: the parser stops at the end of the member name
    // it did not expect, line 3, column 15.
    write_file(criteria.path, "{\n  \"version\": \"it-broken\"\n  \"elderly_age\": 60\n}\n");
    const std::string where = "line 3, column 15";

    Response refused = c.post("/v1/admin/criteria/reload", "{}", json_auth(admin));
    CHECK_PROBLEM(refused, 422, "validation");
    CHECK_THAT(refused.json().value("detail", ""),
               Catch::Contains("the criteria file " + criteria.path.string() +
                               " is not valid JSON: " + where));

    server.signal(SIGHUP);
    CHECK(log_says(server, "reload refused"));
    CHECK_THAT(server.log(), Catch::Contains("is not valid JSON: " + where));
    REQUIRE(server.running());

    server.stop();
    RunResult start = server.cli({"serve", "--config", server.config_path()});
    REQUIRE(start.status.has_value());
    INFO(start.status->describe() << "\n" << start.err);
    CHECK(start.status->code == 1);
    CHECK_THAT(start.err, Catch::Contains("cannot start: the criteria file " +
                                          criteria.path.string() + " is not valid JSON: " + where));
}
