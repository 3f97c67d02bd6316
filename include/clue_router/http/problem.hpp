#pragma once
// RFC 9457 problem details: the one place where every failure becomes a reply.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "clue_router/domain/field_error.hpp"
#include "clue_router/http/types.hpp"
#include "clue_router/service/service_error.hpp"

namespace clue_router::http {

struct Problem {
    int status = 500;
    std::string type;  // the slug after "urn:clue-router:problem:"
    std::string title;
    std::string detail;
    domain::FieldErrors errors;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Allow, WWW-Authenticate
    // Extension members (RFC 9457 §3.2) with a text value, e.g. existing_clue.
    std::vector<std::pair<std::string, std::string>> members{};
};

Problem to_problem(const service::ServiceError& e);

Problem bad_request(std::string detail, domain::FieldErrors errors = {});
Problem malformed_json(std::string detail);
Problem unauthenticated(std::string detail);
// The password was right and her account has a second factor: send it with the password.
Problem second_factor_required();
// A session of a role that needs a second factor, before she enrolled one: it may only enrol.
Problem second_factor_enrolment_required();
Problem not_found();
Problem method_not_allowed(const std::string& allow);
Problem payload_too_large(std::size_t limit);
Problem unsupported_media_type();
Problem headers_too_large();
// 429 with Retry-After, for a key over its rate limit (service/rate_limiter.hpp).
Problem too_many_requests(int retry_after_seconds);
// 429 with Retry-After, for a client address over its limit (service/address_rate_limiter).
Problem too_many_requests_from_address(int retry_after_seconds);
Problem internal_error();

// The problem+json reply; request_id becomes the "instance".
Response make_problem_response(const Problem& p, unsigned version, const std::string& request_id);

}  // namespace clue_router::http
