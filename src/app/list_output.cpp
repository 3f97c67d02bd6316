#include "clue_router/app/list_output.hpp"

#include <algorithm>

namespace clue_router::app {

namespace {

std::string cell(const nlohmann::json& item, const std::string& column) {
    const auto it = item.find(column);
    if (it == item.end() || it->is_null()) return "-";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

// Code points, not bytes: a label in Chinese must not push the columns after it apart. (Wide
// characters still take two cells in a terminal; free text goes in the last column, which is
// never padded.)
std::size_t width(const std::string& text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace

void print_list(std::ostream& out, const std::vector<std::string>& columns,
                const nlohmann::json& items, bool as_json) {
    if (as_json) {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : items) {
            nlohmann::json shown = nlohmann::json::object();
            for (const auto& column : columns) shown[column] = item.value(column, nlohmann::json());
            array.push_back(std::move(shown));
        }
        out << array.dump() << '\n';
        return;
    }
    std::vector<std::vector<std::string>> rows{columns};
    for (const auto& item : items) {
        std::vector<std::string> row;
        for (const auto& column : columns) row.push_back(cell(item, column));
        rows.push_back(std::move(row));
    }
    std::vector<std::size_t> widths(columns.size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], width(row[i]));
    }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) line.append(widths[i] - width(row[i]) + 2, ' ');
        }
        out << line << '\n';
    }
}

}  // namespace clue_router::app
