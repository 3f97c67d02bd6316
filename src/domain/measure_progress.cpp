#include "clue_router/domain/measure_progress.hpp"

#include <nlohmann/json.hpp>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::domain {

namespace {

using nlohmann::json;

using S = MeasureStatus;

bool after(const CivilDate& a, const CivilDate& b) {
    if (a.year != b.year) return a.year > b.year;
    if (a.month != b.month) return a.month > b.month;
    return a.day > b.day;
}

std::optional<CivilDate> date_member(const json& value, const std::string& pointer,
                                     FieldErrors& errors) {
    std::optional<CivilDate> date;
    if (value.is_string()) date = parse_measure_date(value.get_ref<const std::string&>());
    if (!date) errors.push_back({pointer, "must be a real date such as 2026-12-01"});
    return date;
}

}  // namespace

nlohmann::json to_json(const RecordedMeasure& m) {
    json j = to_json(m.measure);
    j["id"] = m.id;
    j["version"] = m.version;
    if (m.status_on) j["status_on"] = format_measure_date(*m.status_on);
    j["recorded_by_agency"] = m.recorded_by_agency;
    j["created_at"] = format_rfc3339(m.created_at);
    j["updated_at"] = format_rfc3339(m.updated_at);
    return j;
}

bool measure_may_move(MeasureStatus from, MeasureStatus to) {
    switch (from) {
        case S::planned:
            return to == S::in_progress || to == S::provided || to == S::declined;
        case S::in_progress:
            return to == S::provided || to == S::declined;
        case S::provided:
        case S::declined:
            return false;
    }
    return false;
}

Expected<NewMeasure, FieldErrors> parse_new_measure(const nlohmann::json& body) {
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    json measure = body;
    measure.erase("status_on");
    FieldErrors errors;
    NewMeasure out;
    if (auto parsed = parse_measure(measure, ""); parsed) {
        out.measure = std::move(*parsed);
    } else {
        errors = std::move(parsed.error());
    }
    if (const auto it = body.find("status_on"); it != body.end()) {
        out.status_on = date_member(*it, "/status_on", errors);
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

Expected<MeasureUpdate, FieldErrors> parse_measure_update(const nlohmann::json& body) {
    if (!body.is_object()) return unexpected(FieldErrors{{"", "must be a JSON object"}});
    FieldErrors errors;
    MeasureUpdate out;
    for (const auto& [key, value] : body.items()) {
        if (key != "status" && key != "on" && key != "provider_agency") {
            errors.push_back({"/" + json_pointer_token(key), "unknown member"});
        }
    }
    const auto status = body.find("status");
    std::optional<MeasureStatus> parsed;
    if (status != body.end() && status->is_string()) {
        parsed = parse_measure_status(status->get_ref<const std::string&>());
    }
    if (!parsed || *parsed == S::planned) {
        errors.push_back({"/status", "must be one of in_progress, provided, declined"});
    } else {
        out.status = *parsed;
    }
    if (const auto it = body.find("on"); it != body.end()) {
        out.on = date_member(*it, "/on", errors);
    } else if (parsed == S::provided || parsed == S::declined) {
        errors.push_back({"/on", "is required: the date it was provided or declined"});
    }
    if (const auto it = body.find("provider_agency"); it != body.end()) {
        if (!it->is_string() || !is_provider_agency_id(it->get_ref<const std::string&>())) {
            errors.push_back(
                {"/provider_agency", "must be an agency id: 1-64 of a-z, 0-9, '.', '_', '-'"});
        } else {
            out.provider_agency = it->get<std::string>();
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

Expected<RecordedMeasure, MeasureMoveError> move_measure(RecordedMeasure measure,
                                                         const MeasureUpdate& update,
                                                         CivilDate today, Timestamp now) {
    if (!measure_may_move(measure.measure.status, update.status)) {
        return unexpected(MeasureMoveError::not_allowed_now);
    }
    if (update.on && after(*update.on, today)) return unexpected(MeasureMoveError::date_in_future);
    measure.measure.status = update.status;
    if (update.on) measure.status_on = update.on;
    if (update.provider_agency) measure.measure.provider_agency = *update.provider_agency;
    ++measure.version;
    measure.updated_at = now;
    return measure;
}

}  // namespace clue_router::domain
