#include "clue_router/domain/aid_measure.hpp"
#include "clue_router/domain/vocabulary.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "clue_router/domain/text_checks.hpp"

namespace clue_router::domain {
namespace {

using nlohmann::json;
using namespace std::string_view_literals;

constexpr std::array kTypes{"judicial_assistance_fund"sv,
                            "legal_aid"sv,
                            "psychological_counselling"sv,
                            "medical"sv,
                            "social_assistance"sv,
                            "employment"sv,
                            "shelter"sv,
                            "protection_order"sv};
constexpr std::array kStatuses{"planned"sv, "in_progress"sv, "provided"sv, "declined"sv};
constexpr std::array kDisbursements{"lump_sum"sv, "staged"sv};

constexpr std::size_t kMaxMeasures = 32;
constexpr std::size_t kMaxInstalments = 60;
// Far above any judicial-assistance award, low enough that fen never overflow a sum.
constexpr Fen kMaxAmountFen = Fen{100'000'000} * 100;

template <class E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == s) return static_cast<E>(i);
    }
    return std::nullopt;
}

using vocabulary::one_of;

std::optional<CivilDate> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    month = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
    day = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
    if (year < 2000 || !is_valid_civil_date(year, month, day)) return std::nullopt;
    return CivilDate{year, month, day};
}

std::string date_text(const CivilDate& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
    return buf;
}

// A positive amount in CNY with at most two decimals, as fen.
std::optional<Fen> amount_member(const json& value, const std::string& pointer,
                                 FieldErrors& errors) {
    if (!value.is_number()) {
        errors.push_back({pointer, "must be a number of yuan"});
        return std::nullopt;
    }
    Fen fen = 0;
    if (value.is_number_integer()) {
        const auto yuan = value.get<std::int64_t>();
        if (yuan <= 0 || yuan > kMaxAmountFen / 100) {
            errors.push_back({pointer, "must be more than 0 and at most 100000000"});
            return std::nullopt;
        }
        fen = yuan * 100;
    } else {
        const double yuan = value.get<double>();
        const double scaled = std::round(yuan * 100.0);
        if (!(yuan > 0) || scaled > static_cast<double>(kMaxAmountFen)) {
            errors.push_back({pointer, "must be more than 0 and at most 100000000"});
            return std::nullopt;
        }
        if (std::fabs(scaled - yuan * 100.0) > 1e-6) {
            errors.push_back({pointer, "must have at most two decimals (fen)"});
            return std::nullopt;
        }
        fen = static_cast<Fen>(scaled);
    }
    return fen;
}

std::optional<CivilDate> date_member(const json& value, const std::string& pointer,
                                     FieldErrors& errors) {
    if (!value.is_string()) {
        errors.push_back({pointer, "must be a date such as 2026-12-01"});
        return std::nullopt;
    }
    auto date = parse_date(value.get_ref<const std::string&>());
    if (!date) errors.push_back({pointer, "must be a real date such as 2026-12-01"});
    return date;
}

std::optional<AidMeasure> measure_member(const json& m, const std::string& at,
                                         FieldErrors& errors) {
    if (!m.is_object()) {
        errors.push_back({at, "must be an object"});
        return std::nullopt;
    }
    const std::size_t before = errors.size();
    AidMeasure out;
    std::optional<MeasureType> type;
    if (auto it = m.find("type"); it == m.end()) {
        errors.push_back({at + "/type", "is required"});
    } else if (!it->is_string() ||
               !(type = parse_enum<MeasureType>(kTypes, it->get_ref<const std::string&>()))) {
        errors.push_back({at + "/type", one_of(kTypes)});
    }
    const bool fund = type == MeasureType::judicial_assistance_fund;
    for (const auto& [key, value] : m.items()) {
        static constexpr std::array common{"type"sv, "provider_agency"sv, "status"sv};
        static constexpr std::array fund_only{"amount_cny"sv, "disbursement"sv, "paid_on"sv,
                                              "instalments"sv, "justification"sv};
        const bool known_common = std::find(common.begin(), common.end(), key) != common.end();
        const bool known_fund =
            std::find(fund_only.begin(), fund_only.end(), key) != fund_only.end();
        if (known_fund && type && !fund) {
            errors.push_back({at + "/" + json_pointer_token(key),
                              "is only allowed with judicial_assistance_fund"});
        } else if (!known_common && !known_fund) {
            errors.push_back({at + "/" + json_pointer_token(key), "unknown member"});
        }
    }
    if (auto it = m.find("provider_agency"); it == m.end()) {
        errors.push_back({at + "/provider_agency", "is required"});
    } else if (!it->is_string() || !is_provider_agency_id(it->get_ref<const std::string&>())) {
        errors.push_back(
            {at + "/provider_agency", "must be an agency id: 1-64 of a-z, 0-9, '.', '_', '-'"});
    } else {
        out.provider_agency = it->get<std::string>();
    }
    if (auto it = m.find("status"); it == m.end()) {
        errors.push_back({at + "/status", "is required"});
    } else if (auto s = it->is_string() ? parse_enum<MeasureStatus>(
                                              kStatuses, it->get_ref<const std::string&>())
                                        : std::nullopt;
               !s) {
        errors.push_back({at + "/status", one_of(kStatuses)});
    } else {
        out.status = *s;
    }
    if (type) out.type = *type;

    if (fund) {
        if (auto it = m.find("amount_cny"); it == m.end()) {
            errors.push_back({at + "/amount_cny", "is required for judicial_assistance_fund"});
        } else if (auto fen = amount_member(*it, at + "/amount_cny", errors)) {
            out.amount_fen = *fen;
        }
        if (auto it = m.find("disbursement"); it == m.end()) {
            errors.push_back({at + "/disbursement", "is required: lump_sum or staged"});
        } else if (auto d = it->is_string() ? parse_enum<Disbursement>(
                                                  kDisbursements, it->get_ref<const std::string&>())
                                            : std::nullopt;
                   !d) {
            errors.push_back({at + "/disbursement", one_of(kDisbursements)});
        } else {
            out.disbursement = *d;
        }
        if (auto it = m.find("paid_on"); it != m.end()) {
            if (out.disbursement == Disbursement::staged) {
                errors.push_back(
                    {at + "/paid_on", "is for lump_sum; staged payments use instalments"});
            } else {
                out.paid_on = date_member(*it, at + "/paid_on", errors);
            }
        }
        const auto inst = m.find("instalments");
        if (out.disbursement == Disbursement::staged) {
            if (inst == m.end()) {
                errors.push_back({at + "/instalments", "is required for staged payment"});
            } else if (!inst->is_array() || inst->size() < 2 || inst->size() > kMaxInstalments) {
                errors.push_back({at + "/instalments", "must be an array of 2-60 instalments"});
            } else {
                Fen total = 0;
                std::optional<CivilDate> previous;
                bool complete = true;
                for (std::size_t i = 0; i < inst->size(); ++i) {
                    const std::string ip = at + "/instalments/" + std::to_string(i);
                    const json& one = (*inst)[i];
                    if (!one.is_object()) {
                        errors.push_back({ip, "must be an object"});
                        complete = false;
                        continue;
                    }
                    for (const auto& [key, value] : one.items()) {
                        if (key != "amount_cny" && key != "due_on") {
                            errors.push_back(
                                {ip + "/" + json_pointer_token(key), "unknown member"});
                        }
                    }
                    Instalment instalment;
                    bool ok = true;
                    if (!one.contains("amount_cny")) {
                        errors.push_back({ip + "/amount_cny", "is required"});
                        ok = false;
                    } else if (auto a =
                                   amount_member(one["amount_cny"], ip + "/amount_cny", errors)) {
                        instalment.amount_fen = *a;
                    } else {
                        ok = false;
                    }
                    if (!one.contains("due_on")) {
                        errors.push_back({ip + "/due_on", "is required"});
                        ok = false;
                    } else if (auto d = date_member(one["due_on"], ip + "/due_on", errors)) {
                        instalment.due_on = *d;
                    } else {
                        ok = false;
                    }
                    if (!ok) {
                        complete = false;
                        continue;
                    }
                    if (previous && date_text(instalment.due_on) <= date_text(*previous)) {
                        errors.push_back(
                            {ip + "/due_on", "must come after the previous instalment"});
                        complete = false;
                    }
                    previous = instalment.due_on;
                    total += instalment.amount_fen;
                    out.instalments.push_back(instalment);
                }
                if (complete && out.amount_fen > 0 && total != out.amount_fen) {
                    errors.push_back({at + "/instalments", "must add up to amount_cny"});
                }
            }
        } else if (inst != m.end()) {
            errors.push_back({at + "/instalments", "is only for staged payment"});
        }
        if (auto it = m.find("justification"); it != m.end()) {
            const std::string jp = at + "/justification";
            if (!it->is_string()) {
                errors.push_back({jp, "must be a string"});
            } else {
                const auto& text = it->get_ref<const std::string&>();
                const TextScan scan = scan_text(text, true);
                if (!scan.valid_utf8 || scan.has_control) {
                    errors.push_back({jp, "must be valid UTF-8 without control characters"});
                } else if (scan.code_points < 10 || scan.code_points > 4000) {
                    errors.push_back({jp, "must be 10-4000 characters"});
                } else {
                    out.justification = text;
                }
            }
        }
    }
    if (errors.size() != before) return std::nullopt;
    return out;
}

}  // namespace

bool is_provider_agency_id(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s) {
        const bool ok =
            (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string_view to_string(MeasureType t) {
    return kTypes.at(static_cast<std::size_t>(t));
}
std::string_view to_string(MeasureStatus s) {
    return kStatuses.at(static_cast<std::size_t>(s));
}
std::string_view to_string(Disbursement d) {
    return kDisbursements.at(static_cast<std::size_t>(d));
}
std::optional<MeasureType> parse_measure_type(std::string_view s) {
    return parse_enum<MeasureType>(kTypes, s);
}
std::optional<MeasureStatus> parse_measure_status(std::string_view s) {
    return parse_enum<MeasureStatus>(kStatuses, s);
}

Expected<std::vector<AidMeasure>, FieldErrors> parse_measures(const nlohmann::json& value,
                                                              const std::string& pointer) {
    FieldErrors errors;
    if (!value.is_array() || value.size() > kMaxMeasures) {
        errors.push_back({pointer, "must be an array of at most 32 measures"});
        return unexpected(std::move(errors));
    }
    std::vector<AidMeasure> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (auto m = measure_member(value[i], pointer + "/" + std::to_string(i), errors)) {
            out.push_back(std::move(*m));
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

Expected<AidMeasure, FieldErrors> parse_measure(const nlohmann::json& value,
                                                const std::string& pointer) {
    FieldErrors errors;
    auto m = measure_member(value, pointer, errors);
    if (!m) return unexpected(std::move(errors));
    return std::move(*m);
}

std::optional<CivilDate> parse_measure_date(std::string_view text) {
    return parse_date(text);
}

std::string format_measure_date(const CivilDate& date) {
    return date_text(date);
}

std::string format_cny(Fen amount) {
    const Fen yuan = amount / 100;
    const Fen fen = amount % 100;
    std::string digits = std::to_string(yuan);
    std::string grouped;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
        grouped += digits[i];
    }
    if (fen != 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, ".%02lld", static_cast<long long>(fen));
        grouped += buf;
    }
    return grouped;
}

namespace {
json amount_json(Fen fen) {
    if (fen % 100 == 0) return json(fen / 100);
    return json(static_cast<double>(fen) / 100.0);
}
}  // namespace

nlohmann::json to_json(const AidMeasure& m) {
    json j{{"type", to_string(m.type)},
           {"provider_agency", m.provider_agency},
           {"status", to_string(m.status)}};
    if (m.type == MeasureType::judicial_assistance_fund) {
        j["amount_cny"] = amount_json(m.amount_fen);
        j["disbursement"] = to_string(m.disbursement);
        if (m.paid_on) j["paid_on"] = date_text(*m.paid_on);
        if (!m.instalments.empty()) {
            json list = json::array();
            for (const auto& i : m.instalments) {
                list.push_back(
                    {{"amount_cny", amount_json(i.amount_fen)}, {"due_on", date_text(i.due_on)}});
            }
            j["instalments"] = std::move(list);
        }
        if (m.justification) j["justification"] = *m.justification;
    }
    return j;
}

nlohmann::json to_json(const std::vector<AidMeasure>& measures) {
    json list = json::array();
    for (const auto& m : measures) list.push_back(to_json(m));
    return list;
}

std::vector<AidMeasure> measures_from_json(const nlohmann::json& value) {
    auto parsed = parse_measures(value, "");
    if (!parsed) throw std::invalid_argument("stored measures do not parse");
    return std::move(*parsed);
}

}  // namespace clue_router::domain
