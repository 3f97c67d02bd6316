// A full disk (issue 14, item 10), made real for the server alone with a file-size limit on
// its process: writes answer 503, readiness fails, and the log says so once when it starts
// and once when it ends.
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "integration/support/api.hpp"
#include "integration/support/test_server.hpp"

using namespace clue_router::it;

TEST_CASE("hardening 10: while the disk takes no writes, readiness fails, logged once each way",
          "[integration][hardening]") {
    TestServer server(Environment{{"CLUE_ROUTER_RATE_LIMIT_PER_MINUTE", "0"}});
    HttpClient& c = server.client();
    const std::string& intake = server.key_for(kHotline, "intake");
    REQUIRE_STATUS(submit(c, intake, make_clue("511702", "HARD-10-0")), 201);
    REQUIRE_STATUS(c.get("/readyz"), 200);

    // A real full disk for the server alone: a file-size limit on its process (prlimit, as
    // `ulimit -f` or systemd's LimitFSIZE= would set). Writes past it fail as they would on a
    // full file system; the server's log stays below it, so what it says can be read.
    const auto log_size = std::filesystem::file_size(server.log_path());
    const rlimit full{static_cast<rlim_t>(log_size + 512 * 1024), RLIM_INFINITY};
    REQUIRE(::prlimit(server.pid(), RLIMIT_FSIZE, &full, nullptr) == 0);
    int refused = 0;
    for (int i = 1; i < 2000 && refused == 0; ++i) {
        const Response r = submit(c, intake, make_clue("511702", "HARD-10-" + std::to_string(i)));
        if (r.status == 503) {
            ++refused;
        } else {
            REQUIRE_STATUS(r, 201);
        }
    }
    REQUIRE(refused == 1);
    REQUIRE(server.running());  // a file-size limit does not kill it (SIGXFSZ)
    Response ready = c.get("/readyz");
    CHECK(ready.status == 503);
    CHECK(ready.json().value("writes", "") == "failing");
    // More writes fail; still one line, however many requests.
    for (int i = 0; i < 20; ++i) {
        CHECK(submit(c, intake, make_clue("511702", "HARD-10-MORE-" + std::to_string(i))).status ==
              503);
    }
    for (int i = 0; i < 500 && occurrences(server.log(), "storage writes failing") == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    CHECK(c.get("/readyz").status == 503);
    CHECK(occurrences(server.log(), "storage writes failing") == 1);
    CHECK(occurrences(server.log(), "level=error") == 1);

    // Space again: the probe write succeeds with no traffic at all, and readiness returns.
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    REQUIRE(::prlimit(server.pid(), RLIMIT_FSIZE, &unlimited, nullptr) == 0);
    int status = 0;
    for (int i = 0; i < 1500 && status != 200; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        status = c.get("/readyz").status;
    }
    CHECK(status == 200);
    for (int i = 0; i < 500 && occurrences(server.log(), "storage writes recovered") == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const std::string log = server.log();
    CHECK(occurrences(log, "storage writes recovered") == 1);
    CHECK(occurrences(log, "storage writes failing") == 1);
    CHECK(occurrences(log, "level=error") == 1);
    CHECK_STATUS(submit(c, intake, make_clue("511702", "HARD-10-AFTER")), 201);
}
