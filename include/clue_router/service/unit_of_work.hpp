#pragma once
// The two ways a use case finishes through the store's one writer thread: a decision taken
// inside a unit of work (against the committed state, so two concurrent requests cannot both
// pass a check), and a read served only once the audit row recording it is durable. Either
// completes with 503 when the commit fails, and then nothing changed or left.
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "clue_router/service/service_error.hpp"
#include "clue_router/storage/store.hpp"

namespace clue_router::service {

// Runs `work` in a unit of work and completes with what it decided.
template <class T>
void write_decision(storage::Store& store,
                    std::function<Result<T>(storage::WriteTransaction&)> work, Completion<T> done) {
    auto result = std::make_shared<std::optional<Result<T>>>();
    store.write(
        [result, work = std::move(work)](storage::WriteTransaction& tx) { *result = work(tx); },
        [result, done = std::move(done)](std::exception_ptr failure) {
            if (failure || !*result) {
                done(domain::unexpected(error(ErrorKind::unavailable,
                                              "the change could not be stored; nothing changed")));
            } else {
                done(std::move(**result));
            }
        });
}

// Commits `audit` (the rows that record a read of free text or personal data), then
// completes with `value`: what was read never leaves unrecorded.
template <class T>
void serve_once_audited(storage::Store& store, storage::Store::Work audit, T value,
                        Completion<T> done) {
    auto shared = std::make_shared<T>(std::move(value));
    store.write(std::move(audit), [shared, done = std::move(done)](std::exception_ptr failure) {
        if (failure) {
            done(domain::unexpected(error(ErrorKind::unavailable,
                                          "the read could not be audited, so it was not served")));
        } else {
            done(std::move(*shared));
        }
    });
}

}  // namespace clue_router::service
