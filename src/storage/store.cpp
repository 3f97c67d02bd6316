#include "clue_router/storage/store.hpp"

#include <future>
#include <memory>

#include "clue_router/storage/records.hpp"

namespace clue_router::storage {

void write_and_wait(Store& store, const Store::Work& work) {
    // The promise is shared with the callback: the writer thread may still be inside
    // set_value() when this thread wakes up and returns.
    auto promise = std::make_shared<std::promise<void>>();
    auto future = promise->get_future();
    store.write(work, [promise](std::exception_ptr error) {
        if (error) {
            promise->set_exception(error);
        } else {
            promise->set_value();
        }
    });
    future.get();
}

std::string_view to_string(ClueStatus s) {
    switch (s) {
        case ClueStatus::routed:
            return "routed";
        case ClueStatus::needs_review:
            return "needs_review";
        case ClueStatus::answered:
            return "answered";
        case ClueStatus::dismissed:
            return "dismissed";
    }
    return "unknown";
}

std::optional<ClueStatus> parse_clue_status(std::string_view s) {
    if (s == "routed") return ClueStatus::routed;
    if (s == "needs_review") return ClueStatus::needs_review;
    if (s == "dismissed") return ClueStatus::dismissed;
    if (s == "answered") return ClueStatus::answered;
    return std::nullopt;
}

std::string_view to_string(DeliveryStatus s) {
    switch (s) {
        case DeliveryStatus::pending:
            return "pending";
        case DeliveryStatus::delivered:
            return "delivered";
        case DeliveryStatus::failed:
            return "failed";
    }
    return "unknown";
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view s) {
    if (s == "pending") return DeliveryStatus::pending;
    if (s == "delivered") return DeliveryStatus::delivered;
    if (s == "failed") return DeliveryStatus::failed;
    return std::nullopt;
}

}  // namespace clue_router::storage
