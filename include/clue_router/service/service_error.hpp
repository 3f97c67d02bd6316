#pragma once
// The failures a use case reports, as values. The HTTP layer maps each kind to one RFC 9457
// problem type in one place (http/problem.cpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "clue_router/domain/expected.hpp"
#include "clue_router/domain/field_error.hpp"

namespace clue_router::service {

enum class ErrorKind {
    validation,              // 422, with field errors
    bad_request,             // 400, with field errors pointing at the query or a header
    forbidden,               // 403
    not_found,               // 404, also for records outside the caller's scope
    transition_not_allowed,  // 409
    request_in_progress,     // 409, same Idempotency-Key still in flight
    conflict,                // 409, the record's state does not allow it (exists, not queued)
    duplicate_reference,     // 409, the sender already submitted a clue with this reference
    precondition_failed,     // 412
    precondition_required,   // 428
    idempotency_key_reused,  // 422
    webhook_id_reused,       // 422: an inbound webhook-id sent again with another body
    unavailable,             // 503, storage failed; nothing was stored
    signature_invalid,       // 401, an inbound webhook's signature or timestamp is refused
};

struct ServiceError {
    ErrorKind kind;
    std::string detail;  // for a person; never personal data
    domain::FieldErrors errors;
    std::optional<std::int64_t> current_version;  // with precondition_failed
    // With duplicate_reference: the path of the record that already exists (the caller's own),
    // given as Location and as the problem's existing_clue member.
    std::optional<std::string> existing{};
};

template <class T>
using Result = domain::Expected<T, ServiceError>;

// Use cases that write complete through a callback, called exactly once, possibly on the
// storage writer thread: it must only hand the result over (post it), never block.
template <class T>
using Completion = std::function<void(Result<T>)>;

inline ServiceError error(ErrorKind kind, std::string detail, domain::FieldErrors errors = {}) {
    return ServiceError{kind, std::move(detail), std::move(errors), std::nullopt, std::nullopt};
}

}  // namespace clue_router::service
