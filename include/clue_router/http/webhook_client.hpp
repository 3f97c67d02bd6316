#pragma once
// One delivery attempt over HTTP/1.1, in clear or over TLS: resolve, connect, (handshake,)
// send a POST, read the status line and headers, hang up. The whole attempt has one
// deadline (15 s by default): a receiver that is slow to resolve, accept, handshake, read or
// answer fails the attempt, never the dispatcher. Modelled on Beast's async HTTP and HTTPS
// client examples; callbacks, one strand per attempt.
//
// TLS is verified as a browser would: the chain against the system's trust store (plus an
// optional extra CA bundle, for a partner's private CA), and the certificate's name against
// the URL's host (SNI is sent for names). A receiver that fails either check fails the
// attempt with "handshake: …" in the delivery log, and the delivery is retried like any
// other failure.
//
// Every address the name resolves to is judged by the address policy before it is connected
// to, and the connected peer once more after: a name that resolves to a refused address (DNS
// rebinding included, since this runs on every attempt) fails the attempt with exactly
// "address not allowed" — nothing of what, if anything, answers there reaches the log.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "clue_router/domain/address_policy.hpp"
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

// The client side of TLS for every attempt: TLS 1.2 or later, peers verified against the
// system trust store and, when extra_ca_file is not empty, the PEM certificates in it.
// Throws std::runtime_error naming the file when it cannot be read.
std::shared_ptr<boost::asio::ssl::context> make_webhook_tls_context(
    const std::string& extra_ca_file);

// The error of an attempt refused by the address policy; the same whatever the address.
inline constexpr const char* kAddressNotAllowed = "address not allowed";

// Calls `done` exactly once, on an executor of `ioc`. `tls` is used for https URLs only.
void send_webhook(boost::asio::io_context& ioc, std::shared_ptr<boost::asio::ssl::context> tls,
                  std::shared_ptr<const domain::AddressPolicy> policy, OutboundRequest request,
                  std::chrono::milliseconds timeout, std::function<void(OutboundResult)> done);

}  // namespace clue_router::http
