// The staff console's files, served by the binary from console_dir (docs/console.md): the
// policy headers, caching, the single-page fallback, and a clear refusal to start without a
// build. The console itself is tested in Chromium (tests/browser).
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;
namespace fs = std::filesystem;

namespace {

const std::string kIndex = "<!doctype html><html lang=\"zh-CN\"><title>线索转办</title></html>";
const std::string kScript = "export const ready = true;";

void put(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// A console build as Vite lays it out: index.html and content-hashed assets/.
std::string write_build(const TestServer& server) {
    const fs::path dir = fs::path(server.dir()) / "console";
    put(dir / "index.html", kIndex);
    put(dir / "assets" / "index-5e1c0d.js", kScript);
    put(dir / "favicon.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    return dir.string();
}

}  // namespace

TEST_CASE("the console is served at /console/ with a strict policy and hashed assets cached",
          "[integration]") {
    TestServer server({}, false);
    server.set_env("CLUE_ROUTER_CONSOLE_DIR", write_build(server));
    server.start();
    HttpClient c(server.port());

    Response moved = c.get("/console");
    REQUIRE_STATUS(moved, 301);
    CHECK(moved.header("Location") == "/console/");

    Response page = c.get("/console/");
    REQUIRE_STATUS(page, 200);
    CHECK(page.body == kIndex);
    CHECK(page.header("Content-Type") == "text/html; charset=utf-8");
    const std::string csp = page.header("Content-Security-Policy");
    CHECK_THAT(csp, Catch::Contains("script-src 'self';"));
    CHECK_THAT(csp, Catch::Contains("frame-ancestors 'none'"));
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(page.header("X-Content-Type-Options") == "nosniff");
    CHECK(page.header("Referrer-Policy") == "no-referrer");
    // index.html names the current build's scripts: asked again at every load.
    CHECK(page.header("Cache-Control") == "no-cache");
    const std::string etag = page.header("ETag");
    REQUIRE(etag.size() > 2);
    Response same = c.get("/console/", {{"If-None-Match", etag}});
    REQUIRE_STATUS(same, 304);
    CHECK(same.body.empty());

    Response script = c.get("/console/assets/index-5e1c0d.js");
    REQUIRE_STATUS(script, 200);
    CHECK(script.body == kScript);
    CHECK(script.header("Content-Type") == "text/javascript; charset=utf-8");
    CHECK(script.header("Cache-Control") == "public, max-age=31536000, immutable");
    CHECK(c.get("/console/favicon.svg").header("Content-Type") == "image/svg+xml");

    // Every page of the app is index.html, whose script reads the address: a bookmark to a
    // ticket works, and the query is hers to read.
    Response ticket_page =
        c.get("/console/tickets/tkt_0190a3b2-0000-7000-8000-000000000001?tab=notes");
    REQUIRE_STATUS(ticket_page, 200);
    CHECK(ticket_page.body == kIndex);

    // A file the build lacks is a problem, not the page (a stale script must fail loudly).
    Response missing = c.get("/console/assets/index-old.js");
    REQUIRE_STATUS(missing, 404);
    CHECK(missing.json()["type"] == "urn:clue-router:problem:not-found");
    REQUIRE_STATUS(c.get("/console/../config/clue-router.json"), 404);

    Response post = c.post("/console/", "{}", {{"Content-Type", "application/json"}});
    REQUIRE_STATUS(post, 405);
    CHECK(post.header("Allow") == "GET");

    // The API is untouched: its replies still may not be cached.
    CHECK(c.get("/healthz").header("Cache-Control") == "no-store");
}

TEST_CASE("without console_dir the console's paths say it is not installed", "[integration]") {
    TestServer server;
    HttpClient c(server.port());
    Response r = c.get("/console/");
    REQUIRE_STATUS(r, 404);
    CHECK_THAT(r.json()["detail"].get<std::string>(), Catch::Contains("console_dir"));
}

TEST_CASE("a console_dir without a build stops the start, saying what to do", "[integration]") {
    TestServer server({}, false);
    const fs::path empty = fs::path(server.dir()) / "empty-console";
    fs::create_directories(empty);
    server.set_env("CLUE_ROUTER_CONSOLE_DIR", empty.string());
    RunResult start = server.cli({"serve", "--config", server.config_path()});
    REQUIRE(start.status.has_value());
    INFO(start.status->describe() << "\n" << start.err);
    CHECK(start.status->exited);
    CHECK(start.status->code == 1);
    CHECK_THAT(start.err, Catch::Contains("cannot start: console_dir: " + empty.string() +
                                          " has no index.html"));

    RunResult check = server.cli({"check-config", "--config", server.config_path()});
    CHECK_FALSE(check.success());
    CHECK_THAT(check.err, Catch::Contains("has no index.html"));
}
