// Request framing the server refuses (issue 14, item 4): Transfer-Encoding other than exactly
// "chunked", and a missing or repeated Host.
#include <catch2/catch.hpp>

#include "clue_router/http/framing.hpp"

using namespace clue_router::http;

namespace {

// The header of a raw request, parsed the way the session parses it.
beast_http::request_header<> header_of(const std::string& raw) {
    beast_http::request_parser<beast_http::empty_body> parser;
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(raw), ec);
    INFO(raw << ": " << ec.message());
    REQUIRE(parser.is_header_done());
    return parser.get().base();
}

std::optional<std::string> problem_of(const std::string& fields, const char* version = "1.1") {
    return framing_problem(
        header_of(std::string("POST /v1/clues HTTP/") + version + "\r\n" + fields + "\r\n"));
}

}  // namespace

TEST_CASE("hardening 4: only exactly one Transfer-Encoding: chunked frames a body",
          "[http][framing][hardening]") {
    CHECK_FALSE(problem_of("Host: x\r\nTransfer-Encoding: chunked\r\n"));
    CHECK_FALSE(problem_of("Host: x\r\nTransfer-Encoding: Chunked \r\n"));
    CHECK_FALSE(problem_of("Host: x\r\nContent-Length: 5\r\n"));
    for (const char* te : {"gzip", "xchunked", "chunked, identity", "identity", "gzip, chunked",
                           "chunked,chunked", "chunkedx", ""}) {
        INFO(te);
        CHECK(problem_of(std::string("Host: x\r\nTransfer-Encoding: ") + te + "\r\n"));
    }
    // Two fields, even if each says chunked.
    CHECK(problem_of("Host: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"));
    // HTTP/1.0 has no transfer codings at all.
    CHECK(problem_of("Transfer-Encoding: chunked\r\n", "1.0"));
}

TEST_CASE("hardening 4: HTTP/1.1 needs exactly one Host", "[http][framing][hardening]") {
    CHECK_FALSE(problem_of("Host: clue-router.example.cn\r\n"));
    CHECK_FALSE(problem_of("Host: 127.0.0.1:8080\r\n"));
    CHECK_FALSE(problem_of("Host: [::1]:8080\r\n"));
    CHECK_FALSE(problem_of("Host:\r\n"));  // empty is allowed (no authority)
    CHECK(problem_of("Content-Length: 0\r\n"));
    CHECK(problem_of("Host: a\r\nHost: b\r\n"));
    CHECK(problem_of("Host: a\r\nHost: a\r\n"));
    CHECK(problem_of("Host: a b\r\n"));
    CHECK(problem_of("Host: a/b\r\n"));
    CHECK(problem_of("Host: a:80x\r\n"));
    CHECK(problem_of("Host: [::1\r\n"));
    // HTTP/1.0 may leave it out, but not repeat it.
    CHECK_FALSE(problem_of("Content-Length: 0\r\n", "1.0"));
    CHECK(problem_of("Host: a\r\nHost: b\r\n", "1.0"));
}
