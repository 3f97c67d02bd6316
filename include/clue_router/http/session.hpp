#pragma once
// One HTTP connection. All of its handlers run on its strand, so its state needs no lock.
#include <memory>
#include <optional>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include "clue_router/http/problem.hpp"
#include "clue_router/http/types.hpp"

namespace clue_router::http {

class Server;

class Session : public std::enable_shared_from_this<Session> {
  public:
    Session(boost::asio::ip::tcp::socket&& socket, Server& server);
    ~Session();

    void run();
    // From the server's shutdown: close now if idle, else after the reply in hand.
    void close_when_idle();
    // From the server when shutdown grace is over: close whatever the state.
    void force_close();

  private:
    void read_header();
    void on_header(boost::beast::error_code ec);
    void read_body();
    void on_body(boost::beast::error_code ec);
    void dispatch_request();
    void send(Response&& response, bool close_after);
    void on_write(boost::beast::error_code ec, bool close);
    void reply_and_close(const Problem& problem);
    void close();

    boost::beast::tcp_stream stream_;
    Server& server_;
    boost::beast::flat_buffer buffer_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    std::shared_ptr<Response> in_write_;  // kept alive until its write completes
    // Keeps the io_context running while a request waits for the storage writer, which
    // is not an Asio operation.
    std::optional<boost::asio::executor_work_guard<boost::asio::any_io_executor>> busy_;
    bool receiving_ = false;  // between a request's header and its dispatch
    bool close_requested_ = false;
    bool closed_ = false;
};

}  // namespace clue_router::http
