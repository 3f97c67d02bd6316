#include "clue_router/http/problem.hpp"

#include <nlohmann/json.hpp>

namespace clue_router::http {

namespace {

Problem make(int status, std::string type, std::string title, std::string detail,
             domain::FieldErrors errors = {}) {
    return Problem{
        status, std::move(type), std::move(title), std::move(detail), std::move(errors), {}, {}};
}

}  // namespace

Problem to_problem(const service::ServiceError& e) {
    using service::ErrorKind;
    switch (e.kind) {
        case ErrorKind::validation:
            return make(422, "validation", "The request body is not valid", e.detail, e.errors);
        case ErrorKind::bad_request:
            return make(400, "bad-request", "The request is not valid", e.detail, e.errors);
        case ErrorKind::forbidden:
            return make(403, "forbidden", "Not allowed for this key", e.detail, e.errors);
        case ErrorKind::not_found:
            return make(404, "not-found", "Not found", e.detail);
        case ErrorKind::transition_not_allowed:
            return make(409, "transition-not-allowed",
                        "The ticket's status does not allow this action", e.detail);
        case ErrorKind::conflict:
            return make(409, "conflict", "The request conflicts with the record's state", e.detail);
        case ErrorKind::duplicate_reference: {
            Problem p =
                make(409, "duplicate-reference", "A clue with this reference was already submitted",
                     e.detail, e.errors);
            if (e.existing) {
                p.headers.emplace_back("Location", *e.existing);
                p.members.emplace_back("existing_clue", *e.existing);
            }
            return p;
        }
        case ErrorKind::request_in_progress: {
            Problem p =
                make(409, "request-in-progress", "The same request is still in progress", e.detail);
            p.headers.emplace_back("Retry-After", "1");
            return p;
        }
        case ErrorKind::precondition_failed: {
            Problem p = make(412, "precondition-failed", "The record has changed since it was read",
                             e.detail);
            if (e.current_version) {
                p.headers.emplace_back("ETag", "\"" + std::to_string(*e.current_version) + "\"");
            }
            return p;
        }
        case ErrorKind::precondition_required:
            return make(428, "precondition-required", "If-Match is required", e.detail);
        case ErrorKind::idempotency_key_reused:
            return make(422, "idempotency-key-reused", "The Idempotency-Key was already used",
                        e.detail);
        case ErrorKind::webhook_id_reused:
            return make(422, "webhook-id-reused", "The webhook-id was already used", e.detail);
        case ErrorKind::signature_invalid:
            return make(401, "webhook-signature", "The webhook signature is not valid", e.detail);
        case ErrorKind::unavailable: {
            Problem p = make(503, "unavailable", "Temporarily unavailable", e.detail);
            p.headers.emplace_back("Retry-After", "5");
            return p;
        }
    }
    return internal_error();
}

Problem too_many_requests(int retry_after_seconds) {
    Problem p = make(429, "rate-limited", "Too many requests for this key",
                     "this key has used its request allowance; retry after " +
                         std::to_string(retry_after_seconds) + " s");
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}

Problem too_many_requests_from_address(int retry_after_seconds) {
    Problem p = make(429, "rate-limited", "Too many requests from this address",
                     "requests without a valid key are limited per client address; retry after " +
                         std::to_string(retry_after_seconds) + " s");
    p.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
    return p;
}

Problem bad_request(std::string detail, domain::FieldErrors errors) {
    return make(400, "bad-request", "The request is not valid", std::move(detail),
                std::move(errors));
}

Problem malformed_json(std::string detail) {
    return make(400, "malformed-json", "The body is not valid JSON", std::move(detail));
}

Problem unauthenticated(std::string detail) {
    Problem p = make(401, "unauthenticated", "A valid API key is required", std::move(detail));
    p.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"clue-router\"");
    return p;
}

Problem second_factor_required() {
    return make(401, "second-factor-required", "A second factor is required",
                "send the code of your authenticator app as totp_code (or a recovery_code) with "
                "the username and password");
}

Problem second_factor_enrolment_required() {
    return make(403, "second-factor-enrolment-required", "Enrol a second factor first",
                "your role needs a second factor: POST /v1/sessions/current/totp, then confirm "
                "a code at POST /v1/sessions/current/totp/confirm");
}

Problem not_found() {
    return make(404, "not-found", "Not found", "no such resource");
}

Problem method_not_allowed(const std::string& allow) {
    Problem p =
        make(405, "method-not-allowed", "Method not allowed", "this resource allows " + allow);
    p.headers.emplace_back("Allow", allow);
    return p;
}

Problem payload_too_large(std::size_t limit) {
    return make(413, "payload-too-large", "The body is too large",
                "bodies are limited to " + std::to_string(limit) + " bytes");
}

Problem unsupported_media_type() {
    return make(415, "unsupported-media-type", "Unsupported media type",
                "send the body as application/json");
}

Problem headers_too_large() {
    return make(431, "headers-too-large", "Request headers too large",
                "the request's headers are over the limit");
}

Problem internal_error() {
    return make(500, "internal", "Internal error",
                "the server could not handle the request; quote the instance when you report it");
}

Response make_problem_response(const Problem& p, unsigned version, const std::string& request_id) {
    nlohmann::json body = {{"type", "urn:clue-router:problem:" + p.type},
                           {"title", p.title},
                           {"status", p.status},
                           {"detail", p.detail},
                           {"instance", "urn:clue-router:request:" + request_id}};
    for (const auto& [member, value] : p.members) body[member] = value;
    if (!p.errors.empty()) {
        auto& list = body["errors"] = nlohmann::json::array();
        for (const auto& e : p.errors)
            list.push_back({{"pointer", e.pointer}, {"detail", e.detail}});
    }
    Response res{static_cast<beast_http::status>(p.status), version};
    res.set(beast_http::field::content_type, "application/problem+json");
    for (const auto& [name, value] : p.headers) res.set(name, value);
    // Replace invalid UTF-8 rather than throw: details are ours, but stay safe.
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return res;
}

}  // namespace clue_router::http
