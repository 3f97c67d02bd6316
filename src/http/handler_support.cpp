#include "clue_router/http/handler_support.hpp"

#include <boost/beast/core/string.hpp>
#include <charconv>

namespace clue_router::http {

namespace {

// Depth of the deepest array/object, ignoring brackets inside strings; stops counting once
// past the limit.
bool nesting_within(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit) return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

bool is_json_media_type(std::string_view content_type) {
    const auto semicolon = content_type.find(';');
    std::string_view media = content_type.substr(0, semicolon);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    return boost::beast::iequals(media, "application/json");
}

}  // namespace

std::optional<nlohmann::json> read_json_object(Exchange& ex) {
    const auto& req = ex.request();
    if (!is_json_media_type(req[beast_http::field::content_type])) {
        ex.reply_problem(unsupported_media_type());
        return std::nullopt;
    }
    const std::string& body = req.body();
    if (!nesting_within(body, kMaxJsonDepth)) {
        ex.reply_problem(malformed_json("the body is nested more than " +
                                        std::to_string(kMaxJsonDepth) + " levels deep"));
        return std::nullopt;
    }
    auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) {
        ex.reply_problem(malformed_json("the body is not valid JSON (RFC 8259, UTF-8)"));
        return std::nullopt;
    }
    if (!parsed.is_object()) {
        ex.reply_problem(malformed_json("the body must be a JSON object"));
        return std::nullopt;
    }
    return parsed;
}

std::optional<PageParams> read_page_params(Exchange& ex) {
    PageParams p;
    const auto& query = ex.target().query;
    if (const auto it = query.find("limit"); it != query.end()) {
        int value = 0;
        const auto* end = it->second.data() + it->second.size();
        const auto [ptr, ec] = std::from_chars(it->second.data(), end, value);
        if (ec != std::errc{} || ptr != end || value < 1 || value > 200) {
            ex.reply_problem(
                bad_request("limit must be a whole number from 1 to 200",
                            {{"/query/limit", "must be a whole number from 1 to 200"}}));
            return std::nullopt;
        }
        p.limit = value;
    }
    if (const auto it = query.find("cursor"); it != query.end()) {
        if (it->second.empty() || it->second.size() > 64) {
            ex.reply_problem(bad_request("cursor is not one this server gave",
                                         {{"/query/cursor", "is not a cursor this server gave"}}));
            return std::nullopt;
        }
        p.cursor = it->second;
    }
    return p;
}

std::optional<std::int64_t> parse_if_match(const std::string& header, bool& bad) {
    bad = false;
    if (header.empty()) return std::nullopt;
    std::string_view v = header;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.size() < 3 || v.front() != '"' || v.back() != '"') {
        bad = true;
        return std::nullopt;
    }
    v = v.substr(1, v.size() - 2);
    std::int64_t version = 0;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), version);
    if (ec != std::errc{} || ptr != v.data() + v.size() || version < 1) {
        bad = true;
        return std::nullopt;
    }
    return version;
}

std::string etag_of(std::int64_t version) {
    return "\"" + std::to_string(version) + "\"";
}

void reply_page(Exchange& ex, service::Page page) {
    nlohmann::json body = {{"items", std::move(page.items)}};
    if (page.next_cursor) body["next_cursor"] = *page.next_cursor;
    ex.reply_json(beast_http::status::ok, body);
}

void reply_error(Exchange& ex, const service::ServiceError& e) {
    ex.reply_problem(to_problem(e));
}

}  // namespace clue_router::http
