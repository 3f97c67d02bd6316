// Operations: health and readiness, keep-alive, request ids, graceful shutdown.
#include <csignal>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("healthz and readyz answer without a key, and connections are kept alive",
          "[integration]") {
    TestServer server;
    HttpClient c(server.port());

    Response health = c.get("/healthz");
    REQUIRE_STATUS(health, 200);
    CHECK(health.header("Content-Type").rfind("application/json", 0) == 0);
    CHECK(health.json() == json{{"status", "ok"}});

    Response ready = c.get("/readyz");
    REQUIRE_STATUS(ready, 200);
    CHECK(ready.json()["status"] == "ready");
    CHECK(ready.json()["schema_version"].get<int>() >= 2);

    // Many requests on one connection, each with its own request id.
    std::set<std::string> ids;
    for (int i = 0; i < 20; ++i) {
        Response r = c.get(i % 2 == 0 ? "/healthz" : "/readyz");
        CHECK(r.status == 200);
        CHECK(r.keep_alive);
        ids.insert(r.header("X-Request-Id"));
    }
    CHECK(c.connections_opened() == 1);
    CHECK(ids.size() == 20);
    CHECK(ids.count("") == 0);

    // A problem reply does not end the connection either.
    Response nothing = c.get("/v1/nothing");
    CHECK_PROBLEM(nothing, nothing.status == 401 ? 401 : 404,
                  nothing.status == 401 ? "unauthenticated" : "not-found");
    CHECK(c.get("/healthz").status == 200);
    CHECK(c.connections_opened() == 1);
}

TEST_CASE("SIGTERM ends the server with exit code 0, also with an idle connection open",
          "[integration]") {
    TestServer server;
    HttpClient idle(server.port());
    REQUIRE(idle.get("/healthz").status == 200);  // the connection stays open, idle
    auto status = server.terminate(SIGTERM);
    REQUIRE(status.has_value());
    INFO("exit: " << status->describe());
    CHECK(status->success());
    CHECK(server.log().size() > 0);
}
