#include "clue_router/domain/stats_request.hpp"

#include <algorithm>
#include <array>

#include "clue_router/domain/region_code.hpp"

namespace clue_router::domain {
namespace {

using namespace std::string_view_literals;

constexpr std::array kDimensions{"agency"sv,    "province"sv, "prefecture"sv, "county"sv,
                                 "key_group"sv, "priority"sv, "channel"sv,    "rural"sv,
                                 "purpose"sv,   "week"sv,     "month"sv};

constexpr std::array kKnownParameters{"from"sv, "to"sv, "region"sv, "by"sv};

// "YYYY-MM-DD" as a local day.
std::optional<LocalDay> parse_local_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
    const int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    const auto month = static_cast<unsigned>((s[5] - '0') * 10 + (s[6] - '0'));
    const auto day = static_cast<unsigned>((s[8] - '0') * 10 + (s[9] - '0'));
    if (!is_valid_civil_date(year, month, day)) return std::nullopt;
    return LocalDay{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
}

std::string dimension_list() {
    std::string out = "total";
    for (const auto d : kDimensions) out += ", " + std::string(d);
    return out;
}

// by: "total", or one or two dimensions separated by a comma.
std::optional<FieldError> parse_by(std::string_view text, std::vector<StatsDimension>& out) {
    const FieldError unknown{"/query/by", "must be total, or one or two of " + dimension_list() +
                                              " separated by a comma"};
    if (text == "total") return std::nullopt;
    while (true) {
        const auto comma = text.find(',');
        const auto name = text.substr(0, comma);
        const auto d = parse_stats_dimension(name);
        if (!d) return unknown;
        if (std::find(out.begin(), out.end(), *d) != out.end()) {
            return FieldError{"/query/by", "names a dimension twice"};
        }
        out.push_back(*d);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    if (out.size() > kMaxStatsDimensions) {
        return FieldError{"/query/by", "may name at most two dimensions"};
    }
    if (std::count_if(out.begin(), out.end(), is_time_dimension) > 1) {
        return FieldError{"/query/by", "may name at most one of week and month"};
    }
    return std::nullopt;
}

void check_unknown_parameters(const std::map<std::string, std::string>& query,
                              FieldErrors& errors) {
    for (const auto& [name, value] : query) {
        if (std::find(kKnownParameters.begin(), kKnownParameters.end(), name) !=
            kKnownParameters.end()) {
            continue;
        }
        // The name is ours to echo only when it is short and plain; anything else is
        // reported without it.
        const bool plain = name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || c == '_';
                           });
        errors.push_back({plain ? "/query/" + name : "/query",
                          "is not a parameter of /v1/stats (from, to, region, by)"});
    }
}

}  // namespace

std::string_view to_string(StatsDimension d) {
    return kDimensions.at(static_cast<std::size_t>(d));
}

std::optional<StatsDimension> parse_stats_dimension(std::string_view s) {
    for (std::size_t i = 0; i < kDimensions.size(); ++i) {
        if (kDimensions[i] == s) return static_cast<StatsDimension>(i);
    }
    return std::nullopt;
}

bool is_time_dimension(StatsDimension d) {
    return d == StatsDimension::week || d == StatsDimension::month;
}

Expected<StatsRequest, FieldErrors> parse_stats_request(
    const std::map<std::string, std::string>& query, Timestamp now,
    std::chrono::minutes local_offset) {
    FieldErrors errors;
    StatsRequest out;
    check_unknown_parameters(query, errors);
    constexpr auto kDateOnly = "must be a date (YYYY-MM-DD): figures cover whole local days";
    std::optional<LocalDay> from;
    std::optional<LocalDay> to;
    if (auto it = query.find("to"); it != query.end()) {
        to = parse_local_date(it->second);
        if (!to) errors.push_back({"/query/to", kDateOnly});
    }
    if (auto it = query.find("from"); it != query.end()) {
        from = parse_local_date(it->second);
        if (!from) errors.push_back({"/query/from", kDateOnly});
    }
    if (auto it = query.find("region"); it != query.end()) {
        auto code = RegionCode::parse(it->second);
        if (!code) {
            errors.push_back({"/query/region", "must be a GB/T 2260 region code: " + code.error()});
        } else {
            out.region = code->str();
        }
    }
    if (auto it = query.find("by"); it != query.end()) {
        if (auto e = parse_by(it->second, out.by)) errors.push_back(std::move(*e));
    }
    const bool bounds_parsed = !(query.contains("to") && !to) && !(query.contains("from") && !from);
    if (bounds_parsed) {
        const LocalDay last = to.value_or(local_day_of(now, local_offset));
        const LocalDay first = from.value_or(last - std::chrono::days{kDefaultStatsDays - 1});
        out.days = {first, last + std::chrono::days{1}};
        if (first > last) {
            errors.push_back({"/query/from", "must not be after to"});
        } else if (out.days.days() > kMaxStatsDays) {
            errors.push_back({"/query/from", "the window may cover at most 731 days"});
        }
    }
    if (!errors.empty()) return unexpected(std::move(errors));
    return out;
}

int region_prefix_length(std::string_view code) {
    if (code.size() != 6) return 6;
    if (code.substr(2) == "0000") return 2;
    if (code.substr(4) == "00") return 4;
    return 6;
}

bool region_within(std::string_view inner, std::string_view outer) {
    if (inner.size() != 6 || outer.size() != 6) return false;
    const auto n = static_cast<std::size_t>(region_prefix_length(outer));
    return inner.substr(0, n) == outer.substr(0, n);
}

}  // namespace clue_router::domain
