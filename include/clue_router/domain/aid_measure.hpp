#pragma once
// Aid measures recorded when a ticket is closed (DESIGN §4, "Outcome"): national judicial
// assistance is "combined" with other aid, so one closure lists every measure granted, each
// with the agency that provides it and where it stands.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"
#include "clue_router/domain/time.hpp"

namespace clue_router::domain {

enum class MeasureType {
    judicial_assistance_fund,
    legal_aid,
    psychological_counselling,
    medical,
    social_assistance,
    employment,
    shelter,
    protection_order,
};
enum class MeasureStatus { planned, in_progress, provided, declined };
enum class Disbursement { lump_sum, staged };

std::string_view to_string(MeasureType t);
std::string_view to_string(MeasureStatus s);
std::string_view to_string(Disbursement d);
std::optional<MeasureType> parse_measure_type(std::string_view s);
std::optional<MeasureStatus> parse_measure_status(std::string_view s);

// Money is kept in fen (0.01 CNY) so sums are exact.
using Fen = std::int64_t;

struct Instalment {
    Fen amount_fen = 0;
    CivilDate due_on;
};

struct AidMeasure {
    MeasureType type = MeasureType::legal_aid;
    std::string provider_agency;  // directory id, or the id of an outside provider
    MeasureStatus status = MeasureStatus::planned;
    // judicial_assistance_fund only:
    Fen amount_fen = 0;
    Disbursement disbursement = Disbursement::lump_sum;
    std::optional<CivilDate> paid_on;          // lump_sum: when it was (or will be) paid
    std::vector<Instalment> instalments;       // staged: two or more, adding up to the amount
    std::optional<std::string> justification;  // why an amount above the cap is right
};

// Parses the "measures" member of a close request; pointers start at `pointer`
// (e.g. "/measures"). Checks each measure's own rules (instalments add up, dates are
// real), not the regional cap: that needs the relief standards (relief_standard.hpp).
Expected<std::vector<AidMeasure>, FieldErrors> parse_measures(const nlohmann::json& value,
                                                              const std::string& pointer);

// One measure object, as in a close request or POST /v1/tickets/{id}/measures; pointers
// start at `pointer` ("" for a body of its own).
Expected<AidMeasure, FieldErrors> parse_measure(const nlohmann::json& value,
                                                const std::string& pointer);

// A provider: a directory id or an outside provider's id, 1-64 of a-z, 0-9, '.', '_', '-'.
bool is_provider_agency_id(std::string_view s);

// Dates of measures: "2026-12-01", a real date from 2000 on.
std::optional<CivilDate> parse_measure_date(std::string_view text);
std::string format_measure_date(const CivilDate& date);

nlohmann::json to_json(const AidMeasure& m);
nlohmann::json to_json(const std::vector<AidMeasure>& measures);
// Reads what to_json wrote (stored closures); throws std::invalid_argument when it cannot.
std::vector<AidMeasure> measures_from_json(const nlohmann::json& value);

// "12345.67" style text of an amount, for messages about configured caps (never for a
// submitted amount).
std::string format_cny(Fen amount);

}  // namespace clue_router::domain
