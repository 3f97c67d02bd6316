#include "clue_router/domain/phone.hpp"

#include <algorithm>

namespace clue_router::domain {
namespace {

bool is_mobile(std::string_view n) {
    return n.size() == 11 && n[0] == '1' && n[1] >= '3' && n[1] <= '9';
}

// A fixed line as dialled from abroad: area code (2-4 digits, never starting with 0) and
// subscriber number, 9-11 digits in all. Mobile numbers are 11 digits starting with 1[3-9]
// and are checked first.
bool is_fixed_national(std::string_view n) {
    return n.size() >= 9 && n.size() <= 11 && n[0] != '0' && !(n.size() == 11 && n[0] == '1');
}

}  // namespace

Expected<std::string, std::string> normalize_phone(std::string_view text) {
    // Messages never repeat the number: they end up in API responses and logs.
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c == ' ' || c == '-' || c == '(' || c == ')') {
            continue;
        } else if (c == '+' && digits.empty() && !plus) {
            plus = true;
        } else {
            return unexpected(std::string(
                "must contain only digits, spaces, dashes, parentheses and a leading +"));
        }
    }
    if (digits.empty()) return unexpected(std::string("must contain digits"));

    std::string_view n(digits);
    bool international = false;
    if (plus) {
        if (!n.starts_with("86")) return unexpected(std::string("must be a Chinese number"));
        n.remove_prefix(2);
        international = true;
    } else if (n.starts_with("0086")) {
        n.remove_prefix(4);
        international = true;
    } else if (n.starts_with("86") && !is_mobile(n) && n.size() > 11) {
        // "86" without "+" is only a country code when what follows is still a whole number;
        // 11 digits or fewer are read as a national number.
        n.remove_prefix(2);
        international = true;
    }

    if (international) {
        // "+86 (0)10 …": the trunk 0 is sometimes kept in brackets after the country code.
        if (n.starts_with("0") && n.size() >= 10 && n[1] != '0') n.remove_prefix(1);
        if (is_mobile(n) || is_fixed_national(n)) return "+86" + std::string(n);
        return unexpected(std::string("is not a valid Chinese phone number"));
    }
    if (is_mobile(n)) return "+86" + std::string(n);
    // A trunk 0, then what the international form accepts: the same number must be valid
    // written either way (found by fuzz_validators: "0117…" of 12 digits once became an
    // E.164 number that did not normalise again).
    if (n.size() >= 10 && n.size() <= 12 && n[0] == '0' && is_fixed_national(n.substr(1))) {
        return "+86" + std::string(n.substr(1));
    }
    return unexpected(std::string("is not a valid Chinese phone number"));
}

}  // namespace clue_router::domain
