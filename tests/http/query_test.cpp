#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

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

TEST_CASE("unknown query parameters and cursors of the wrong shape are told apart",
          "[http][query]") {
    using clue_router::http::CursorKind;
    using clue_router::http::is_cursor;
    const auto t = parse_target("/v1/tickets?box=inbox&stauts=x&limit=2");
    REQUIRE(t);
    constexpr std::string_view allowed[] = {"box", "status", "limit", "cursor"};
    CHECK(clue_router::http::unknown_parameters(*t, allowed) == std::vector<std::string>{"stauts"});

    CHECK(is_cursor("0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6e", CursorKind::uuid));
    CHECK_FALSE(is_cursor("0195A1C2-7D4F-7C33-8D2E-1F0A9B8C7D6E", CursorKind::uuid));
    CHECK_FALSE(is_cursor("zzz", CursorKind::uuid));
    CHECK_FALSE(is_cursor("0195a1c2-7d4f-7c33-8d2e-1f0a9b8c7d6", CursorKind::uuid));
    CHECK(is_cursor("fed-510000", CursorKind::agency_id));
    CHECK_FALSE(is_cursor("Fed 510000", CursorKind::agency_id));
    CHECK(is_cursor("42", CursorKind::sequence));
    CHECK(is_cursor("9223372036854775807", CursorKind::sequence));
    CHECK_FALSE(is_cursor("9223372036854775808", CursorKind::sequence));
    CHECK_FALSE(is_cursor("-1", CursorKind::sequence));
    CHECK_FALSE(is_cursor("", CursorKind::sequence));
}

TEST_CASE("hardening 9: an encoded slash stays inside its segment", "[http][query][hardening]") {
    auto t = parse_target("/v1%2Faudit%2Fverify");
    REQUIRE(t);
    CHECK(t->segments == std::vector<std::string>{"v1/audit/verify"});
    t = parse_target("/v1/tickets/a%2Fb/history");
    REQUIRE(t);
    CHECK(t->segments == std::vector<std::string>{"v1", "tickets", "a/b", "history"});
    t = parse_target("/v1/clues/%E4%B8%AD");
    REQUIRE(t);
    CHECK(t->segments.back() == "\xe4\xb8\xad");
    t = parse_target("/");
    REQUIRE(t);
    CHECK(t->segments == std::vector<std::string>{""});
}
