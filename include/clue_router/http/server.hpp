#pragma once
// The HTTP/1.1 server, after Boost.Beast's asynchronous server examples: one listener, one
// session per connection running on its own strand, a fresh parser for every request with
// header and body limits, a timeout on every read and write, keep-alive.
//
// Shutdown is graceful: stop accepting, close idle connections at once, let busy ones finish
// the request in hand (its reply is sent with "Connection: close"), and report when the last
// connection is gone, or when the grace period ends, whichever comes first.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/http/exchange.hpp"

namespace clue_router::http {

struct ServerOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;
    std::size_t max_body_bytes = 1 << 20;
    std::size_t max_header_bytes = 16 * 1024;
    std::chrono::milliseconds header_timeout{15'000};  // also the keep-alive idle limit
    std::chrono::milliseconds body_timeout{30'000};
    std::chrono::milliseconds write_timeout{30'000};
    std::size_t max_connections = 10'000;
    // When set, every connection speaks TLS (HTTPS) with this context's certificate.
    std::shared_ptr<boost::asio::ssl::context> tls;
    // When set, a smaller body limit for the request a header names (Api::body_limit): a
    // route that takes small bodies from unauthenticated senders refuses big ones unread.
    std::function<std::optional<std::size_t>(beast_http::verb, std::string_view target)>
        body_limit_for;
};

// Called for every well-formed request, on the connection's strand, with the connection's
// remote address. The sink may be called from any thread, once.
using RequestHandler = std::function<void(Request&&, const domain::IpAddress&, Exchange::Sink)>;

class Session;

class Server {
  public:
    Server(boost::asio::io_context& ioc, ServerOptions options, RequestHandler handler);
    ~Server();

    // Binds and starts accepting; throws std::system_error if the address cannot be bound.
    void start();
    std::uint16_t port() const { return bound_port_; }

    // Begins the graceful shutdown; on_drained runs (on the io_context) when no connection
    // is left or when grace has passed, whichever is first. Safe to call from any thread.
    void shutdown(std::chrono::milliseconds grace, std::function<void()> on_drained);

    // Bookkeeping used by sessions.
    void session_started(Session* s, std::weak_ptr<Session> w);
    void session_ended(Session* s);
    const ServerOptions& options() const { return options_; }
    const RequestHandler& handler() const { return handler_; }
    bool stopping() const { return stopping_; }

  private:
    void do_accept();
    void check_drained();

    boost::asio::io_context& ioc_;
    ServerOptions options_;
    RequestHandler handler_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer grace_timer_;
    std::uint16_t bound_port_ = 0;

    std::mutex mutex_;  // guards the members below
    std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
    bool stopping_ = false;
    std::function<void()> on_drained_;
};

}  // namespace clue_router::http
