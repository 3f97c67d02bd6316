#include <catch2/catch.hpp>

#include "clue_router/domain/region_code.hpp"

using namespace clue_router::domain;

TEST_CASE("region codes: levels and enclosing codes", "[region_code][domain]") {
    auto county = RegionCode::parse("511702");
    REQUIRE(county);
    CHECK(county->str() == "511702");
    CHECK(county->level() == RegionLevel::county);
    REQUIRE(county->prefecture());
    CHECK(county->prefecture()->str() == "511700");
    CHECK(county->prefecture()->level() == RegionLevel::prefecture);
    CHECK(county->province().str() == "510000");
    CHECK(county->province().level() == RegionLevel::province);

    auto prefecture = RegionCode::parse("511700");
    REQUIRE(prefecture);
    CHECK(prefecture->level() == RegionLevel::prefecture);
    REQUIRE(prefecture->prefecture());
    CHECK(prefecture->prefecture()->str() == "511700");
    CHECK(prefecture->province().str() == "510000");

    auto province = RegionCode::parse("510000");
    REQUIRE(province);
    CHECK(province->level() == RegionLevel::province);
    CHECK_FALSE(province->prefecture().has_value());
    CHECK(province->province() == *province);

    // 90: county-level units directly under a province (e.g. 429004 Xiantao).
    auto direct = RegionCode::parse("429004");
    REQUIRE(direct);
    CHECK(direct->level() == RegionLevel::county);
    CHECK(direct->prefecture()->str() == "429000");
}

TEST_CASE("region codes: every real province prefix", "[region_code][domain]") {
    for (int p : {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43,
                  44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}) {
        const std::string code = std::to_string(p) + "0000";
        INFO(code);
        CHECK(RegionCode::parse(code).has_value());
    }
    for (int p : {0, 10, 16, 20, 24, 30, 38, 40, 47, 49, 55, 60, 66, 70, 72, 80, 84, 90, 99}) {
        char code[8];
        std::snprintf(code, sizeof code, "%02d0000", p);
        INFO(code);
        auto r = RegionCode::parse(code);
        REQUIRE_FALSE(r);
        CHECK(r.error() == "province part is not a real province");
    }
}

TEST_CASE("region codes: broken shapes", "[region_code][domain]") {
    auto county_without_prefecture = RegionCode::parse("510001");
    REQUIRE_FALSE(county_without_prefecture);
    CHECK(county_without_prefecture.error() == "a county code needs its prefecture part");
    for (const char* bad : {"", "51170", "5117020", "51170a", " 51170", "51-702", "５１１７０２"}) {
        INFO(bad);
        auto r = RegionCode::parse(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error() == "must be 6 digits");
    }
}

TEST_CASE("region levels have names", "[region_code][domain]") {
    CHECK(to_string(RegionLevel::province) == "province");
    CHECK(to_string(RegionLevel::prefecture) == "prefecture");
    CHECK(to_string(RegionLevel::county) == "county");
}
