#include "clue_router/domain/agency.hpp"
#include "clue_router/domain/text_checks.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"
#include "clue_router/domain/vocabulary.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxName = 128;

bool is_agency_id(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace

Expected<Agency, FieldErrors> parse_agency(const json& doc, const std::string& pointer) {
    FieldErrors errors;
    auto fail = [&](std::string_view member, std::string detail) {
        errors.push_back(
            {member.empty() ? pointer : pointer + "/" + std::string(member), std::move(detail)});
    };
    if (!doc.is_object()) {
        fail("", "must be an object");
        return unexpected(std::move(errors));
    }
    static constexpr std::array<std::string_view, 7> kKnown{
        "id", "kind", "name", "region", "parent", "services", "accepts_referrals"};
    for (const auto& [key, value] : doc.items()) {
        if (std::find(kKnown.begin(), kKnown.end(), key) == kKnown.end()) {
            fail(json_pointer_token(key), "unknown member");
        }
    }
    // A string member, or nullopt having recorded why. JSON null counts as absent.
    auto string_member = [&](std::string_view key, bool required) -> std::optional<std::string> {
        auto it = doc.find(std::string(key));
        if (it == doc.end() || it->is_null()) {
            if (required) fail(key, "is required");
            return std::nullopt;
        }
        if (!it->is_string()) {
            fail(key, "must be a string");
            return std::nullopt;
        }
        return it->get<std::string>();
    };

    Agency agency;
    if (auto id = string_member("id", true)) {
        if (is_agency_id(*id)) {
            agency.id = *id;
        } else {
            fail("id", "must be 1 to 64 characters from a-z, 0-9, '.', '_' and '-'");
        }
    }
    if (auto kind = string_member("kind", true)) {
        if (vocabulary::is_agency_kind(*kind)) {
            agency.kind = *kind;
        } else {
            fail("kind", vocabulary::one_of(vocabulary::agency_kinds()));
        }
    }
    if (auto name = string_member("name", true)) {
        const TextScan scan = scan_text(*name, false);
        if (!scan.valid_utf8 || scan.has_control) {
            fail("name", "must be valid UTF-8 without control characters");
        } else if (scan.code_points < 1 || scan.code_points > kMaxName) {
            fail("name", "must be 1 to 128 characters");
        } else {
            agency.name = *name;
        }
    }
    if (auto region = string_member("region", true)) {
        auto code = RegionCode::parse(*region);
        if (code) {
            agency.region = code->str();
        } else {
            fail("region", code.error());
        }
    }
    if (auto parent = string_member("parent", false)) {
        if (is_agency_id(*parent)) {
            agency.parent = *parent;
        } else {
            fail("parent", "must be 1 to 64 characters from a-z, 0-9, '.', '_' and '-'");
        }
    }
    if (auto it = doc.find("services"); it != doc.end() && !it->is_null()) {
        if (!it->is_array()) {
            fail("services", "must be an array");
        } else {
            for (std::size_t i = 0; i < it->size(); ++i) {
                const json& item = (*it)[i];
                const std::string member = "services/" + std::to_string(i);
                if (!item.is_string()) {
                    fail(member, "must be a string");
                    continue;
                }
                const auto& s = item.get_ref<const std::string&>();
                if (!vocabulary::is_service(s)) {
                    fail(member, vocabulary::one_of(vocabulary::services()));
                } else if (std::find(agency.services.begin(), agency.services.end(), s) !=
                           agency.services.end()) {
                    fail(member, "is repeated");
                } else {
                    agency.services.push_back(s);
                }
            }
        }
    }
    if (auto it = doc.find("accepts_referrals"); it != doc.end() && !it->is_null()) {
        if (it->is_boolean()) {
            agency.accepts_referrals = it->get<bool>();
        } else {
            fail("accepts_referrals", "must be true or false");
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return agency;
}

json to_json(const Agency& agency) {
    json out{{"id", agency.id},
             {"kind", agency.kind},
             {"name", agency.name},
             {"region", agency.region},
             {"services", agency.services},
             {"accepts_referrals", agency.accepts_referrals}};
    if (agency.parent) out["parent"] = *agency.parent;
    return out;
}

}  // namespace clue_router::domain
