#include <catch2/catch.hpp>

#include "clue_router/http/router.hpp"

using namespace clue_router::http;
using beast_http::verb;

namespace {

Router sample_router() {
    Router r;
    auto nothing = [](const std::shared_ptr<Exchange>&) {};
    r.add(verb::post, "/v1/clues", {}, nothing);
    r.add(verb::get, "/v1/clues/{id}", {}, nothing);
    r.add(verb::get, "/v1/tickets/{id}", {}, nothing);
    r.add(verb::get, "/v1/tickets/{id}/history", {}, nothing);
    r.add(verb::post, "/v1/tickets/{id}/transitions", {}, nothing);
    r.add(verb::get, "/healthz", {.public_route = true}, nothing);
    return r;
}

}  // namespace

TEST_CASE("the router finds routes and their parameters", "[http][router]") {
    const Router r = sample_router();
    auto m = r.match(verb::get, "/v1/tickets/abc-123/history");
    auto* found = std::get_if<Router::Found>(&m);
    REQUIRE(found);
    CHECK(*found->pattern == "/v1/tickets/{id}/history");
    CHECK(found->params.at("id") == "abc-123");
    CHECK_FALSE(found->options->public_route);

    auto h = r.match(verb::get, "/healthz");
    REQUIRE(std::get_if<Router::Found>(&h));
    CHECK(std::get<Router::Found>(h).options->public_route);
}

TEST_CASE("the router tells an unknown path from a wrong method", "[http][router]") {
    const Router r = sample_router();
    CHECK(std::holds_alternative<Router::NoSuchPath>(r.match(verb::get, "/v1/nothing")));
    CHECK(std::holds_alternative<Router::NoSuchPath>(r.match(verb::get, "/v1/tickets/x/y")));
    // An empty parameter is not a match.
    CHECK(std::holds_alternative<Router::NoSuchPath>(r.match(verb::get, "/v1/tickets//history")));
    CHECK(std::holds_alternative<Router::NoSuchPath>(r.match(verb::get, "")));

    auto m = r.match(verb::delete_, "/v1/clues");
    auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&m);
    REQUIRE(not_allowed);
    CHECK(not_allowed->allow == "POST");

    auto t = r.match(verb::put, "/v1/tickets/abc");
    REQUIRE(std::get_if<Router::MethodNotAllowed>(&t));
    CHECK(std::get<Router::MethodNotAllowed>(t).allow == "GET");
}

TEST_CASE("hardening 9: a segment holding a slash matches no route", "[http][router][hardening]") {
    Router r;
    auto nothing = [](const std::shared_ptr<Exchange>&) {};
    r.add(verb::get, "/v1/audit/verify", {}, nothing);
    r.add(verb::get, "/v1/tickets/{id}", {}, nothing);
    CHECK(std::holds_alternative<Router::NoSuchPath>(
        r.match(verb::get, std::vector<std::string>{"v1/audit/verify"})));
    CHECK(std::holds_alternative<Router::NoSuchPath>(
        r.match(verb::get, std::vector<std::string>{"v1", "audit/verify"})));
    // As a parameter it is only a strange id, looked up and not found.
    auto m = r.match(verb::get, std::vector<std::string>{"v1", "tickets", "a/b"});
    REQUIRE(std::get_if<Router::Found>(&m));
    CHECK(std::get<Router::Found>(m).params.at("id") == "a/b");
}
