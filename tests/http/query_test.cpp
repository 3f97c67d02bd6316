#include <catch2/catch.hpp>

#include "clue_router/http/query.hpp"

using clue_router::http::parse_target;

TEST_CASE("request targets split into a decoded path and query", "[http][query]") {
    auto t = parse_target("/v1/tickets?box=outbox&status=in_progress&cursor=a%2Db&x=1+2&flag");
    REQUIRE(t);
    CHECK(t->path == "/v1/tickets");
    CHECK(t->query.at("box") == "outbox");
    CHECK(t->query.at("status") == "in_progress");
    CHECK(t->query.at("cursor") == "a-b");
    CHECK(t->query.at("x") == "1 2");
    CHECK(t->query.at("flag").empty());

    auto plain = parse_target("/healthz");
    REQUIRE(plain);
    CHECK(plain->path == "/healthz");
    CHECK(plain->query.empty());
}

TEST_CASE("broken request targets are refused", "[http][query]") {
    CHECK_FALSE(parse_target(""));
    CHECK_FALSE(parse_target("http://example/v1"));  // absolute-form is for proxies
    CHECK_FALSE(parse_target("/v1/%zz"));
    CHECK_FALSE(parse_target("/v1/x?a=%4"));
    CHECK_FALSE(parse_target("/v1/x?a=%"));
}
