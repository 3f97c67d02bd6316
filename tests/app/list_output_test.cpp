// What list commands print: a header that labels every column, aligned with the values under
// it (issue 22: `keys list` wrote tab-separated values whose ids, longer than a tab stop,
// pushed every value out from under its label), or a JSON array for scripts.
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clue_router/app/list_output.hpp"

using clue_router::app::print_list;
using nlohmann::json;

namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

const json kItems = json::array({{{"id", "key_0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f"},
                                  {"role", "intake"},
                                  {"revoked_at", nullptr},
                                  {"label", "夜班"}},
                                 {{"id", "key_2"},
                                  {"role", "admin"},
                                  {"revoked_at", "2026-11-20T01:12:00.000Z"},
                                  {"label", "night shift"}}});

}  // namespace

TEST_CASE("a list prints a header over aligned columns, '-' for what is missing",
          "[app][list_output]") {
    std::ostringstream out;
    print_list(out, {"id", "role", "revoked_at", "label"}, kItems, false);
    const auto l = lines(out.str());
    REQUIRE(l.size() == 3);
    CHECK(l[0] ==
          "id                                        role    revoked_at                label");
    CHECK(l[1] ==
          "key_0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f  intake  -                         夜班");
    CHECK(
        l[2] ==
        "key_2                                     admin   2026-11-20T01:12:00.000Z  night shift");
    // Each value starts where its label does.
    for (const char* label : {"role", "revoked_at", "label"}) {
        INFO(label);
        const auto column = l[0].find(label);
        CHECK(l[2].at(column - 1) == ' ');
        CHECK(l[2].at(column) != ' ');
    }
}

TEST_CASE("an empty list still names its columns", "[app][list_output]") {
    std::ostringstream out;
    print_list(out, {"clue_id", "closed_at"}, json::array(), false);
    CHECK(out.str() == "clue_id  closed_at\n");
}

TEST_CASE("as JSON, a list is one array of objects with the listed members", "[app][list_output]") {
    std::ostringstream out;
    print_list(out, {"id", "revoked_at"}, kItems, true);
    CHECK(
        json::parse(out.str()) ==
        json::array({{{"id", "key_0195a1c2-7d4e-7b1a-9f0e-3c2b1a0d9e8f"}, {"revoked_at", nullptr}},
                     {{"id", "key_2"}, {"revoked_at", "2026-11-20T01:12:00.000Z"}}}));
    std::ostringstream empty;
    print_list(empty, {"id"}, json::array(), true);
    CHECK(empty.str() == "[]\n");
}
