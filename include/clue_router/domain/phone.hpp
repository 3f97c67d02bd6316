#pragma once
// Chinese telephone numbers normalised to E.164. Mobile numbers (11 digits starting with
// 1[3-9]) become "+861XXXXXXXXXX"; spaces, dashes, parentheses and a "+86", "86" or "0086"
// prefix are accepted. Fixed lines written with a trunk prefix (0 + area code + subscriber
// number, 10-12 digits in all) become "+86" + the number without its leading 0.
#include <string>
#include <string_view>

#include "clue_router/domain/expected.hpp"

namespace clue_router::domain {

Expected<std::string, std::string> normalize_phone(std::string_view text);

}  // namespace clue_router::domain
