// Request parsing against the real binary (issue 14): request smuggling through
// Transfer-Encoding and Host (item 4), and encoded slashes in paths (item 9). The requests
// are raw bytes on a socket, as an attacker would send them.
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("hardening 4: a Transfer-Encoding that is not exactly chunked is 400 and hangs up",
          "[integration][hardening]") {
    TestServer server;
    // The body would be a second request if the coding were ignored (request smuggling).
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    for (const std::string te : {"gzip", "xchunked", "chunked, identity", "identity"}) {
        const std::string request =
            "POST /v1/clues HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: " +
            te + "\r\n\r\n" + smuggled;
        const std::string reply = raw_exchange(server.port(), request);
        INFO("Transfer-Encoding: " << te << "\n" << reply);
        CHECK(raw_status(reply) == 400);
        // One reply: the body was never read as a request.
        CHECK(occurrences(reply, "X-Request-Id:") == 1);
        CHECK(reply.find("Connection: close") != std::string::npos);
        CHECK(reply.find("urn:clue-router:problem:bad-request") != std::string::npos);
    }
    // Two Transfer-Encoding fields, and one on HTTP/1.0.
    for (const std::string& request :
         {std::string("POST /v1/clues HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n") +
              smuggled,
          std::string("POST /v1/clues HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") +
              smuggled}) {
        const std::string reply = raw_exchange(server.port(), request);
        INFO(request << "\n" << reply);
        CHECK(raw_status(reply) == 400);
        CHECK(occurrences(reply, "X-Request-Id:") == 1);
    }
    // Exactly chunked is a body like any other (401 here: no key).
    const std::string chunked =
        raw_exchange(server.port(),
                     "POST /v1/clues HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                     "Connection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
    CHECK(raw_status(chunked) == 401);
    CHECK(server.client().get("/healthz").status == 200);
}

TEST_CASE("hardening 4: an HTTP/1.1 request needs exactly one Host", "[integration][hardening]") {
    TestServer server;
    for (const std::string& request :
         {std::string("GET /healthz HTTP/1.1\r\n\r\n"),
          std::string("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
          std::string("GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n")}) {
        const std::string reply = raw_exchange(server.port(), request);
        INFO(request << "\n" << reply);
        CHECK(raw_status(reply) == 400);
        CHECK(reply.find("Connection: close") != std::string::npos);
    }
    // HTTP/1.0 may leave it out.
    CHECK(raw_status(raw_exchange(server.port(), "GET /healthz HTTP/1.0\r\n\r\n")) == 200);
}

TEST_CASE("hardening 9: an encoded slash does not separate path segments",
          "[integration][hardening]") {
    TestServer server;
    HttpClient& c = server.client();
    const std::string& admin = server.key_for("proc-510000", "admin");
    CHECK_STATUS(get(c, admin, "/v1/audit/verify"), 200);
    CHECK_PROBLEM(get(c, admin, "/v1%2Faudit%2Fverify"), 404, "not-found");
    CHECK_PROBLEM(get(c, admin, "/v1/audit%2Fverify"), 404, "not-found");
    CHECK_PROBLEM(get(c, admin, "/v1/audit%2fverify"), 404, "not-found");
}
