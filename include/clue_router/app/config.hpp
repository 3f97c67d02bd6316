#pragma once
// Settings: a JSON file, every member overridable by an environment variable named
// CLUE_ROUTER_<MEMBER IN UPPER CASE> (e.g. CLUE_ROUTER_PORT=9090), so that one file serves
// every environment and containers need no file at all.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clue_router/domain/ip_address.hpp"

namespace clue_router::app {

struct Config {
    std::string listen_address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0: any free port (see port_file)
    std::string port_file;      // when set, the bound port is written here once serving
    int threads = 2;
    std::string database = "var/clue-router.db";
    std::string synchronous = "FULL";
    int read_connections = 4;
    std::string directory = "config/demo-directory.json";
    std::string criteria = "config/criteria.json";
    std::string relief_standards = "config/relief-standards.json";
    std::string routing = "config/routing.json";
    std::string deadlines = "config/deadlines.json";  // empty: the built-in defaults
    // The GB/T 2260 code list (the shipped one by default); empty: structure checks only.
    std::string regions = "config/regions.json";
    int sweep_interval_seconds = 60;  // how often the deadline sweeper runs
    std::size_t max_body_bytes = 1 << 20;
    int header_timeout_ms = 15'000;
    int body_timeout_ms = 30'000;
    int write_timeout_ms = 30'000;
    int shutdown_grace_ms = 10'000;
    int max_connections = 10'000;
    int rate_limit_per_minute = 6000;  // per API key; 0: no limit
    int rate_limit_burst = 600;
    int idempotency_retention_hours = 48;
    int local_offset_minutes = 8 * 60;  // China Standard Time, for "today" in age rules
    // How far a clue's source.received_at may be ahead of the server's clock (senders' clocks
    // run fast); further ahead is a 422.
    int received_at_future_tolerance_seconds = 300;
    // Small-number protection of the progress figures (domain/cell_key.hpp): the largest
    // perturbation of one calendar block's count (0: exact figures), and the smallest count
    // published (1 to stats_min_count - 1 are hidden).
    int stats_noise = 2;
    int stats_min_count = 5;
    std::string log_level = "info";
    // Where the data keyring is (service/data_keys): a file, or the name of an environment
    // variable holding it. Exactly one; the service refuses to start without a keyring.
    std::string data_keys_file;
    std::string data_keys_env;
    // Personal data is removed this many days after a clue's loop closes (all its tickets
    // finished); the anonymised record stays.
    int retention_days_after_close = 180;
    // HTTPS: both set, or neither (plain HTTP, e.g. behind a TLS-terminating proxy). PEM files.
    std::string tls_certificate_file;
    std::string tls_private_key_file;
    // Outbound webhooks (docs/configuration.md).
    int webhook_timeout_ms = 15'000;
    int webhook_poll_interval_ms = 1000;
    std::vector<int> webhook_retry_schedule_seconds;  // empty: the built-in ~3-day schedule
    int webhook_max_in_flight = 64;
    int webhook_max_in_flight_per_endpoint = 8;
    // PEM file of extra CA certificates trusted for https endpoints (a partner's private CA);
    // empty: the system trust store only.
    std::string webhook_ca_file;
    // Networks webhooks may be sent into besides public addresses (loopback, private,
    // link-local, special-purpose ranges); empty: public addresses only. See
    // domain/address_policy.
    std::vector<std::string> webhook_allowed_networks;
    // Peers whose X-Forwarded-For names the client (a TLS-terminating proxy); empty: none.
    std::vector<std::string> trusted_proxies;
    // Per client address, for requests without a valid key (inbound webhooks, health, failed
    // authentication); 0: no limit.
    int address_rate_limit_per_minute = 600;
    int address_rate_limit_burst = 120;
    // Inbound webhook bodies larger than this are refused (413) before they are read.
    std::size_t hook_max_body_bytes = 64 * 1024;
    // People's accounts (issue 15). Passwords found in this list are refused (one a line).
    std::string common_passwords = "config/common-passwords.txt";
    // Argon2id parameters for new hashes; an account hashed otherwise is re-hashed at her next
    // sign-in.
    int password_memory_kib = 19 * 1024;
    int password_iterations = 2;
    int password_parallelism = 1;
    int session_idle_minutes = 15;
    int session_lifetime_hours = 12;
    // The roles whose people must sign in with a second factor (TOTP): those who may read
    // personal data in clear (intake, staff) and admins. The rest may enrol one.
    std::vector<std::string> second_factor_required_for{"intake", "staff", "admin"};
    // The name authenticator apps show beside the account.
    std::string totp_issuer = "clue-router";
    // The origin browsers reach the service by (e.g. https://router.example.org, behind a
    // TLS-terminating proxy); empty: the request's Host, over https when tls_* are set.
    std::string public_origin;
    // The staff console's build (console/dist, docs/console.md), served at /console/; read
    // once at start. Empty: no console (the API alone).
    std::string console_dir;
    // Tests only: a file holding a number of seconds added to the system clock, read at each
    // reading of the clock, so that tests can move time for a running server. Never set it in
    // production.
    std::string test_clock_file;
};

// The networks of a list the configuration has already checked.
std::vector<domain::IpNetwork> parsed_networks(const std::vector<std::string>& texts);

// Reads the file (when path is non-empty), then the environment. Throws std::runtime_error
// naming the member and what is wrong with it.
Config load_config(const std::string& path);

}  // namespace clue_router::app
