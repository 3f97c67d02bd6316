#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/app/screen_command.hpp"

using nlohmann::json;
using namespace clue_router;

namespace {

const domain::CivilDate kToday{2026, 11, 20};

std::filesystem::path temp_file(const std::string& name, const std::string& content) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("clue-router-screen-" + std::to_string(::getpid()) + "-" + name);
    std::ofstream(path) << content;
    return path;
}

std::vector<json> lines_of(const std::string& text) {
    std::vector<json> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
}

json clue(const std::string& reference, const std::string& narrative) {
    return {{"source",
             {{"channel", "hotline_12338"},
              {"reference", reference},
              {"received_at", "2026-11-20T09:00:00+08:00"}}},
            {"subject", {{"sex", "female"}, {"region", "511702"}, {"rural", false}}},
            {"indicators", json::array()},
            {"narrative", narrative},
            {"reporter", {{"relation", "self"}}},
            {"consent", {{"share_with_partners", true}}}};
}

}  // namespace

TEST_CASE("screen_file prints one line per clue and a summary", "[app][screen]") {
    const std::string criteria = std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json";
    auto bad_region = clue("T-3", "他打我");
    bad_region["subject"]["region"] = "12";
    const std::string jsonl =
        json{{"clue", clue("T-1", "他说要杀了我")},
             {"expect", {{"key_groups", {"crime_victim"}}, {"urgent", true}}}}
            .dump() +
        "\n" +
        json{{"clue", clue("T-2", "请问补办身份证要带什么")},
             {"expect", {{"key_groups", {"crime_victim"}}, {"urgent", false}}}}
            .dump() +
        "\n\n" + json{{"clue", bad_region}}.dump() + "\n" + "{not json\n" +
        json{{"clue", clue("T-5", "我患尿毒症")}}.dump() + "\n";
    const auto path = temp_file("in.jsonl", jsonl);
    std::ostringstream out;
    std::ostringstream err;
    REQUIRE(app::screen_file(criteria, path.string(), out, err, kToday) == 0);
    std::filesystem::remove(path);
    CHECK(err.str().empty());
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() == 6);

    CHECK(lines[0]["line"] == 1);
    CHECK(lines[0]["reference"] == "T-1");
    CHECK(lines[0]["key_groups"] == json::array({"crime_victim"}));
    CHECK(lines[0]["urgent"] == true);
    CHECK(lines[0]["priority"] == "urgent");
    CHECK(lines[0]["match"] == true);
    CHECK(lines[0]["urgency_reasons"][0]["kind"] == "term");
    CHECK(lines[0]["reasons"][0]["group"] == "crime_victim");
    CHECK(lines[0].contains("score"));

    CHECK(lines[1]["key_groups"] == json::array());
    CHECK(lines[1]["match"] == false);

    // The invalid clue: its pointers, nothing of its content.
    CHECK(lines[2]["line"] == 4);
    CHECK(lines[2]["error"] == "invalid clue");
    CHECK(lines[2]["pointers"] == json::array({"/subject/region"}));
    CHECK(lines[2]["reference"] == "T-3");
    CHECK(lines[2].dump().find("他打我") == std::string::npos);

    CHECK(lines[3]["line"] == 5);
    CHECK(lines[3]["error"] == "not valid JSON");

    CHECK(lines[4]["key_groups"] == json::array({"illness_disability"}));
    CHECK_FALSE(lines[4].contains("match"));

    const auto& summary = lines[5]["summary"];
    CHECK(summary["lines"] == 5);
    CHECK(summary["screened"] == 3);
    CHECK(summary["invalid"] == 2);
    CHECK(summary["evaluated"] == 2);
    CHECK(summary["exact_matches"] == 1);
    CHECK(summary["groups"]["crime_victim"]["tp"] == 1);
    CHECK(summary["groups"]["crime_victim"]["fn"] == 1);
    CHECK(summary["groups"]["crime_victim"]["recall"] == 0.5);
    CHECK(summary["groups"]["crime_victim"]["precision"] == 1.0);
    CHECK(summary["macro_f1"] == Approx(2.0 / 3.0).epsilon(0.001));
    CHECK(summary["urgent"]["tp"] == 1);
    CHECK(summary["urgent"]["tn"] == 1);
    CHECK(summary["urgent"]["recall"] == 1.0);
}

TEST_CASE("screen_file on the project's sample clues matches every expectation", "[app][screen]") {
    std::ostringstream out;
    std::ostringstream err;
    const std::string samples = std::string(CLUE_ROUTER_SOURCE_DIR) + "/tests/fixtures/clues.jsonl";
    REQUIRE(app::screen_file(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json", samples,
                             out, err, kToday) == 0);
    const auto lines = lines_of(out.str());
    REQUIRE(lines.size() >= 21);
    const auto& summary = lines.back()["summary"];
    CHECK(summary["lines"] == lines.size() - 1);
    CHECK(summary["exact_matches"] == lines.size() - 1);
    CHECK(summary["macro_f1"] == 1.0);
    CHECK(summary["urgent"]["recall"] == 1.0);
}

TEST_CASE("screen_file refuses unusable criteria and files", "[app][screen]") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(app::screen_file("/nonexistent/criteria.json", "/dev/null", out, err, kToday) == 2);
    CHECK_THAT(err.str(), Catch::Contains("cannot read the criteria file"));

    const auto bad = temp_file("bad-criteria.json", R"({"version": "x", "lexicon": {)");
    err.str("");
    CHECK(app::screen_file(bad.string(), "/dev/null", out, err, kToday) == 2);
    CHECK_THAT(err.str(), Catch::Contains("is not valid JSON"));

    const auto wrong = temp_file("wrong-criteria.json",
                                 R"({"version": "x", "elderly_age": 60, "indicators": {},
                                     "thresholds": {"high": 60, "normal": 30},
                                     "lexicon": {"crime_victim": {"dv": {"zh": {"家暴": -1}}}}})");
    err.str("");
    CHECK(app::screen_file(wrong.string(), "/dev/null", out, err, kToday) == 2);
    CHECK_THAT(err.str(), Catch::Contains("weight must be an integer 1-100"));

    err.str("");
    CHECK(app::screen_file(std::string(CLUE_ROUTER_SOURCE_DIR) + "/config/criteria.json",
                           "/nonexistent/clues.jsonl", out, err, kToday) == 2);
    CHECK_THAT(err.str(), Catch::Contains("cannot read"));
    std::filesystem::remove(bad);
    std::filesystem::remove(wrong);
}
