#pragma once
// Small pieces every handler needs: reading a JSON body safely, query parameters, ETags.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "clue_router/http/exchange.hpp"
#include "clue_router/http/query.hpp"
#include "clue_router/service/address_rate_limiter.hpp"
#include "clue_router/service/clue_service.hpp"
#include "clue_router/service/service_error.hpp"

namespace clue_router::http {

// Nesting deeper than this is refused before parsing: nlohmann's parser recurses, and a
// body of a million '[' must not exhaust the stack.
constexpr int kMaxJsonDepth = 64;

// The body as a JSON object, or nullopt after replying 415 (not application/json) or 400
// (not JSON, too deeply nested, not an object).
std::optional<nlohmann::json> read_json_object(Exchange& ex);

// True when the request's query has only parameters among `allowed`; otherwise replies 400
// naming each unknown one (`/query/<name>`) and what the route takes, and returns false.
bool accept_query(Exchange& ex, std::initializer_list<std::string_view> allowed);

// limit (1..200, default 50) and cursor (of the list's kind) query parameters, and no others
// but `also_allowed` (the list's own filters); nullopt after replying 400.
struct PageParams {
    int limit = 50;
    std::optional<std::string> cursor;
};
std::optional<PageParams> read_page_params(
    Exchange& ex, CursorKind cursor = CursorKind::uuid,
    std::initializer_list<std::string_view> also_allowed = {});

// "\"3\"" → 3. nullopt when absent; an unparseable header is reported through `bad`.
std::optional<std::int64_t> parse_if_match(const std::string& header, bool& bad);
std::string etag_of(std::int64_t version);
// Whether an If-None-Match header names `etag` (or is "*"): RFC 9110 §13.1.2, weak
// comparison, for the GET replies a cache may keep (the OpenAPI document, the console).
bool if_none_match_covers(std::string_view if_none_match, std::string_view etag);

// The If-Match header's version (nullopt when absent) into `version`; false after replying 400
// to a header that is not an ETag, with what to send: a bare number gets "quote the version".
// `record` names what the ETag is of ("ticket", "agency").
bool read_if_match(Exchange& ex, std::string_view record, std::optional<std::int64_t>& version);

// {"items": […], "next_cursor": "…"} (no next_cursor on the last page).
void reply_page(Exchange& ex, service::Page page);

// Replies with the problem for a service error.
void reply_error(Exchange& ex, const service::ServiceError& e);

// Takes a token from the bucket of the request's client address; false after replying 429
// (Retry-After). For routes that must bound what a client without a key can make the
// server do: the API applies one shared budget to every public route and failed
// authentication; a route with a budget of its own (failed sign-ins) calls this with its
// own limiter.
bool admit_client_address(Exchange& ex, service::AddressRateLimiter& limiter);

}  // namespace clue_router::http
