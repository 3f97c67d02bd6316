#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "clue_router/http/exchange.hpp"
#include "clue_router/http/handler_support.hpp"
#include "clue_router/http/problem.hpp"

using namespace clue_router;
using namespace clue_router::http;

namespace {

// Runs read_json_object on a request and returns the reply it made, if any.
struct Outcome {
    std::optional<nlohmann::json> body;
    std::optional<Response> reply;
};

Outcome read_body(const std::string& content_type, const std::string& body) {
    Request req{beast_http::verb::post, "/v1/clues", 11};
    if (!content_type.empty()) req.set(beast_http::field::content_type, content_type);
    req.body() = body;
    Outcome out;
    {
        Exchange ex(std::move(req), "test", [&](Response&& r) { out.reply = std::move(r); });
        out.body = read_json_object(ex);
        if (out.body) ex.reply_json(beast_http::status::ok, {});  // so the destructor is quiet
    }
    if (out.body) out.reply.reset();
    return out;
}

}  // namespace

TEST_CASE("JSON bodies are read only as application/json objects", "[http][body]") {
    CHECK(read_body("application/json", R"({"a":1})").body);
    CHECK(read_body("Application/JSON; charset=utf-8", R"({"a":1})").body);

    auto wrong_type = read_body("text/plain", R"({"a":1})");
    REQUIRE(wrong_type.reply);
    CHECK(wrong_type.reply->result_int() == 415);

    auto missing_type = read_body("", R"({"a":1})");
    REQUIRE(missing_type.reply);
    CHECK(missing_type.reply->result_int() == 415);

    auto broken = read_body("application/json", R"({"a":)");
    REQUIRE(broken.reply);
    CHECK(broken.reply->result_int() == 400);
    CHECK(nlohmann::json::parse(broken.reply->body())["type"] ==
          "urn:clue-router:problem:malformed-json");

    auto array = read_body("application/json", "[1,2]");
    REQUIRE(array.reply);
    CHECK(array.reply->result_int() == 400);

    auto bad_utf8 = read_body("application/json", "{\"a\":\"\xff\"}");
    REQUIRE(bad_utf8.reply);
    CHECK(bad_utf8.reply->result_int() == 400);
}

TEST_CASE("deep nesting is refused before the recursive parser sees it", "[http][body]") {
    std::string deep(100000, '[');
    auto out = read_body("application/json", "{\"a\":" + deep);
    REQUIRE(out.reply);
    CHECK(out.reply->result_int() == 400);
    // Brackets inside strings do not count.
    CHECK(read_body("application/json", "{\"a\":\"" + deep + "\"}").body);
    // 64 levels are fine.
    std::string ok = "{\"a\":" + std::string(63, '[') + std::string(63, ']') + "}";
    CHECK(read_body("application/json", ok).body);
}

TEST_CASE("If-Match takes one strong ETag", "[http][etag]") {
    bool bad = false;
    CHECK(parse_if_match("\"3\"", bad) == 3);
    CHECK_FALSE(bad);
    CHECK(parse_if_match(" \"12\" ", bad) == 12);
    CHECK_FALSE(parse_if_match("", bad));
    CHECK_FALSE(bad);
    for (const char* broken : {"3", "W/\"3\"", "\"x\"", "\"0\"", "*", "\"3\", \"4\"", "\"\""}) {
        CHECK_FALSE(parse_if_match(broken, bad));
        CHECK(bad);
    }
    CHECK(etag_of(7) == "\"7\"");
}

TEST_CASE("every service error maps to one RFC 9457 problem", "[http][problem]") {
    using service::ErrorKind;
    const std::vector<std::pair<ErrorKind, int>> expected = {
        {ErrorKind::validation, 422},
        {ErrorKind::bad_request, 400},
        {ErrorKind::forbidden, 403},
        {ErrorKind::not_found, 404},
        {ErrorKind::transition_not_allowed, 409},
        {ErrorKind::request_in_progress, 409},
        {ErrorKind::precondition_failed, 412},
        {ErrorKind::precondition_required, 428},
        {ErrorKind::idempotency_key_reused, 422},
        {ErrorKind::unavailable, 503},
    };
    for (const auto& [kind, status] : expected) {
        const Problem p = to_problem(service::error(kind, "detail"));
        CHECK(p.status == status);
        CHECK_FALSE(p.type.empty());
        const Response res = make_problem_response(p, 11, "rid");
        CHECK(res[beast_http::field::content_type] == "application/problem+json");
        const auto body = nlohmann::json::parse(res.body());
        CHECK(body["status"] == status);
        CHECK(body["type"].get<std::string>().starts_with("urn:clue-router:problem:"));
        CHECK(body["instance"] == "urn:clue-router:request:rid");
        CHECK(body["detail"] == "detail");
    }
    auto validation = to_problem(service::error(
        ErrorKind::validation, "1 field", {{"/subject/id_number", "check character is wrong"}}));
    const auto body = nlohmann::json::parse(make_problem_response(validation, 11, "r").body());
    REQUIRE(body["errors"].size() == 1);
    CHECK(body["errors"][0]["pointer"] == "/subject/id_number");

    service::ServiceError stale = service::error(ErrorKind::precondition_failed, "stale");
    stale.current_version = 4;
    const Response res = make_problem_response(to_problem(stale), 11, "r");
    CHECK(res[beast_http::field::etag] == "\"4\"");
}

TEST_CASE("an exchange never leaves a client unanswered", "[http][exchange]") {
    std::optional<Response> reply;
    {
        Exchange ex(Request{beast_http::verb::get, "/x", 11}, "rid",
                    [&](Response&& r) { reply = std::move(r); });
    }
    REQUIRE(reply);
    CHECK(reply->result_int() == 500);
    CHECK(reply->at("X-Request-Id") == "rid");

    int replies = 0;
    {
        Exchange ex(Request{beast_http::verb::get, "/x", 11}, "rid",
                    [&](Response&&) { ++replies; });
        ex.reply_json(beast_http::status::ok, {{"a", 1}});
        ex.reply_json(beast_http::status::ok, {{"a", 2}});
    }
    CHECK(replies == 1);
}
