#pragma once
// GB/T 2260 administrative division codes: PPCCDD, province PP0000, prefecture PPCC00,
// county PPCCDD. The structure check knows the real province prefixes; whether a code
// exists is a question for the directory's optional code list (issue 4).
#include <optional>
#include <string>
#include <string_view>

#include "clue_router/domain/expected.hpp"

namespace clue_router::domain {

enum class RegionLevel { province, prefecture, county };

class RegionCode {
  public:
    // Valid structure: six digits, a real province prefix, and no "county without its
    // prefecture" shape such as PP00DD.
    static Expected<RegionCode, std::string> parse(std::string_view text);

    const std::string& str() const { return code_; }
    RegionLevel level() const;
    // The enclosing codes, most specific first, ending with the province; a county yields
    // its prefecture then its province, a prefecture its province, a province nothing.
    RegionCode province() const;
    std::optional<RegionCode> prefecture() const;  // nullopt for a province code
    bool operator==(const RegionCode&) const = default;

  private:
    explicit RegionCode(std::string code) : code_(std::move(code)) {}
    std::string code_;
};

std::string_view to_string(RegionLevel level);

}  // namespace clue_router::domain
