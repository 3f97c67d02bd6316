// Clue intake, from the bytes of a request body to a validated clue: nlohmann's parser (as
// the HTTP layer calls it, without exceptions), then parse_clue. Properties: nothing
// throws; a clue that validates maps to JSON that validates again to the same JSON (what
// storage keeps is what intake accepted), and reads back through clue_from_json.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clue_router/domain/clue.hpp"
#include "fuzz_support.hpp"

using namespace clue_router::domain;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // The HTTP layer refuses nesting deeper than 64 before parsing; bodies of the sizes
    // libFuzzer tries (-max_len) cannot exhaust the stack, so the parser sees them all.
    const auto body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) return 0;
    const auto parsed = parse_clue(body);
    if (!parsed) {
        for (const auto& e : parsed.error()) FUZZ_CHECK(!e.detail.empty());
        return 0;
    }
    const auto shape = to_json(*parsed);
    const auto again = parse_clue(shape);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(to_json(*again) == shape);
    const Clue stored = clue_from_json(shape);
    FUZZ_CHECK(to_json(stored) == shape);
    return 0;
}
