#include <catch2/catch.hpp>

#include <string>

#include "clue_router/domain/id_number.hpp"

using namespace clue_router::domain;

namespace {

// A valid number from its first 17 digits.
std::string with_check(const std::string& first17) {
    return first17 + id_number_check_character(first17);
}

std::string error_of(const std::string& text) {
    auto r = parse_id_number(text);
    REQUIRE_FALSE(r);
    // Messages must never repeat the number (or any long part of it).
    CHECK(r.error().find(text.substr(0, 6)) == std::string::npos);
    CHECK(r.error().find(text.substr(6, 8)) == std::string::npos);
    return r.error();
}

}  // namespace

TEST_CASE("check character: known numbers", "[id_number][domain]") {
    CHECK(id_number_check_character("51170219810312024") == 'X');
    CHECK(id_number_check_character("11010519491231002") == 'X');
    CHECK(id_number_check_character("13010220070521046") == '7');
    CHECK(id_number_check_character("11010119900307001") == '1');
    CHECK(id_number_check_character("11010519900101001") == '0');
}

TEST_CASE("valid ID numbers", "[id_number][domain]") {
    auto a = parse_id_number("51170219810312024X");
    REQUIRE(a);
    CHECK(a->normalized == "51170219810312024X");
    CHECK(a->region == "511702");
    CHECK(a->birth.year == 1981);
    CHECK(a->birth.month == 3u);
    CHECK(a->birth.day == 12u);
    CHECK(a->female);

    auto b = parse_id_number("11010519491231002X");
    REQUIRE(b);
    CHECK(b->region == "110105");
    CHECK(b->birth.year == 1949);
    CHECK(b->birth.month == 12u);
    CHECK(b->birth.day == 31u);
    CHECK(b->female);

    auto c = parse_id_number("130102200705210467");
    REQUIRE(c);
    CHECK(c->female);

    auto male = parse_id_number(with_check("11010519900101001"));
    REQUIRE(male);
    CHECK_FALSE(male->female);
    CHECK(male->normalized == "110105199001010010");
}

TEST_CASE("lowercase x is accepted and normalised", "[id_number][domain]") {
    auto r = parse_id_number("51170219810312024x");
    REQUIRE(r);
    CHECK(r->normalized == "51170219810312024X");
}

TEST_CASE("29 February: leap years only", "[id_number][domain]") {
    auto leap = parse_id_number(with_check("11010520000229002"));
    REQUIRE(leap);
    CHECK(leap->birth.month == 2u);
    CHECK(leap->birth.day == 29u);
    CHECK(error_of(with_check("11010519990229002")) == "birth date is not a real date");
    // 1900 is not a leap year (divisible by 100, not by 400).
    CHECK(error_of(with_check("11010519000229002")) == "birth date is not a real date");
}

TEST_CASE("broken ID numbers", "[id_number][domain]") {
    CHECK(error_of("51170219810312024") == "must be 18 characters");
    CHECK(error_of("51170219810312024X0") == "must be 18 characters");
    // 15 digits: a first-generation number, answered with what to send instead.
    CHECK(error_of("511702810312024") == std::string(kFifteenDigits));
    CHECK_THAT(error_of("511702810312024"), Catch::Contains("not accepted") &&
                                                Catch::Contains("18-digit") &&
                                                Catch::Contains("birth_date and phone"));
    CHECK(error_of("51170219810312X") == "must be 18 characters");
    CHECK(parse_id_number("").error() == "must be 18 characters");
    CHECK(error_of("5117021981031202AX") == "the first 17 characters must be digits");
    CHECK(error_of("51170219810312 24X") == "the first 17 characters must be digits");
    CHECK(error_of("51170219810312024Y") == "the last character must be a digit or X");
    CHECK(error_of(with_check("11010519810230002")) == "birth date is not a real date");
    CHECK(error_of(with_check("11010519811301002")) == "birth date is not a real date");
    CHECK(error_of(with_check("11010519810100002")) == "birth date is not a real date");
    CHECK(error_of(with_check("11010518991231002")) == "birth date is before 1900");
    CHECK(error_of(with_check("99010519810312002")) == "region part is not a valid region code");
    CHECK(error_of(with_check("11000519810312002")) == "region part is not a valid region code");
    CHECK(error_of("511702198103120241") == "check character is wrong");
    CHECK(error_of("110105194912310020") == "check character is wrong");
    // A transposition of two digits is caught by the check character.
    CHECK(error_of("51170219810312204X") == "check character is wrong");
    CHECK(id_number_check_character("51170219810312204") == '2');
}

TEST_CASE("earliest accepted birth date is 1900-01-01", "[id_number][domain]") {
    auto r = parse_id_number(with_check("11010519000101002"));
    REQUIRE(r);
    CHECK(r->birth.year == 1900);
}
