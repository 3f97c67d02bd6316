#include "clue_router/domain/relief_standard.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {

Expected<ReliefStandards, std::string> ReliefStandards::from_json(const nlohmann::json& doc) {
    if (!doc.is_object()) return unexpected(std::string("must be a JSON object"));
    ReliefStandards out;
    const auto year = doc.find("wage_year");
    if (year == doc.end() || !year->is_number_integer() || year->get<int>() < 2000 ||
        year->get<int>() > 2100) {
        return unexpected(std::string("wage_year: must be a year"));
    }
    out.wage_year_ = year->get<int>();
    const auto cap = doc.find("cap_months");
    if (cap == doc.end() || !cap->is_number_integer() || cap->get<int>() < 1 ||
        cap->get<int>() > 240) {
        return unexpected(std::string("cap_months: must be a whole number from 1 to 240"));
    }
    out.cap_months_ = cap->get<int>();
    const auto provinces = doc.find("provinces");
    if (provinces == doc.end() || !provinces->is_object() || provinces->empty()) {
        return unexpected(std::string("provinces: must be a non-empty object"));
    }
    for (const auto& [code, entry] : provinces->items()) {
        const std::string where = "provinces/" + code;
        if (code.size() != 6 || code.substr(2) != "0000" || !RegionCode::parse(code)) {
            return unexpected(where + ": must be a province code such as 510000");
        }
        if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
            return unexpected(where + ": needs a name");
        }
        const auto wage = entry.find("average_monthly_wage_cny");
        if (wage == entry.end() || !wage->is_number_integer() || wage->get<long long>() <= 0 ||
            wage->get<long long>() > 1'000'000) {
            return unexpected(where + ": average_monthly_wage_cny must be a whole number of yuan");
        }
        out.provinces_[code] = ProvinceWage{code, entry["name"].get<std::string>(),
                                            static_cast<Fen>(wage->get<long long>()) * 100};
    }
    return out;
}

const ProvinceWage* ReliefStandards::province_of(std::string_view region) const {
    if (region.size() < 2) return nullptr;
    const auto it = provinces_.find(std::string(region.substr(0, 2)) + "0000");
    return it == provinces_.end() ? nullptr : &it->second;
}

FieldErrors check_relief_cap(const std::vector<AidMeasure>& measures, std::string_view region,
                             const ReliefStandards& standards, const std::string& pointer) {
    Fen total = 0;
    std::optional<std::size_t> first;
    bool justified = false;
    for (std::size_t i = 0; i < measures.size(); ++i) {
        const auto& m = measures[i];
        if (m.type != MeasureType::judicial_assistance_fund) continue;
        // A declined award grants nothing and is not held against the cap.
        if (m.status == MeasureStatus::declined) continue;
        if (!first) first = i;
        total += m.amount_fen;
        justified = justified || m.justification.has_value();
    }
    if (!first) return {};
    const std::string at = pointer + "/" + std::to_string(*first) + "/amount_cny";
    const ProvinceWage* province = standards.province_of(region);
    if (province == nullptr) {
        return {{at,
                 "no relief standard is configured for the subject's province; an "
                 "administrator must add it to the relief standards"}};
    }
    const Fen cap = standards.cap_for(*province);
    if (total <= cap || justified) return {};
    return {{at, "judicial assistance above the cap of CNY " + format_cny(cap) + " (" +
                     std::to_string(standards.cap_months()) + " months of the " +
                     std::to_string(standards.wage_year()) + " average monthly wage in " +
                     province->province + ") needs a written justification"}};
}

}  // namespace clue_router::domain
