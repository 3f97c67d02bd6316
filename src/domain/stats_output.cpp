#include "clue_router/domain/stats_output.hpp"

#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace clue_router::domain {
namespace {

std::string format_number(const StatsColumn& col, double v) {
    char buf[32];
    switch (col.kind) {
        case ColumnKind::count:
            std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(v)));
            break;
        case ColumnKind::share:
            std::snprintf(buf, sizeof buf, "%.3f", v);
            break;
        case ColumnKind::amount:
            // Exact figures carry fen; perturbed ones are whole yuan.
            std::snprintf(buf, sizeof buf, v == std::round(v) ? "%.0f" : "%.2f", v);
            break;
        case ColumnKind::hours:
            std::snprintf(buf, sizeof buf, "%.1f", v);
            break;
    }
    return buf;
}

nlohmann::json number_json(const StatsColumn& col, double v) {
    if (col.kind == ColumnKind::count) return std::llround(v);
    return v;
}

std::vector<std::string> hidden_columns(const StatsRow& row) {
    const auto& cols = stats_columns();
    std::vector<std::string> out;
    for (std::size_t i = 0; i < cols.size(); ++i) {
        if (row.cells[i].kind == StatsCell::Kind::hidden) out.push_back(cols[i].name);
    }
    return out;
}

nlohmann::json row_json(const StatsTable& table, const StatsRow& row) {
    const auto& cols = stats_columns();
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < table.by.size(); ++i)
        j[std::string(to_string(table.by[i]))] = row.key[i];
    for (std::size_t i = 0; i < cols.size(); ++i) {
        const auto& c = row.cells[i];
        j[cols[i].name] = c.kind == StatsCell::Kind::number ? number_json(cols[i], c.value)
                                                            : nlohmann::json(nullptr);
    }
    j["hidden"] = hidden_columns(row);
    return j;
}

}  // namespace

nlohmann::json to_json(const StatsTable& table, const StatsRequest& request,
                       std::chrono::minutes local_offset) {
    nlohmann::json by = nlohmann::json::array();
    for (const auto d : table.by) by.push_back(to_string(d));
    nlohmann::json columns = nlohmann::json::array();
    for (const auto& c : stats_columns()) columns.push_back(c.name);
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& row : table.rows) rows.push_back(row_json(table, row));
    return {{"period",
             {{"from", format_local_day(request.days.first)},
              {"to", format_local_day(request.days.end - std::chrono::days{1})},
              {"days", request.days.days()},
              {"local_offset_minutes", local_offset.count()}}},
            {"region", request.region ? nlohmann::json(*request.region) : nlohmann::json(nullptr)},
            {"by", std::move(by)},
            {"columns", std::move(columns)},
            {"protection",
             {{"method", table.protection.noise > 0 ? "cell_key" : "none"},
              {"noise", table.protection.noise},
              {"min_count", table.protection.min_count},
              {"exact", table.protection.noise == 0}}},
            {"rows", std::move(rows)},
            {"total", row_json(table, table.total)}};
}

std::string csv_field(std::string_view text) {
    const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                                           text[0] == '@' || text[0] == '\t' || text[0] == '\r');
    if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) {
        return std::string(text);
    }
    std::string out = formula ? "\"'" : "\"";
    for (char ch : text) {
        if (ch == '"') out += '"';
        out += ch;
    }
    out += '"';
    return out;
}

std::string to_csv(const StatsTable& table) {
    const auto& cols = stats_columns();
    std::string out;
    auto field = [&out](std::string_view text, bool first = false) {
        if (!first) out += ',';
        out += csv_field(text);
    };
    if (table.by.empty()) field("group", true);
    for (std::size_t i = 0; i < table.by.size(); ++i) field(to_string(table.by[i]), i == 0);
    for (const auto& c : cols) field(c.name);
    field("hidden");
    out += "\r\n";
    auto line = [&](const StatsRow& row) {
        if (table.by.empty()) field(kStatsTotal, true);
        for (std::size_t i = 0; i < row.key.size(); ++i) field(row.key[i], i == 0);
        for (std::size_t i = 0; i < cols.size(); ++i) {
            const auto& c = row.cells[i];
            field(c.kind == StatsCell::Kind::number ? format_number(cols[i], c.value) : "");
        }
        std::string hidden;
        for (const auto& name : hidden_columns(row)) hidden += (hidden.empty() ? "" : " ") + name;
        field(hidden);
        out += "\r\n";
    };
    for (const auto& row : table.rows) line(row);
    line(table.total);
    return out;
}

}  // namespace clue_router::domain
