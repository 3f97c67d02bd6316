// examples/hotline_submitter.py against a real server: the sample clues (tests/fixtures) twice; the
// second run replays every clue and creates nothing new.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

namespace {

std::string script() {
    return source_dir() + "/examples/hotline_submitter.py";
}

void check_no_personal_data(const std::string& text, const std::vector<json>& samples) {
    for (const json& line : samples) {
        const json& s = line["clue"]["subject"];
        for (const char* field : {"name", "id_number", "phone"}) {
            if (!s.contains(field)) continue;
            INFO("the submitter printed a sample's " << field);
            CHECK(text.find(s[field].get<std::string>()) == std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("the hotline submitter example submits the samples once, however often it runs",
          "[integration]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& key = server.key_for(kHotline, "intake");
    const std::vector<json> samples = sample_lines();

    // First run: --key on the command line.
    RunResult first =
        run({"python3", script(), "--url", server.base_url(), "--key", key, sample_clues_path()},
            {}, server.dir(), std::chrono::seconds(60));
    INFO("first run stdout:\n" << first.out << "\nstderr:\n" << first.err);
    REQUIRE(first.status.has_value());
    CHECK(first.status->describe() == "exit code 0");
    std::vector<std::string> out1 = lines_of(first.out);
    REQUIRE(out1.size() == samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const std::string ref = samples[i]["clue"]["source"]["reference"];
        CHECK(out1[i].rfind(ref + " 201 ", 0) == 0);
        CHECK(out1[i].find("[replayed]") == std::string::npos);
    }
    CHECK(first.out.find("proc-511702") != std::string::npos);
    CHECK(first.out.find("no_agency_for_region") != std::string::npos);
    check_no_personal_data(first.out + first.err, samples);

    const auto outbox1 = list_all(c, key, "/v1/tickets", "box=outbox");
    const auto queue1 = list_all(c, key, "/v1/review-queue");
    CHECK(outbox1.size() == 2);  // the 511702 clue: procuratorate and federation
    CHECK(queue1.size() == samples.size() - 1);

    // Second run: the key from CLUE_ROUTER_KEY; every clue is a replay.
    RunResult second = run({"python3", script(), "--url", server.base_url(), sample_clues_path()},
                           {{"CLUE_ROUTER_KEY", key}}, server.dir(), std::chrono::seconds(60));
    INFO("second run stdout:\n" << second.out << "\nstderr:\n" << second.err);
    REQUIRE(second.status.has_value());
    CHECK(second.status->describe() == "exit code 0");
    std::vector<std::string> out2 = lines_of(second.out);
    REQUIRE(out2.size() == samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        CHECK(out2[i].find("[replayed]") != std::string::npos);
        // Same clue ids as the first time.
        CHECK(out2[i].substr(0, out2[i].find(" [replayed]")) ==
              out1[i].substr(0, out1[i].find(" [replayed]")));
    }
    check_no_personal_data(second.out + second.err, samples);

    const auto outbox2 = list_all(c, key, "/v1/tickets", "box=outbox");
    const auto queue2 = list_all(c, key, "/v1/review-queue");
    CHECK(outbox2 == outbox1);
    CHECK(queue2.size() == queue1.size());
}

TEST_CASE("the hotline submitter reports refused clues with pointers and exits non-zero",
          "[integration]") {
    TestServer server;
    const std::string& key = server.key_for(kHotline, "intake");
    const std::vector<json> samples = sample_lines();

    // One good clue (bare, not wrapped), one with a bad ID number, one line that is not JSON.
    json good = make_clue("511702", "EX-GOOD");
    json bad = samples[0]["clue"];
    bad["source"]["reference"] = "EX-BAD";
    bad["subject"]["id_number"] =
        with_wrong_check_character(bad["subject"]["id_number"].get<std::string>());
    const std::string file = server.dir() + "/mixed.jsonl";
    {
        std::ofstream out(file);
        out << good.dump() << "\n" << json{{"clue", bad}}.dump() << "\n{oops\n";
    }
    RunResult r = run({"python3", script(), "--url", server.base_url(), "--key", key, file}, {},
                      server.dir(), std::chrono::seconds(60));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.status.has_value());
    CHECK(r.status->describe() == "exit code 1");
    std::vector<std::string> out = lines_of(r.out);
    REQUIRE(out.size() == 3);
    CHECK(out[0].rfind("EX-GOOD 201 ", 0) == 0);
    CHECK(out[0].find("proc-511702") != std::string::npos);
    CHECK(out[1].rfind("EX-BAD 422 validation", 0) == 0);
    CHECK(out[1].find("/subject/id_number") != std::string::npos);
    CHECK(out[2].find("not JSON") != std::string::npos);
    check_no_personal_data(r.out + r.err, samples);
    CHECK(r.out.find(bad["subject"]["id_number"].get<std::string>()) == std::string::npos);

    // A server that is not there: bounded retries, then a non-zero exit.
    const unsigned short port = server.port();
    server.stop();
    RunResult down = run({"python3", script(), "--url", "http://127.0.0.1:" + std::to_string(port),
                          "--key", key, "--max-attempts", "3", "--backoff", "0.01", file},
                         {}, server.dir(), std::chrono::seconds(30));
    INFO("stdout:\n" << down.out << "\nstderr:\n" << down.err);
    REQUIRE(down.status.has_value());
    CHECK(down.status->describe() == "exit code 1");
    CHECK(down.out.find("after 3 attempts") != std::string::npos);
}

// Issue 22: on a directory of one province, most sample clues waited in review for want of
// an agency. On the demo's directory every clue with a key group is routed: to the county's
// procuratorate where the directory has one, else to her province's, and to the federation
// too when she is a victim of violence.
TEST_CASE(
    "on the demo's directory the hotline submitter sees every sample clue with a key "
    "group routed",
    "[integration]") {
    TestServer server({{"CLUE_ROUTER_DIRECTORY", source_dir() + "/config/demo-directory.json"}});
    const std::string& key = server.key_for(kHotline, "intake");
    const std::vector<json> samples = sample_lines();

    RunResult r =
        run({"python3", script(), "--url", server.base_url(), "--key", key, sample_clues_path()},
            {}, server.dir(), std::chrono::seconds(60));
    INFO("stdout:\n" << r.out << "\nstderr:\n" << r.err);
    REQUIRE(r.status.has_value());
    CHECK(r.status->describe() == "exit code 0");
    const std::vector<std::string> out = lines_of(r.out);
    REQUIRE(out.size() == samples.size());

    std::size_t routed = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const json& expect = samples[i]["expect"];
        const std::string region = samples[i]["clue"]["subject"]["region"];
        INFO(out[i]);
        if (expect["key_groups"].empty()) {
            CHECK(out[i].find(" needs_review (score_below_threshold)") != std::string::npos);
            continue;
        }
        ++routed;
        const std::string where = region == "511702" ? region : region.substr(0, 2) + "0000";
        bool violence = false;
        for (const auto& g : expect["key_groups"]) {
            violence |= g == "crime_victim" || g == "dv_divorce";
        }
        const std::string recipients =
            "proc-" + where + (violence ? ", fed-" + where : std::string());
        CHECK(out[i].find(" routed -> " + recipients + " priority=") != std::string::npos);
    }
    CHECK(routed == samples.size() - 2);  // the two with no key group wait for a person
}

// The demo's settings are a file of their own, which the server and the CLI both take, so the
// two agree on the database (issue 22: the CLI used var/clue-router.db, the demo var/demo.db).
TEST_CASE("config/demo.json is valid and names the demo's database, keyring and directory",
          "[integration]") {
    TestServer scratch({}, false);  // a directory for the run's output, nothing served
    RunResult check = run({server_binary(), "check-config", "--config", "config/demo.json"}, {},
                          scratch.dir(), std::chrono::seconds(20), source_dir());
    INFO(check.err);
    REQUIRE(check.status.has_value());
    CHECK(check.status->describe() == "exit code 0");
    std::ifstream in(source_dir() + "/config/demo.json");
    const json demo = json::parse(in);
    CHECK(demo["database"] == "var/demo.db");
    CHECK(demo["data_keys_file"] == "var/demo-data-keys");
    CHECK(demo["directory"] == "config/demo-directory.json");
    // scripts/demo serves with it and makes every key with it.
    std::ifstream script_file(source_dir() + "/scripts/demo");
    std::stringstream text;
    text << script_file.rdbuf();
    CHECK(text.str().find("config=config/demo.json") != std::string::npos);
    CHECK(text.str().find("serve --config \"$config\"") != std::string::npos);
}
