#include "clue_router/service/views.hpp"

#include "clue_router/domain/masking.hpp"

namespace clue_router::service {

nlohmann::json clue_view(const storage::StoredClue& stored, PersonalData mode) {
    nlohmann::json body = domain::to_json(stored.clue);
    if (mode == PersonalData::masked) {
        auto& subject = body["subject"];
        if (subject.contains("name")) {
            subject["name"] = domain::mask_name(subject["name"].get<std::string>());
        }
        if (subject.contains("id_number")) {
            subject["id_number"] = domain::mask_id_number(subject["id_number"].get<std::string>());
        }
        // The birth date is digits 7-14 of the ID number: beside the masked number (digits
        // 1-6 and 15-18) it would rebuild the whole. The year is what a reader needs.
        if (subject.contains("birth_date")) {
            subject["birth_year"] =
                std::stoi(subject["birth_date"].get<std::string>().substr(0, 4));
            subject.erase("birth_date");
        }
        if (subject.contains("phone")) {
            subject["phone"] = domain::mask_phone(subject["phone"].get<std::string>());
        }
        subject.erase("address");
        auto& reporter = body["reporter"];
        if (reporter.contains("name")) {
            reporter["name"] = domain::mask_name(reporter["name"].get<std::string>());
        }
        if (reporter.contains("phone")) {
            reporter["phone"] = domain::mask_phone(reporter["phone"].get<std::string>());
        }
        body.erase("narrative");
    }
    nlohmann::json view = {
        {"id", stored.id},
        {"status", storage::to_string(stored.status)},
        {"priority", domain::to_string(stored.priority)},
        {"sender_agency", stored.sender_agency},
        {"case_id", stored.case_id},
        {"created_at", domain::format_rfc3339(stored.created_at)},
        {"personal_data", stored.personal_data_purged_at
                              ? "purged"
                              : (mode == PersonalData::masked ? "masked" : "clear")},
    };
    if (stored.personal_data_purged_at) {
        view["personal_data_purged_at"] = domain::format_rfc3339(*stored.personal_data_purged_at);
    }
    if (stored.review_reason) view["review_reason"] = *stored.review_reason;
    if (stored.dismissal_reason) view["dismissal_reason"] = *stored.dismissal_reason;
    if (stored.reviewed_at) view["reviewed_at"] = domain::format_rfc3339(*stored.reviewed_at);
    for (auto& [member, value] : body.items()) view[member] = std::move(value);
    return view;
}

nlohmann::json warnings_json(const domain::FieldWarnings& warnings) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& w : warnings) {
        out.push_back({{"pointer", w.pointer}, {"code", w.code}, {"detail", w.detail}});
    }
    return out;
}

}  // namespace clue_router::service
