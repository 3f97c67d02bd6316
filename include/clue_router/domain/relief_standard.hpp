#pragma once
// Regional caps for national judicial assistance (国家司法救助): generally at most 36 months
// of the province's previous-year average monthly wage. The figures are data
// (config/relief-standards.json), reloaded with the rest of the configuration.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"

namespace clue_router::domain {

struct ProvinceWage {
    std::string province;  // GB/T 2260 province code, e.g. "510000"
    std::string name;
    Fen average_monthly_wage_fen = 0;
};

class ReliefStandards {
  public:
    // Reads {"wage_year", "cap_months", "source", "provinces": {"510000": {"name",
    // "average_monthly_wage_cny"}}}; the error names what is wrong.
    static Expected<ReliefStandards, std::string> from_json(const nlohmann::json& doc);

    int wage_year() const { return wage_year_; }
    int cap_months() const { return cap_months_; }
    // The province that holds a region (its first two digits), if the file has it.
    const ProvinceWage* province_of(std::string_view region) const;
    // cap_months × the province's average monthly wage.
    Fen cap_for(const ProvinceWage& province) const {
        return province.average_monthly_wage_fen * cap_months_;
    }

  private:
    int wage_year_ = 0;
    int cap_months_ = 36;
    std::unordered_map<std::string, ProvinceWage> provinces_;
};

// Checks the judicial-assistance amounts of a closure against the cap of the subject's
// province: the fund measures together may exceed it only with a written justification.
// Errors point at the first fund measure's amount (under `pointer`, e.g. "/measures") and
// name the cap, never the submitted amount.
FieldErrors check_relief_cap(const std::vector<AidMeasure>& measures, std::string_view region,
                             const ReliefStandards& standards, const std::string& pointer);

}  // namespace clue_router::domain
