#pragma once
// One HTTP connection. All of its handlers run on its strand, so its state needs no lock.
// The transport is a template parameter, as in Beast's "flex" examples: plain TCP, or TLS
// over TCP (an ssl_stream) when the server has a certificate.
#include <memory>
#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "clue_router/domain/ip_address.hpp"
#include "clue_router/http/problem.hpp"
#include "clue_router/http/types.hpp"

namespace clue_router::http {

class Server;

// What the server needs of a connection, whatever its transport.
class Session : public std::enable_shared_from_this<Session> {
  public:
    explicit Session(Server& server) : server_(server) {}
    virtual ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    virtual void run() = 0;
    // From the server's shutdown: close now if idle, else after the reply in hand.
    virtual void close_when_idle() = 0;
    // From the server when shutdown grace is over: close whatever the state.
    virtual void force_close() = 0;

  protected:
    Server& server_;
};

template <class Stream>
class StreamSession final : public Session {
  public:
    // The stream is built from the accepted socket (and, for TLS, the server's context).
    template <class... StreamArgs>
    explicit StreamSession(Server& server, StreamArgs&&... args)
        : Session(server), stream_(std::forward<StreamArgs>(args)...) {}

    void run() override;
    void close_when_idle() override;
    void force_close() override;

  private:
    std::shared_ptr<StreamSession> shared_self() {
        return std::static_pointer_cast<StreamSession>(shared_from_this());
    }
    void start();  // the TLS handshake, if any, then the first request
    void read_header();
    void on_header(boost::beast::error_code ec);
    void read_body();
    void on_body(boost::beast::error_code ec);
    void dispatch_request();
    void send(Response&& response, bool close_after);
    void on_write(boost::beast::error_code ec, bool close);
    void reply_and_close(const Problem& problem);
    void close();

    Stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    std::shared_ptr<Response> in_write_;  // kept alive until its write completes
    // Keeps the io_context running while a request waits for the storage writer, which
    // is not an Asio operation.
    std::optional<boost::asio::executor_work_guard<boost::asio::any_io_executor>> busy_;
    domain::IpAddress peer_;      // the remote address, read once at start
    std::size_t body_limit_ = 0;  // of the request being read
    bool receiving_ = false;      // between a request's header and its dispatch
    bool close_requested_ = false;
    bool closed_ = false;
};

using PlainSession = StreamSession<boost::beast::tcp_stream>;
using TlsSession = StreamSession<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace clue_router::http
