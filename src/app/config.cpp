#include "clue_router/app/config.hpp"
#include "clue_router/app/runtime_loader.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "clue_router/domain/ip_address.hpp"

namespace clue_router::app {

namespace {

using nlohmann::json;

// One entry per setting: how to read it from JSON and from an environment string.
struct Setting {
    const char* name;
    std::function<void(Config&, const json&)> from_json;
};

template <class Int>
std::function<void(Config&, const json&)> integer(Int Config::*member, long long min, long long max,
                                                  const char* name) {
    return [=](Config& c, const json& v) {
        if (!v.is_number_integer() || v.get<long long>() < min || v.get<long long>() > max) {
            throw std::runtime_error(std::string(name) + ": must be a whole number from " +
                                     std::to_string(min) + " to " + std::to_string(max));
        }
        c.*member = static_cast<Int>(v.get<long long>());
    };
}

std::function<void(Config&, const json&)> text(std::string Config::*member, const char* name) {
    return [=](Config& c, const json& v) {
        if (!v.is_string()) throw std::runtime_error(std::string(name) + ": must be a string");
        c.*member = v.get<std::string>();
    };
}

// A list of whole seconds: a JSON array, or "5,300,1800" from the environment.
std::function<void(Config&, const json&)> schedule(std::vector<int> Config::*member,
                                                   const char* name) {
    return [=](Config& c, const json& v) {
        const auto fail = [&] {
            throw std::runtime_error(std::string(name) +
                                     ": must be 1-50 whole numbers of seconds, each 1-172800");
        };
        std::vector<int> out;
        auto add = [&](long long n) {
            if (n < 1 || n > 172'800) fail();
            out.push_back(static_cast<int>(n));
        };
        if (v.is_array()) {
            for (const auto& n : v) {
                if (!n.is_number_integer()) fail();
                add(n.get<long long>());
            }
        } else if (v.is_string() || v.is_number_integer()) {
            const std::string text = v.is_string() ? v.get<std::string>() : v.dump();
            std::size_t at = 0;
            while (at <= text.size()) {
                const auto comma = text.find(',', at);
                const std::string part =
                    text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
                if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos ||
                    part.size() > 9) {
                    fail();
                }
                add(std::stoll(part));
                if (comma == std::string::npos) break;
                at = comma + 1;
            }
        } else {
            fail();
        }
        if (out.empty() || out.size() > 50) fail();
        c.*member = std::move(out);
    };
}

// A list of strings: a JSON array of strings, or "a, b" from the environment (split at commas,
// spaces around each trimmed); "" or [] is none. nullopt for anything else.
std::optional<std::vector<std::string>> string_list(const json& v) {
    std::vector<std::string> out;
    if (v.is_array()) {
        for (const auto& item : v) {
            if (!item.is_string()) return std::nullopt;
            out.push_back(item.get<std::string>());
        }
        return out;
    }
    if (!v.is_string()) return std::nullopt;
    const std::string text = v.get<std::string>();
    std::size_t at = 0;
    while (!text.empty() && at <= text.size()) {
        const auto comma = text.find(',', at);
        std::string part =
            text.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        out.push_back(std::move(part));
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    return out;
}

// A list of IP networks (domain/ip_address): a JSON array of strings, or "10.0.0.0/8,fd00::/8"
// from the environment; "" or [] is none. Each is checked here, naming the one at fault.
std::function<void(Config&, const json&)> networks(std::vector<std::string> Config::*member,
                                                   const char* name) {
    return [=](Config& c, const json& v) {
        auto texts = string_list(v);
        if (!texts) {
            throw std::runtime_error(std::string(name) +
                                     ": must be a list of networks (\"10.0.0.0/8\")");
        }
        for (const auto& t : *texts) {
            std::string why;
            if (!domain::parse_ip_network(t, why)) {
                throw std::runtime_error(std::string(name) + ": \"" + t + "\" " + why);
            }
        }
        c.*member = std::move(*texts);
    };
}

// A list of roles: a JSON array, or "admin,staff" from the environment; "" or [] is none.
std::function<void(Config&, const json&)> roles(std::vector<std::string> Config::*member,
                                                const char* name) {
    return [=](Config& c, const json& v) {
        const auto fail = [&] {
            throw std::runtime_error(std::string(name) +
                                     ": must be a list of roles, each one of intake, staff, "
                                     "supervisor, admin");
        };
        const auto texts = string_list(v);
        if (!texts) fail();
        std::vector<std::string> out;
        for (const auto& role : *texts) {
            if (role != "intake" && role != "staff" && role != "supervisor" && role != "admin") {
                fail();
            }
            if (std::find(out.begin(), out.end(), role) == out.end()) out.push_back(role);
        }
        c.*member = std::move(out);
    };
}

const std::vector<Setting>& settings() {
    static const std::vector<Setting> all = {
        {"listen_address", text(&Config::listen_address, "listen_address")},
        {"port", integer(&Config::port, 0, 65535, "port")},
        {"port_file", text(&Config::port_file, "port_file")},
        {"threads", integer(&Config::threads, 1, 256, "threads")},
        {"database", text(&Config::database, "database")},
        {"synchronous", text(&Config::synchronous, "synchronous")},
        {"read_connections", integer(&Config::read_connections, 1, 64, "read_connections")},
        {"directory", text(&Config::directory, "directory")},
        {"criteria", text(&Config::criteria, "criteria")},
        {"relief_standards", text(&Config::relief_standards, "relief_standards")},
        {"routing", text(&Config::routing, "routing")},
        {"deadlines", text(&Config::deadlines, "deadlines")},
        {"regions", text(&Config::regions, "regions")},
        {"sweep_interval_seconds",
         integer(&Config::sweep_interval_seconds, 1, 86'400, "sweep_interval_seconds")},
        {"max_body_bytes", integer(&Config::max_body_bytes, 1024, 64LL << 20, "max_body_bytes")},
        {"header_timeout_ms",
         integer(&Config::header_timeout_ms, 100, 600'000, "header_timeout_ms")},
        {"body_timeout_ms", integer(&Config::body_timeout_ms, 100, 600'000, "body_timeout_ms")},
        {"write_timeout_ms", integer(&Config::write_timeout_ms, 100, 600'000, "write_timeout_ms")},
        {"shutdown_grace_ms", integer(&Config::shutdown_grace_ms, 0, 600'000, "shutdown_grace_ms")},
        {"max_connections", integer(&Config::max_connections, 1, 1'000'000, "max_connections")},
        {"rate_limit_per_minute",
         integer(&Config::rate_limit_per_minute, 0, 10'000'000, "rate_limit_per_minute")},
        {"rate_limit_burst", integer(&Config::rate_limit_burst, 1, 1'000'000, "rate_limit_burst")},
        // Partners retry for a day at most; keys must outlive that (DESIGN: at least 24 h).
        {"idempotency_retention_hours", integer(&Config::idempotency_retention_hours, 24, 24 * 365,
                                                "idempotency_retention_hours")},
        {"local_offset_minutes",
         integer(&Config::local_offset_minutes, -14 * 60, 14 * 60, "local_offset_minutes")},
        {"received_at_future_tolerance_seconds",
         integer(&Config::received_at_future_tolerance_seconds, 0, 86'400,
                 "received_at_future_tolerance_seconds")},
        {"stats_noise", integer(&Config::stats_noise, 0, 5, "stats_noise")},
        {"stats_min_count", integer(&Config::stats_min_count, 0, 100, "stats_min_count")},
        {"log_level", text(&Config::log_level, "log_level")},
        {"data_keys_file", text(&Config::data_keys_file, "data_keys_file")},
        {"data_keys_env", text(&Config::data_keys_env, "data_keys_env")},
        {"tls_certificate_file", text(&Config::tls_certificate_file, "tls_certificate_file")},
        {"tls_private_key_file", text(&Config::tls_private_key_file, "tls_private_key_file")},
        {"retention_days_after_close",
         integer(&Config::retention_days_after_close, 1, 3650, "retention_days_after_close")},
        {"webhook_timeout_ms",
         integer(&Config::webhook_timeout_ms, 100, 120'000, "webhook_timeout_ms")},
        {"webhook_poll_interval_ms",
         integer(&Config::webhook_poll_interval_ms, 10, 60'000, "webhook_poll_interval_ms")},
        {"webhook_retry_schedule_seconds",
         schedule(&Config::webhook_retry_schedule_seconds, "webhook_retry_schedule_seconds")},
        {"webhook_max_in_flight",
         integer(&Config::webhook_max_in_flight, 1, 10'000, "webhook_max_in_flight")},
        {"webhook_ca_file", text(&Config::webhook_ca_file, "webhook_ca_file")},
        {"webhook_max_in_flight_per_endpoint",
         integer(&Config::webhook_max_in_flight_per_endpoint, 1, 1000,
                 "webhook_max_in_flight_per_endpoint")},
        {"webhook_allowed_networks",
         networks(&Config::webhook_allowed_networks, "webhook_allowed_networks")},
        {"trusted_proxies", networks(&Config::trusted_proxies, "trusted_proxies")},
        {"address_rate_limit_per_minute", integer(&Config::address_rate_limit_per_minute, 0,
                                                  10'000'000, "address_rate_limit_per_minute")},
        {"address_rate_limit_burst",
         integer(&Config::address_rate_limit_burst, 1, 1'000'000, "address_rate_limit_burst")},
        {"hook_max_body_bytes",
         integer(&Config::hook_max_body_bytes, 1024, 64LL << 20, "hook_max_body_bytes")},
        {"common_passwords", text(&Config::common_passwords, "common_passwords")},
        {"password_memory_kib",
         integer(&Config::password_memory_kib, 1024, 4 * 1024 * 1024, "password_memory_kib")},
        {"password_iterations",
         integer(&Config::password_iterations, 1, 100, "password_iterations")},
        {"password_parallelism",
         integer(&Config::password_parallelism, 1, 64, "password_parallelism")},
        {"session_idle_minutes",
         integer(&Config::session_idle_minutes, 1, 24 * 60, "session_idle_minutes")},
        {"session_lifetime_hours",
         integer(&Config::session_lifetime_hours, 1, 24 * 30, "session_lifetime_hours")},
        {"second_factor_required_for",
         roles(&Config::second_factor_required_for, "second_factor_required_for")},
        {"totp_issuer", text(&Config::totp_issuer, "totp_issuer")},
        {"public_origin", text(&Config::public_origin, "public_origin")},
        {"console_dir", text(&Config::console_dir, "console_dir")},
        {"test_clock_file", text(&Config::test_clock_file, "test_clock_file")},
    };
    return all;
}

std::string env_name(const char* member) {
    std::string name = "CLUE_ROUTER_";
    for (const char* p = member; *p; ++p) name += static_cast<char>(std::toupper(*p));
    return name;
}

// An environment value is JSON when it parses as a number, else a string.
json env_value(const std::string& raw) {
    if (!raw.empty() && (std::isdigit(static_cast<unsigned char>(raw[0])) || raw[0] == '-')) {
        auto parsed = json::parse(raw, nullptr, false);
        if (!parsed.is_discarded() && parsed.is_number()) return parsed;
    }
    return raw;
}

void validate(const Config& c) {
    if (c.synchronous != "FULL" && c.synchronous != "NORMAL") {
        throw std::runtime_error("synchronous: must be FULL or NORMAL");
    }
    static const std::vector<std::string> levels = {"trace", "debug",    "info", "warn",
                                                    "error", "critical", "off"};
    if (std::find(levels.begin(), levels.end(), c.log_level) == levels.end()) {
        throw std::runtime_error(
            "log_level: must be one of trace, debug, info, warn, error, "
            "critical, off");
    }
    if (c.database.empty()) throw std::runtime_error("database: must not be empty");
    if (c.tls_certificate_file.empty() != c.tls_private_key_file.empty()) {
        throw std::runtime_error(
            "tls_certificate_file and tls_private_key_file: set both for HTTPS, or neither");
    }
    if (c.routing.empty()) throw std::runtime_error("routing: must not be empty");
    if (!c.public_origin.empty()) {
        const bool scheme =
            c.public_origin.starts_with("https://") || c.public_origin.starts_with("http://");
        const auto host_start = c.public_origin.find("://") + 3;
        if (!scheme || c.public_origin.size() <= host_start ||
            c.public_origin.find('/', host_start) != std::string::npos) {
            throw std::runtime_error(
                "public_origin: must be a scheme and host (and port), such as "
                "https://router.example.org, without a path");
        }
    }
}

}  // namespace

std::vector<domain::IpNetwork> parsed_networks(const std::vector<std::string>& texts) {
    std::vector<domain::IpNetwork> out;
    for (const auto& t : texts) {
        std::string why;
        auto network = domain::parse_ip_network(t, why);
        if (!network) throw std::runtime_error("\"" + t + "\" " + why);
        out.push_back(*network);
    }
    return out;
}

Config load_config(const std::string& path) {
    Config config;
    if (!path.empty()) {
        const json doc = read_json_file(path, "configuration");
        if (!doc.is_object()) throw std::runtime_error(path + ": not a JSON object");
        for (const auto& item : doc.items()) {
            // Not a structured binding: clang 14 (the CI build) cannot capture one in a lambda.
            const std::string& member = item.key();
            if (member.starts_with("_")) continue;  // "_comment" and the like
            const auto& all = settings();
            const auto it = std::find_if(all.begin(), all.end(),
                                         [&](const Setting& s) { return member == s.name; });
            if (it == all.end()) throw std::runtime_error(path + ": unknown setting " + member);
            it->from_json(config, item.value());
        }
    }
    for (const auto& s : settings()) {
        if (const char* raw = std::getenv(env_name(s.name).c_str())) {
            try {
                s.from_json(config, env_value(raw));
            } catch (const std::runtime_error& e) {
                throw std::runtime_error(env_name(s.name) + " (" + e.what() + ")");
            }
        }
    }
    validate(config);
    return config;
}

}  // namespace clue_router::app
