#include <catch2/catch.hpp>

#include "clue_router/domain/http_url.hpp"

using namespace clue_router::domain;

namespace {

HttpUrl parsed(std::string_view text) {
    std::string why;
    auto url = parse_http_url(text, why);
    INFO(text << ": " << why);
    REQUIRE(url.has_value());
    return *url;
}

std::string refusal(std::string_view text) {
    std::string why;
    auto url = parse_http_url(text, why);
    INFO(text);
    CHECK_FALSE(url.has_value());
    return why;
}

}  // namespace

TEST_CASE("webhook URLs: scheme, host, port and target", "[domain][http_url]") {
    auto u = parsed("https://hooks.example.cn/clue-router?agency=proc-511702");
    CHECK(u.scheme == "https");
    CHECK(u.tls());
    CHECK(u.host == "hooks.example.cn");
    CHECK(u.port == 443);
    CHECK(u.default_port());
    CHECK(u.target == "/clue-router?agency=proc-511702");

    u = parsed("http://127.0.0.1:8080");
    CHECK_FALSE(u.tls());
    CHECK(u.port == 8080);
    CHECK_FALSE(u.default_port());
    CHECK(u.target == "/");

    u = parsed("https://[::1]:8443/h");
    CHECK(u.host == "::1");
    CHECK(u.port == 8443);

    u = parsed("http://example.org?x=1");
    CHECK(u.port == 80);
    CHECK(u.default_port());
    CHECK(u.target == "/?x=1");
}

TEST_CASE("webhook URLs refused, with the reason", "[domain][http_url]") {
    CHECK(refusal("ftp://example.org/") == "must be an https:// or http:// URL");
    CHECK(refusal("https://user:pw@example.org/") == "must not carry a user name or password");
    CHECK(refusal("https://example.org/#top") == "must not have a fragment");
    CHECK(refusal("https://example.org:0/") == "has a port outside 1-65535");
    CHECK(refusal("https://example.org:65536/") == "has a port outside 1-65535");
    CHECK(refusal("https://example.org:/") == "has a port outside 1-65535");
    CHECK(refusal("https://[::1/") == "has an unclosed IPv6 address");
    CHECK(refusal("https:///path") == "must name a host");
    CHECK(refusal("https://exa mple.org/") == "must be ASCII without spaces or control characters");
    CHECK(refusal("https://example.org/" + std::string(2048, 'a')) ==
          "must be at most 2048 characters");
}
