#include "clue_router/domain/deadlines.hpp"

#include <nlohmann/json.hpp>

namespace clue_router::domain {
namespace {

using namespace std::chrono;
using nlohmann::json;

constexpr std::array<const char*, 4> kPriorityNames{"low", "normal", "high", "urgent"};

struct Failure {
    std::string message;
};

DeadlineSpan parse_span(const json& v, const std::string& at) {
    if (!v.is_object() || v.size() != 1) {
        throw Failure{at +
                      ": must be one of {\"hours\": N}, {\"working_days\": N}, "
                      "{\"months\": N}"};
    }
    const std::string unit = v.begin().key();
    const json& amount = v.begin().value();
    DeadlineSpan span;
    int max = 0;
    if (unit == "hours") {
        span.unit = DeadlineSpan::Unit::hours;
        max = 24 * 366;
    } else if (unit == "working_days") {
        span.unit = DeadlineSpan::Unit::working_days;
        max = 260;
    } else if (unit == "months") {
        span.unit = DeadlineSpan::Unit::months;
        max = 36;
    } else {
        throw Failure{at + ": the unit must be hours, working_days or months"};
    }
    if (!amount.is_number_integer() || amount.get<int>() < 1 || amount.get<int>() > max) {
        throw Failure{at + "/" + unit + ": must be a whole number from 1 to " +
                      std::to_string(max)};
    }
    span.amount = amount.get<int>();
    return span;
}

std::set<sys_days> parse_dates(const json& doc, const char* key) {
    std::set<sys_days> out;
    auto it = doc.find(key);
    if (it == doc.end()) return out;
    if (!it->is_array()) throw Failure{std::string("/") + key + ": must be an array of dates"};
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& v = (*it)[i];
        const std::string at = std::string("/") + key + "/" + std::to_string(i);
        std::optional<Timestamp> t;
        if (v.is_string() && v.get_ref<const std::string&>().size() == 10) {
            t = parse_rfc3339(v.get<std::string>() + "T00:00:00Z");
        }
        if (!t) throw Failure{at + ": must be a date written YYYY-MM-DD"};
        out.insert(floor<days>(*t));
    }
    return out;
}

// Local midnight at the start of `day`, as a UTC instant.
Timestamp start_of_local_day(sys_days day, minutes offset) {
    return time_point_cast<milliseconds>(sys_time<minutes>(day) - offset);
}

}  // namespace

bool DeadlinePolicy::is_working_day(sys_days day) const {
    const weekday wd{day};
    const bool weekend = wd == Saturday || wd == Sunday;
    if (weekend) return working_weekends.contains(day);
    return !holidays.contains(day);
}

DeadlinePolicy default_deadline_policy() {
    DeadlinePolicy p;
    const DeadlineSpan five_days{DeadlineSpan::Unit::working_days, 5};
    const DeadlineSpan three_months{DeadlineSpan::Unit::months, 3};
    p.accept = {five_days, five_days, five_days, DeadlineSpan{DeadlineSpan::Unit::hours, 24}};
    p.close = {three_months, three_months, three_months, three_months};
    return p;
}

Timestamp deadline_after(const DeadlinePolicy& policy, const DeadlineSpan& span, Timestamp from) {
    switch (span.unit) {
        case DeadlineSpan::Unit::hours:
            return from + hours(span.amount);
        case DeadlineSpan::Unit::working_days: {
            sys_days day = floor<days>(from + policy.local_offset);
            // Bounded: even a year of holidays ends; the bound only guards a broken list.
            int counted = 0;
            for (int guard = 0; counted < span.amount && guard < 3700; ++guard) {
                day += days(1);
                if (policy.is_working_day(day)) ++counted;
            }
            return start_of_local_day(day + days(1), policy.local_offset);
        }
        case DeadlineSpan::Unit::months: {
            const year_month_day local{floor<days>(from + policy.local_offset)};
            year_month_day target = local + months(span.amount);
            if (!target.ok()) target = target.year() / target.month() / last;
            return start_of_local_day(sys_days(target) + days(1), policy.local_offset);
        }
    }
    return from;
}

TicketDeadlines deadlines_for(const DeadlinePolicy& policy, Priority priority, Timestamp from) {
    return {deadline_after(policy, policy.accept_span(priority), from),
            deadline_after(policy, policy.close_span(priority), from)};
}

Expected<DeadlinePolicy, std::string> parse_deadline_policy(const json& doc) {
    try {
        if (!doc.is_object()) throw Failure{": must be an object"};
        for (const auto& [key, value] : doc.items()) {
            if (key.starts_with("_")) continue;
            if (key != "local_offset_minutes" && key != "accept" && key != "close" &&
                key != "holidays" && key != "working_weekends") {
                throw Failure{"/" + key + ": unknown member"};
            }
        }
        DeadlinePolicy policy = default_deadline_policy();
        if (auto it = doc.find("local_offset_minutes"); it != doc.end()) {
            if (!it->is_number_integer() || it->get<int>() < -14 * 60 || it->get<int>() > 14 * 60) {
                throw Failure{"/local_offset_minutes: must be a whole number from -840 to 840"};
            }
            policy.local_offset = minutes(it->get<int>());
        }
        for (const char* which : {"accept", "close"}) {
            auto it = doc.find(which);
            if (it == doc.end()) continue;
            if (!it->is_object()) throw Failure{std::string("/") + which + ": must be an object"};
            auto& spans = std::string(which) == "accept" ? policy.accept : policy.close;
            for (const auto& [name, value] : it->items()) {
                std::size_t i = 0;
                while (i < kPriorityNames.size() && name != kPriorityNames[i]) ++i;
                if (i == kPriorityNames.size()) {
                    throw Failure{std::string("/") + which + "/" + name + ": is not a priority"};
                }
                spans[i] = parse_span(value, std::string("/") + which + "/" + name);
            }
        }
        policy.holidays = parse_dates(doc, "holidays");
        policy.working_weekends = parse_dates(doc, "working_weekends");
        // Holidays may list the weekend days of a holiday period too, as the State Council
        // notices do; they change nothing.
        for (const auto& d : policy.working_weekends) {
            const weekday wd{d};
            if (wd != Saturday && wd != Sunday) {
                throw Failure{"/working_weekends: lists a weekday; only weekends belong here"};
            }
        }
        return policy;
    } catch (const Failure& f) {
        return unexpected("deadlines " + f.message);
    }
}

}  // namespace clue_router::domain
