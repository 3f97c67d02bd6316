#include "clue_router/app/accounts_setup.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace clue_router::app {

namespace {

class OffsetFileClock final : public service::Clock {
  public:
    explicit OffsetFileClock(std::string path) : path_(std::move(path)) {}
    domain::Timestamp now() const override {
        long long offset = 0;
        std::ifstream in(path_);
        if (in) in >> offset;
        return system_.now() + std::chrono::seconds(in ? offset : 0);
    }

  private:
    std::string path_;
    service::SystemClock system_;
};

}  // namespace

service::PeopleOptions people_options(const Config& config) {
    service::PeopleOptions o;
    o.hashing.memory_kib = static_cast<std::uint32_t>(config.password_memory_kib);
    o.hashing.iterations = static_cast<std::uint32_t>(config.password_iterations);
    o.hashing.parallelism = static_cast<std::uint32_t>(config.password_parallelism);
    if (!config.common_passwords.empty()) {
        std::ifstream in(config.common_passwords, std::ios::binary);
        if (!in) {
            throw std::runtime_error("common_passwords: cannot read " + config.common_passwords);
        }
        std::ostringstream text;
        text << in.rdbuf();
        o.common_passwords = std::make_shared<const domain::CommonPasswords>(
            domain::CommonPasswords::parse(text.str()));
    }
    return o;
}

service::SessionOptions session_options(const Config& config) {
    service::SessionOptions o;
    o.idle = std::chrono::minutes(config.session_idle_minutes);
    o.lifetime = std::chrono::hours(config.session_lifetime_hours);
    o.hashing.memory_kib = static_cast<std::uint32_t>(config.password_memory_kib);
    o.hashing.iterations = static_cast<std::uint32_t>(config.password_iterations);
    o.hashing.parallelism = static_cast<std::uint32_t>(config.password_parallelism);
    o.second_factor.required_for.clear();
    for (const auto& name : config.second_factor_required_for) {
        if (const auto role = service::parse_role(name))
            o.second_factor.required_for.push_back(*role);
    }
    if (!config.totp_issuer.empty()) o.second_factor.issuer = config.totp_issuer;
    return o;
}

bool secure_cookies(const Config& config) {
    return !config.tls_certificate_file.empty() || config.public_origin.starts_with("https://");
}

std::unique_ptr<service::Clock> service_clock(const Config& config) {
    if (config.test_clock_file.empty()) return std::make_unique<service::SystemClock>();
    return std::make_unique<OffsetFileClock>(config.test_clock_file);
}

}  // namespace clue_router::app
