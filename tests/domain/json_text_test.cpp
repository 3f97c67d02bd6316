#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/domain/json_text.hpp"

using namespace clue_router::domain;
using nlohmann::json;

TEST_CASE("json_object_text writes what dump() writes for the same object", "[domain][json]") {
    const json clue = {{"id", "01a2"}, {"narrative", "他说\"别报警\"\n"}, {"rural", true}};
    const json screening = {{"score", 70}, {"groups", json::array({"dv_divorce"})}};
    const json tickets = json::array({{{"id", "t1"}, {"status", "pending"}}});
    const json empty = json::array();
    // Given out of order, as a caller naturally lists them.
    const std::string text = json_object_text({{"tickets", tickets.dump()},
                                               {"clue", clue.dump()},
                                               {"screening", screening.dump()},
                                               {"possible_duplicates", empty.dump()},
                                               {"existing_tickets", empty.dump()}});
    const json whole = {{"clue", clue},
                        {"screening", screening},
                        {"tickets", tickets},
                        {"possible_duplicates", empty},
                        {"existing_tickets", empty}};
    CHECK(text == whole.dump());
    CHECK(json::parse(text) == whole);
}

TEST_CASE("json_object_text escapes keys and handles the empty object", "[domain][json]") {
    CHECK(json_object_text({}) == "{}");
    CHECK(json_object_text({{"a\"b", "1"}}) == json{{"a\"b", 1}}.dump());
    CHECK(json_object_text({{"b", "2"}, {"a", "1"}}) == R"({"a":1,"b":2})");
}

TEST_CASE("json_array_text joins serialised elements", "[domain][json]") {
    CHECK(json_array_text({}) == "[]");
    CHECK(json_array_text({R"({"id":"t1"})", "2"}) == json::array({{{"id", "t1"}}, 2}).dump());
}

TEST_CASE("broken JSON is placed by line and column, counted in characters", "[domain][json]") {
    CHECK(parse_json_text(R"({"a": [1, 2]})").value() == json{{"a", {1, 2}}});
    const auto broken = parse_json_text("{\n  \"名字\": \"王某\",,\n}");
    REQUIRE_FALSE(broken);
    // The second comma: line 2, after two spaces, four quoted characters, colon, space, four.
    CHECK_THAT(broken.error(), Catch::StartsWith("line 2, column 14: "));
    // Nothing of the text itself is quoted.
    CHECK(broken.error().find("王某") == std::string::npos);
    const auto cut = parse_json_text("{\"a\": [1,");
    REQUIRE_FALSE(cut);
    CHECK_THAT(cut.error(), Catch::Contains("ends before the JSON does"));
    // Well formed but out of range: refused too, not thrown.
    CHECK_FALSE(parse_json_text(R"({"age": 1e400})"));
    CHECK(position_of("ab\ncd", 4).line == 2);
    CHECK(position_of("ab\ncd", 4).column == 2);
    CHECK(position_of("", 10).column == 1);
}
