#include "clue_router/http/session_cookie.hpp"

#include "clue_router/service/crypto.hpp"

namespace clue_router::http {

std::string session_cookie_name(bool secure) {
    return secure ? "__Host-clue_session" : "clue_session";
}

std::string session_cookie(std::string_view token, bool secure, std::chrono::seconds max_age) {
    std::string c = session_cookie_name(secure) + "=" + std::string(token) +
                    "; Path=/; Max-Age=" + std::to_string(max_age.count()) +
                    "; HttpOnly; SameSite=Strict";
    if (secure) c += "; Secure";
    return c;
}

std::string cleared_session_cookie(bool secure) {
    return session_cookie("", secure, std::chrono::seconds(0));
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto end = header.find(';');
        std::string_view pair = header.substr(0, end);
        header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t'))
            pair.remove_prefix(1);
        while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) pair.remove_suffix(1);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) continue;
        if (pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
    return std::nullopt;
}

bool is_unsafe_method(beast_http::verb method) {
    return method != beast_http::verb::get && method != beast_http::verb::head &&
           method != beast_http::verb::options;
}

bool same_origin(std::string_view origin, std::string_view host, bool secure,
                 std::string_view public_origin) {
    if (origin.empty() || origin == "null") return false;
    if (!public_origin.empty()) return origin == public_origin;
    if (host.empty()) return false;
    const std::string own = std::string(secure ? "https://" : "http://") + std::string(host);
    return origin == own;
}

bool csrf_token_matches(std::string_view header, std::string_view expected) {
    return !header.empty() && !expected.empty() && service::constant_time_equal(header, expected);
}

}  // namespace clue_router::http
