#include "clue_router/domain/region_code.hpp"

#include <algorithm>
#include <array>

namespace clue_router::domain {
namespace {

// Province-level prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao, which
// have codes even though no partner agency sits there).
constexpr std::array<int, 34> kProvinces{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                         35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                         53, 54, 61, 62, 63, 64, 65, 71, 81, 82};

int pair_at(const std::string& code, std::size_t pos) {
    return (code[pos] - '0') * 10 + (code[pos + 1] - '0');
}

}  // namespace

Expected<RegionCode, std::string> RegionCode::parse(std::string_view text) {
    if (text.size() != 6) return unexpected(std::string("must be 6 digits"));
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return unexpected(std::string("must be 6 digits"));
    }
    std::string code(text);
    if (std::find(kProvinces.begin(), kProvinces.end(), pair_at(code, 0)) == kProvinces.end()) {
        return unexpected(std::string("province part is not a real province"));
    }
    if (pair_at(code, 2) == 0 && pair_at(code, 4) != 0) {
        return unexpected(std::string("a county code needs its prefecture part"));
    }
    return RegionCode(std::move(code));
}

RegionLevel RegionCode::level() const {
    if (pair_at(code_, 4) != 0) return RegionLevel::county;
    if (pair_at(code_, 2) != 0) return RegionLevel::prefecture;
    return RegionLevel::province;
}

RegionCode RegionCode::province() const {
    return RegionCode(code_.substr(0, 2) + "0000");
}

std::optional<RegionCode> RegionCode::prefecture() const {
    if (level() == RegionLevel::province) return std::nullopt;
    return RegionCode(code_.substr(0, 4) + "00");
}

std::string_view to_string(RegionLevel level) {
    switch (level) {
        case RegionLevel::province:
            return "province";
        case RegionLevel::prefecture:
            return "prefecture";
        case RegionLevel::county:
            return "county";
    }
    return "county";
}

}  // namespace clue_router::domain
