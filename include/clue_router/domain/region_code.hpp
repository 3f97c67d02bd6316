#pragma once
// GB/T 2260 administrative division codes: PPCCDD, province PP0000, prefecture PPCC00,
// county PPCCDD. The structure check knows the real province prefixes; whether a code
// exists is a question for the directory's optional code list (issue 4).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

    // Province-level units whose districts and counties sit directly under the province,
    // with no prefecture level in between: the municipalities Beijing (11), Tianjin (12),
    // Shanghai (31), Chongqing (50), and the special administrative regions (81, 82). Their
    // middle pair (01 districts, 02 counties) groups codes; it is not a unit anyone serves.
    bool is_municipality() const;
    // A county-level unit administered directly by its province (xx90xx, e.g. 429004
    // Xiantao): its "90" prefecture pair is a grouping, not a prefecture.
    bool is_directly_under_province() const;

    // The codes whose jurisdiction covers this one, most specific first: the code itself,
    // its prefecture when that is a real level, then its province. Routing looks each one
    // up in the directory's hash index, so this is the whole cost of climbing.
    //   511702 → 511702, 511700, 510000     110105 → 110105, 110000
    //   429004 → 429004, 420000             441900 → 441900, 440000
    std::vector<std::string> jurisdictions() const;
    bool operator==(const RegionCode&) const = default;

  private:
    explicit RegionCode(std::string code) : code_(std::move(code)) {}
    std::string code_;
};

std::string_view to_string(RegionLevel level);

}  // namespace clue_router::domain
