#pragma once
// Masked forms of personal data for replies (DESIGN §4, PIPL "de-identification"): enough
// for a person to recognise a record they already know, not enough to find someone.
#include <string>
#include <string_view>

namespace clue_router::domain {

// "王小红" → "王**": the first character, then two stars whatever the length, so the mask
// does not reveal the length of the name either.
std::string mask_name(std::string_view name);
// "51170219810312024X" → "511702********024X": region of registration and last four.
std::string mask_id_number(std::string_view id_number);
// "+8613800130001" → "+86 138****0001"; other numbers keep only their last four digits.
std::string mask_phone(std::string_view e164);

}  // namespace clue_router::domain
