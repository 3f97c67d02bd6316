// The hardening settings (issue 14): network lists are checked entry by entry when the
// configuration is read, from the file and from the environment.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "clue_router/app/config.hpp"

using namespace clue_router;

namespace {

std::string config_file(const std::string& members) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("clue-router-config-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << "{" << members << "}";
    return path.string();
}

std::string refusal(const std::string& members) {
    const auto path = config_file(members);
    try {
        app::load_config(path);
    } catch (const std::runtime_error& e) {
        std::filesystem::remove(path);
        return e.what();
    }
    std::filesystem::remove(path);
    return "";
}

}  // namespace

TEST_CASE("webhook_allowed_networks and trusted_proxies are lists of networks",
          "[app][config][hardening]") {
    const auto defaults = app::load_config("");
    CHECK(defaults.webhook_allowed_networks.empty());
    CHECK(defaults.trusted_proxies.empty());
    CHECK(defaults.hook_max_body_bytes == 64 * 1024);
    CHECK(defaults.address_rate_limit_per_minute == 600);

    const auto path = config_file(
        R"("webhook_allowed_networks": ["10.20.0.0/16", "fd00:1234::/32", "192.0.2.7"],
           "trusted_proxies": ["127.0.0.1"], "hook_max_body_bytes": 4096)");
    const auto config = app::load_config(path);
    std::filesystem::remove(path);
    CHECK(config.webhook_allowed_networks ==
          std::vector<std::string>{"10.20.0.0/16", "fd00:1234::/32", "192.0.2.7"});
    const auto networks = app::parsed_networks(config.webhook_allowed_networks);
    REQUIRE(networks.size() == 3);
    CHECK(networks[2].to_string() == "192.0.2.7/32");
    CHECK(config.hook_max_body_bytes == 4096);

    CHECK(refusal(R"("webhook_allowed_networks": ["10.1.0.0/8"])").find("10.0.0.0/8") !=
          std::string::npos);
    CHECK(refusal(R"("webhook_allowed_networks": ["intranet"])").find("\"intranet\"") !=
          std::string::npos);
    CHECK(refusal(R"("webhook_allowed_networks": [10])").find("webhook_allowed_networks") !=
          std::string::npos);
    CHECK(refusal(R"("trusted_proxies": "10.0.0.1")").empty());  // a string is a list of one
    CHECK(refusal(R"("hook_max_body_bytes": 10)").find("hook_max_body_bytes") != std::string::npos);
}

TEST_CASE("network lists from the environment are comma-separated", "[app][config][hardening]") {
    ::setenv("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8, ::1/128", 1);
    const auto config = app::load_config("");
    CHECK(config.webhook_allowed_networks == std::vector<std::string>{"127.0.0.0/8", "::1/128"});
    ::setenv("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "", 1);
    CHECK(app::load_config("").webhook_allowed_networks.empty());
    ::setenv("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS", "127.0.0.0/8,,", 1);
    CHECK_THROWS_WITH(app::load_config(""),
                      Catch::Contains("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS"));
    ::unsetenv("CLUE_ROUTER_WEBHOOK_ALLOWED_NETWORKS");
}
