#include "clue_router/domain/masking.hpp"

namespace clue_router::domain {
namespace {

// Length in bytes of the UTF-8 sequence that starts with this byte (1 for stray bytes, so a
// malformed string still masks without reading past its end).
std::size_t utf8_sequence_length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
}

}  // namespace

std::string mask_name(std::string_view name) {
    if (name.empty()) return {};
    const std::size_t first =
        std::min(utf8_sequence_length(static_cast<unsigned char>(name[0])), name.size());
    return std::string(name.substr(0, first)) + "**";
}

std::string mask_id_number(std::string_view id_number) {
    if (id_number.size() != 18) return std::string(id_number.size(), '*');
    return std::string(id_number.substr(0, 6)) + "********" + std::string(id_number.substr(14));
}

std::string mask_phone(std::string_view e164) {
    if (e164.size() == 14 && e164.substr(0, 4) == "+861") {
        return "+86 " + std::string(e164.substr(3, 3)) + "****" + std::string(e164.substr(10));
    }
    if (e164.size() <= 4) return std::string(e164.size(), '*');
    return std::string(e164.size() - 4, '*') + std::string(e164.substr(e164.size() - 4));
}

}  // namespace clue_router::domain
