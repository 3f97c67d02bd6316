#include "clue_router/http/session_cookie.hpp"

#include <catch2/catch.hpp>

using namespace clue_router::http;
using namespace std::chrono_literals;

TEST_CASE("the session cookie is HttpOnly and SameSite=Strict, Secure and __Host- over TLS",
          "[http][session]") {
    const auto plain = session_cookie("crs_abc", false, 43200s);
    CHECK(plain == "clue_session=crs_abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict");
    const auto tls = session_cookie("crs_abc", true, 43200s);
    CHECK(tls ==
          "__Host-clue_session=crs_abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure");
    CHECK(tls.find("Domain") == std::string::npos);
    CHECK(cleared_session_cookie(true).find("Max-Age=0") != std::string::npos);
}

TEST_CASE("a cookie is found by its exact name", "[http][session]") {
    CHECK(cookie_value("a=1; clue_session=crs_x; b=2", "clue_session") == "crs_x");
    CHECK(cookie_value("xclue_session=1", "clue_session") == std::nullopt);
    CHECK(cookie_value("", "clue_session") == std::nullopt);
    CHECK(cookie_value("clue_session=", "clue_session") == "");
}

TEST_CASE("the same-origin check", "[http][session][csrf]") {
    CHECK(same_origin("http://localhost:8080", "localhost:8080", false, ""));
    CHECK_FALSE(same_origin("https://localhost:8080", "localhost:8080", false, ""));
    CHECK(same_origin("https://r.example.org", "r.example.org", true, ""));
    CHECK_FALSE(same_origin("https://evil.example", "r.example.org", true, ""));
    CHECK_FALSE(same_origin("", "localhost:8080", false, ""));
    CHECK_FALSE(same_origin("null", "localhost:8080", false, ""));
    // Behind a proxy, the configured origin decides, whatever Host the proxy sends.
    CHECK(same_origin("https://r.example.org", "127.0.0.1:8080", false, "https://r.example.org"));
    CHECK_FALSE(
        same_origin("http://127.0.0.1:8080", "127.0.0.1:8080", false, "https://r.example.org"));
}

TEST_CASE("the CSRF token check", "[http][session][csrf]") {
    CHECK(csrf_token_matches("abc", "abc"));
    CHECK_FALSE(csrf_token_matches("abd", "abc"));
    CHECK_FALSE(csrf_token_matches("", "abc"));
    CHECK_FALSE(csrf_token_matches("", ""));
    CHECK(is_unsafe_method(beast_http::verb::post));
    CHECK(is_unsafe_method(beast_http::verb::delete_));
    CHECK_FALSE(is_unsafe_method(beast_http::verb::get));
}
