#pragma once
// GB 11643-1999 citizen identity numbers: 6-digit region, 8-digit birth date, 3-digit
// sequence (odd = male, even = female), and a check character from ISO 7064 MOD 11-2
// (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, table "10X98765432").
#include <string>
#include <string_view>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

struct IdNumber {
    std::string normalized;  // 18 characters, a lowercase 'x' check character made 'X'
    std::string region;      // the 6-digit region of first registration
    CivilDate birth;
    bool female = false;  // from the parity of the sequence digits
};

// Error strings are short sentences for a person ("check character is wrong"), and never
// contain the number itself.
Expected<IdNumber, std::string> parse_id_number(std::string_view text);

// What a 15-digit (first-generation) number is answered with.
inline constexpr std::string_view kFifteenDigits =
    "is a 15-digit (first-generation) ID number, which is not accepted: send the 18-digit "
    "number (on the current card, or converted: '19' inserted before the 2-digit birth year, "
    "then the GB 11643 check character appended), or leave id_number out and give birth_date "
    "and phone instead";

// The check character for the first 17 digits; exposed for tests and for tools that make
// valid test numbers.
char id_number_check_character(std::string_view first17);

}  // namespace clue_router::domain
