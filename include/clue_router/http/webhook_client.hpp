#pragma once
// One delivery attempt over HTTP/1.1: resolve, connect, send a POST, read the status line
// and headers, hang up. The whole attempt has one deadline (15 s by default): a receiver
// that is slow to resolve, accept, read or answer fails the attempt, never the dispatcher.
// Modelled on Beast's async HTTP client example; callbacks, one strand per attempt.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "clue_router/domain/http_url.hpp"

namespace clue_router::http {

struct OutboundRequest {
    domain::HttpUrl url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct OutboundResult {
    std::optional<int> status;         // set when a status line was read
    std::string retry_after;           // the Retry-After header, if any
    std::optional<std::string> error;  // "timeout", "connect: Connection refused", …
};

// Calls `done` exactly once, on an executor of `ioc`.
void send_webhook(boost::asio::io_context& ioc, OutboundRequest request,
                  std::chrono::milliseconds timeout, std::function<void(OutboundResult)> done);

}  // namespace clue_router::http
