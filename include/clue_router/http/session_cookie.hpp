#pragma once
// The session cookie and the checks that guard cookie-authenticated requests (issue 15).
// Pure functions over header values, so they are tested without a server.
//
// The cookie is HttpOnly and SameSite=Strict; when the service is reached over TLS it is also
// Secure and named with the __Host- prefix (which browsers accept only when Secure, Path=/ and
// without Domain, so no sibling host can set or shadow it). An unsafe method authenticated by
// the cookie needs the session's CSRF token in X-CSRF-Token and a same-origin Origin.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "clue_router/http/types.hpp"

namespace clue_router::http {

std::string session_cookie_name(bool secure);
// Set-Cookie values: the session for max_age, or its removal.
std::string session_cookie(std::string_view token, bool secure, std::chrono::seconds max_age);
std::string cleared_session_cookie(bool secure);
// The value of the cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

// GET, HEAD, OPTIONS change nothing; everything else needs the CSRF checks.
bool is_unsafe_method(beast_http::verb method);
// Whether `origin` is the service's own: public_origin when configured (exact match), else the
// request's Host with the scheme the service is reached by. An absent Origin is not.
bool same_origin(std::string_view origin, std::string_view host, bool secure,
                 std::string_view public_origin);
// Constant-time comparison of the X-CSRF-Token header with the session's token.
bool csrf_token_matches(std::string_view header, std::string_view expected);

}  // namespace clue_router::http
