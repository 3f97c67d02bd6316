// Which file a /console/… path names, and how each is labelled (http/console_assets).
#include <catch2/catch.hpp>

#include <stdexcept>

#include "clue_router/http/console_assets.hpp"

using namespace clue_router::http;

namespace {

ConsoleAssets sample_build() {
    return ConsoleAssets({{"index.html", "<!doctype html><title>控制台</title>"},
                          {"assets/index-3f2a9c.js", "console.log(1)"},
                          {"assets/index-77aa01.css", "body{}"},
                          {"favicon.svg", "<svg/>"}});
}

}  // namespace

TEST_CASE("console paths: the build's files by exact name, pages for the rest", "[console]") {
    const auto build = sample_build();
    CHECK(std::holds_alternative<console_path::AddSlash>(build.resolve("/console")));
    CHECK(std::holds_alternative<console_path::NotConsole>(build.resolve("/consoles")));
    CHECK(std::holds_alternative<console_path::NotConsole>(build.resolve("/v1/tickets")));
    CHECK(std::holds_alternative<console_path::Page>(build.resolve("/console/")));
    CHECK(std::holds_alternative<console_path::Page>(
        build.resolve("/console/tickets/tkt_0190a3b2-0000-7000-8000-000000000001")));
    CHECK(std::holds_alternative<console_path::Page>(build.resolve("/console/inbox")));

    const auto js = build.resolve("/console/assets/index-3f2a9c.js");
    REQUIRE(std::holds_alternative<console_path::File>(js));
    CHECK(std::get<console_path::File>(js).relative == "assets/index-3f2a9c.js");

    // A file name the build lacks is a 404, not the page: a stale script name must fail
    // loudly instead of running index.html as JavaScript.
    CHECK(std::holds_alternative<console_path::Missing>(build.resolve("/console/assets/old.js")));
    // Nothing outside the build can be named, encoded or not.
    CHECK(std::holds_alternative<console_path::Missing>(
        build.resolve("/console/../../etc/passwd.txt")));
    CHECK(std::holds_alternative<console_path::Missing>(build.resolve("/console/..%2f..%2fetc")));
}

TEST_CASE("console files: types, strong ETags, and a year's caching only for hashed names",
          "[console]") {
    const auto build = sample_build();
    const auto* js = build.find("assets/index-3f2a9c.js");
    REQUIRE(js != nullptr);
    CHECK(js->content_type == "text/javascript; charset=utf-8");
    CHECK(js->immutable);
    CHECK(js->etag.size() == 18);
    CHECK(js->etag.front() == '"');
    CHECK(build.index().content_type == "text/html; charset=utf-8");
    CHECK_FALSE(build.index().immutable);
    CHECK_FALSE(build.find("favicon.svg")->immutable);
    CHECK(build.find("assets/index-77aa01.css")->content_type == "text/css; charset=utf-8");
    CHECK(build.index().etag != js->etag);
    CHECK(build.size() == 4);

    CHECK(console_content_type("favicon.svg") == "image/svg+xml");
    CHECK(console_content_type("a/b/font.woff2") == "font/woff2");
    CHECK(console_content_type("LICENSE") == "application/octet-stream");
    CHECK(console_content_type(".hidden") == "application/octet-stream");
}

TEST_CASE("a console build without index.html is refused", "[console]") {
    CHECK_THROWS_AS(ConsoleAssets({{"assets/a.js", ""}}), std::invalid_argument);
}

TEST_CASE("the console's policy allows no inline script, no other origin, no framing",
          "[console]") {
    const std::string csp(console_content_security_policy());
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);
    CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
    CHECK(csp.find("connect-src 'self'") != std::string::npos);
}
