#pragma once
// What people's accounts need from the configuration (issue 15): the common-password list
// (read from its file once, at start), the Argon2id parameters, the session timeouts, and a
// clock tests can move (test_clock_file).
#include <memory>

#include "clue_router/app/config.hpp"
#include "clue_router/service/clock.hpp"
#include "clue_router/service/people.hpp"
#include "clue_router/service/sessions.hpp"

namespace clue_router::app {

// Throws std::runtime_error when the configured list cannot be read.
service::PeopleOptions people_options(const Config& config);
service::SessionOptions session_options(const Config& config);
// Whether session cookies are Secure (and __Host-): TLS here, or an https public_origin.
bool secure_cookies(const Config& config);
// The system clock, or with test_clock_file set, the system clock moved by the number of
// seconds that file holds (read at each reading; a missing or unreadable file moves nothing).
std::unique_ptr<service::Clock> service_clock(const Config& config);

}  // namespace clue_router::app
