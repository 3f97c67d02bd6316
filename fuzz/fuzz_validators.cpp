// The small validators every clue passes through: GB 11643 ID numbers, phone numbers,
// GB/T 2260 region codes, RFC 3339 timestamps and the UTF-8 scan. Properties: nothing
// throws or reads out of bounds; every normalised form is a fixed point (normalising it
// again gives itself), and what an ID number says about its holder is consistent.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "clue_router/domain/id_number.hpp"
#include "clue_router/domain/phone.hpp"
#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/text_checks.hpp"
#include "clue_router/domain/time.hpp"
#include "fuzz_support.hpp"

using namespace clue_router::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (const auto id = parse_id_number(text)) {
        FUZZ_CHECK(id->normalized.size() == 18);
        FUZZ_CHECK(id->region == id->normalized.substr(0, 6));
        FUZZ_CHECK(id_number_check_character(std::string_view(id->normalized).substr(0, 17)) ==
                   id->normalized[17]);
        const auto again = parse_id_number(id->normalized);
        FUZZ_CHECK(again.has_value() && again->normalized == id->normalized);
        FUZZ_CHECK(is_valid_civil_date(id->birth.year, id->birth.month, id->birth.day));
    } else {
        FUZZ_CHECK(!id.error().empty());
    }

    if (const auto phone = normalize_phone(text)) {
        FUZZ_CHECK(phone->starts_with("+86"));
        const auto again = normalize_phone(*phone);
        FUZZ_CHECK(again.has_value() && *again == *phone);
    }

    if (const auto region = RegionCode::parse(text)) {
        FUZZ_CHECK(region->str().size() == 6);
        const auto province = region->province();
        FUZZ_CHECK(province.level() == RegionLevel::province);
        FUZZ_CHECK(RegionCode::parse(province.str()).has_value());
        if (const auto prefecture = region->prefecture()) {
            FUZZ_CHECK(RegionCode::parse(prefecture->str()).has_value());
        }
    }

    if (const auto t = parse_rfc3339(text)) {
        const std::string formatted = format_rfc3339(*t);
        const auto again = parse_rfc3339(formatted);
        FUZZ_CHECK(again.has_value() && *again == *t);
    }

    const auto scan = scan_text(text, true);
    FUZZ_CHECK(scan.code_points <= text.size());
    const auto strict = scan_text(text, false);
    FUZZ_CHECK(strict.valid_utf8 == scan.valid_utf8);
    FUZZ_CHECK(!scan.has_control || strict.has_control);
    return 0;
}
