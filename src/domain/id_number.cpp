#include "clue_router/domain/id_number.hpp"

#include <algorithm>
#include <array>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

constexpr std::array<int, 17> kWeights{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kCheckTable = "10X98765432";

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int number_at(std::string_view s, std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

}  // namespace

char id_number_check_character(std::string_view first17) {
    int sum = 0;
    for (std::size_t i = 0; i < kWeights.size() && i < first17.size(); ++i) {
        sum += (first17[i] - '0') * kWeights[i];
    }
    return kCheckTable[static_cast<std::size_t>(sum % 11)];
}

Expected<IdNumber, std::string> parse_id_number(std::string_view text) {
    // Messages describe the defect, never the number: they end up in API responses and logs.
    // First-generation cards (15 digits: no century, no check character) are still carried.
    // Guessing the conversion here would store a number nobody checked; say what to send.
    if (text.size() == 15 && std::all_of(text.begin(), text.end(), is_digit)) {
        return unexpected(std::string(kFifteenDigits));
    }
    if (text.size() != 18) return unexpected(std::string("must be 18 characters"));
    if (!std::all_of(text.begin(), text.begin() + 17, is_digit)) {
        return unexpected(std::string("the first 17 characters must be digits"));
    }
    std::string normalized(text);
    if (normalized[17] == 'x') normalized[17] = 'X';
    if (!is_digit(normalized[17]) && normalized[17] != 'X') {
        return unexpected(std::string("the last character must be a digit or X"));
    }
    auto region = RegionCode::parse(std::string_view(normalized).substr(0, 6));
    if (!region) return unexpected(std::string("region part is not a valid region code"));

    const CivilDate birth{number_at(normalized, 6, 4), unsigned(number_at(normalized, 10, 2)),
                          unsigned(number_at(normalized, 12, 2))};
    if (!is_valid_civil_date(birth.year, birth.month, birth.day)) {
        return unexpected(std::string("birth date is not a real date"));
    }
    // Whether the date lies in the future needs a clock, which the domain does not read:
    // callers that care compare with their own "today".
    if (birth.year < 1900) return unexpected(std::string("birth date is before 1900"));
    if (id_number_check_character(normalized) != normalized[17]) {
        return unexpected(std::string("check character is wrong"));
    }
    const bool female = (normalized[16] - '0') % 2 == 0;
    return IdNumber{normalized, normalized.substr(0, 6), birth, female};
}

}  // namespace clue_router::domain
