#pragma once
// A server for the tests of people's accounts (issue 15): its clock is moved by the test
// (test_clock_file), its password hashes are cheap (their cost is not under test), and no
// role needs a second factor unless the test says so.
#include <chrono>
#include <ctime>
#include <fstream>
#include <string>

#include "integration/support/test_server.hpp"

namespace clue_router::it {

struct AccountsServer {
    TestServer server{{}, false};
    std::string clock_file;
    long long offset = 0;

    // second_factor_required_for: the setting, as the environment gives it ("admin,staff").
    explicit AccountsServer(const std::string& second_factor_required_for = "") {
        clock_file = server.dir() + "/clock";
        set_offset(0);
        server.set_env("CLUE_ROUTER_TEST_CLOCK_FILE", clock_file);
        server.set_env("CLUE_ROUTER_PASSWORD_MEMORY_KIB", "1024");
        server.set_env("CLUE_ROUTER_PASSWORD_ITERATIONS", "1");
        server.set_env("CLUE_ROUTER_SECOND_FACTOR_REQUIRED_FOR", second_factor_required_for);
        server.start();
    }
    void set_offset(long long seconds) {
        offset = seconds;
        std::ofstream(clock_file, std::ios::trunc) << seconds << "\n";
    }
    void advance(long long seconds) { set_offset(offset + seconds); }
    // The server's time now, in Unix seconds.
    long long unix_now() const { return static_cast<long long>(std::time(nullptr)) + offset; }
};

}  // namespace clue_router::it
