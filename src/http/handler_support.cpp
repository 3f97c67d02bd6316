#include "clue_router/http/handler_support.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <charconv>
#include <span>
#include <vector>

#include "clue_router/domain/json_text.hpp"

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

// Replies 400 naming every query parameter not in `allowed`, and what the route takes.
bool known_parameters_only(Exchange& ex, std::span<const std::string_view> allowed) {
    const auto unknown = unknown_parameters(ex.target(), allowed);
    if (unknown.empty()) return true;
    std::string takes;
    for (std::string_view a : allowed) takes += (takes.empty() ? "" : ", ") + std::string(a);
    const std::string hint =
        takes.empty() ? "this route takes no query parameters" : "this route takes " + takes;
    domain::FieldErrors errors;
    for (const auto& name : unknown) {
        // The name is echoed only when it is short and plain: a query is typed by hand and
        // may hold anything, a phone number among it.
        const bool plain = name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || c == '_';
                           });
        errors.push_back({plain ? "/query/" + name : std::string("/query"),
                          "is not a parameter of this route; " + hint});
    }
    ex.reply_problem(bad_request(std::string(unknown.size() == 1 ? "an unknown query parameter"
                                                                 : "unknown query parameters") +
                                     "; " + hint,
                                 std::move(errors)));
    return false;
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
    auto parsed = domain::parse_json_text(body);
    if (!parsed) {
        ex.reply_problem(malformed_json("the body is not valid JSON: " + parsed.error()));
        return std::nullopt;
    }
    if (!parsed->is_object()) {
        ex.reply_problem(malformed_json("the body must be a JSON object"));
        return std::nullopt;
    }
    return std::move(*parsed);
}

bool accept_query(Exchange& ex, std::initializer_list<std::string_view> allowed) {
    return known_parameters_only(ex,
                                 std::span<const std::string_view>(allowed.begin(), allowed.end()));
}

std::optional<PageParams> read_page_params(Exchange& ex, CursorKind cursor,
                                           std::initializer_list<std::string_view> also_allowed) {
    std::vector<std::string_view> allowed{"limit", "cursor"};
    allowed.insert(allowed.end(), also_allowed.begin(), also_allowed.end());
    if (!known_parameters_only(ex, allowed)) return std::nullopt;
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
        if (!is_cursor(it->second, cursor)) {
            // A cursor of the wrong shape would list nothing, which reads as "no more rows".
            ex.reply_problem(bad_request("cursor is not one this list gave",
                                         {{"/query/cursor",
                                           "is not a cursor this list gave: send "
                                           "the next_cursor of the page before"}}));
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

bool read_if_match(Exchange& ex, std::string_view record, std::optional<std::int64_t>& version) {
    const std::string header(ex.request()[beast_http::field::if_match]);
    bool bad = false;
    version = parse_if_match(header, bad);
    if (!bad) return true;
    std::string_view v = header;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    const bool bare_number =
        !v.empty() && v.size() <= 18 &&
        std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    // An ETag is a quoted string (RFC 9110 §8.8.3); the bare version is the usual slip.
    const std::string hint = bare_number ? "quote the version: \"" + std::string(v) + "\""
                                         : "must be an ETag such as \"3\"";
    ex.reply_problem(bad_request("If-Match must be the " + std::string(record) +
                                     "'s ETag, as the ETag header gave it; " + hint,
                                 {{"/headers/if-match", hint}}));
    return false;
}

bool if_none_match_covers(std::string_view if_none_match, std::string_view etag) {
    while (!if_none_match.empty()) {
        const auto comma = if_none_match.find(',');
        std::string_view item = if_none_match.substr(0, comma);
        if_none_match =
            comma == std::string_view::npos ? std::string_view{} : if_none_match.substr(comma + 1);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.starts_with("W/")) item.remove_prefix(2);
        if (item == "*" || item == etag) return true;
    }
    return false;
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

bool admit_client_address(Exchange& ex, service::AddressRateLimiter& limiter) {
    const auto decision = limiter.take(ex.client_address(), service::RateLimiter::Clock::now());
    if (decision.allowed) return true;
    ex.reply_problem(too_many_requests_from_address(decision.retry_after_seconds));
    return false;
}

}  // namespace clue_router::http
