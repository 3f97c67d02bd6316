// GET /v1/openapi.json: the contract, served from the binary, without a key, cacheable. (That
// every reply agrees with it is checked for every test, when its TestServer ends.)
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("the OpenAPI document is served as it is in docs/, without a key, with an ETag",
          "[integration]") {
    TestServer server;
    HttpClient c(server.port());

    Response r = c.get("/v1/openapi.json");
    REQUIRE_STATUS(r, 200);
    CHECK(r.header("Content-Type") == "application/json");
    // The same bytes as the repository's file: the build embeds it, nothing is read at run time.
    CHECK(r.body == read_file(source_dir() + "/docs/openapi.json"));
    CHECK(r.json()["openapi"] == "3.1.0");
    CHECK(r.json()["paths"].contains("/v1/openapi.json"));
    CHECK(r.header("Cache-Control") == "public, max-age=300");
    const std::string etag = r.header("ETag");
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');

    // A cached copy that is still current: 304, no body, the same ETag.
    Response same = c.get("/v1/openapi.json", {{"If-None-Match", etag}});
    REQUIRE_STATUS(same, 304);
    CHECK(same.body.empty());
    CHECK(same.header("ETag") == etag);
    REQUIRE_STATUS(c.get("/v1/openapi.json", {{"If-None-Match", "W/" + etag}}), 304);
    REQUIRE_STATUS(c.get("/v1/openapi.json", {{"If-None-Match", "\"stale\""}}), 200);

    // Other replies still must not be kept by a cache.
    CHECK(c.get("/healthz").header("Cache-Control") == "no-store");

    // The strict query check holds here too.
    Response query = c.get("/v1/openapi.json?format=yaml");
    REQUIRE_STATUS(query, 400);
    CHECK(query.json()["errors"][0]["pointer"] == "/query/format");
    REQUIRE_STATUS(c.post("/v1/openapi.json", "{}"), 405);
}
